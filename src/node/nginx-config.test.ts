import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxFiles, WELCOME_PAGE } from './nginx-config.js';

test('the welcome page is the nginx image\'s, 612 bytes, as the chapter shows it', () => {
  assert.equal(Buffer.byteLength(WELCOME_PAGE), 612);
  assert.match(WELCOME_PAGE, /^<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!<\/title>/);
  assert.match(WELCOME_PAGE, /<p><em>Thank you for using nginx\.<\/em><\/p>\n<\/body>\n<\/html>\n$/);
});

test('one listen line per port (80 by default), foreground, logs on stdout/stderr, everything under the prefix', () => {
  const p = nginxFiles('/data/pods/x/web/nginx', { ports: [8080, 8443, 8080], asRoot: true, nginxPath: '/usr/sbin/nginx', mimeTypes: '/etc/nginx/mime.types' });
  const conf = p.files['nginx.conf'];
  assert.deepEqual(conf.match(/listen \d+;/g), ['listen 8080;', 'listen 8443;']);
  for (const line of ['daemon off;', 'user root;', 'error_log stderr notice;', 'access_log /dev/stdout main;', 'pid /data/pods/x/web/nginx/nginx.pid;', 'root /data/pods/x/web/nginx/html;']) assert.ok(conf.includes(line), line);
  assert.deepEqual(p.argv, ['/usr/sbin/nginx', '-p', '/data/pods/x/web/nginx', '-c', '/data/pods/x/web/nginx/nginx.conf', '-e', 'stderr']);
  assert.match(nginxFiles('/p', { ports: [], asRoot: false, nginxPath: 'nginx' }).files['nginx.conf'], /listen 80;/);
  assert.doesNotMatch(nginxFiles('/p', { ports: [], asRoot: false, nginxPath: 'nginx' }).files['nginx.conf'], /user root/);
  // Rootless: the master serves alone (no worker switches user); temp dirs stay root's.
  const single = nginxFiles('/p', { ports: [], asRoot: true, singleProcess: true, nginxPath: 'nginx' }).files['nginx.conf'];
  assert.match(single, /^user root;\nmaster_process off;$/m);
});

test('with IPv6 (the image\'s entrypoint finds /proc/net/if_inet6) each port is listened on [::] too; without, IPv4 alone', () => {
  const v6 = nginxFiles('/p', { ports: [80, 8080], asRoot: false, nginxPath: 'nginx', ipv6: true }).files['nginx.conf'];
  assert.deepEqual(v6.match(/listen \S+;/g), ['listen 80;', 'listen [::]:80;', 'listen 8080;', 'listen [::]:8080;']);
  const v4 = nginxFiles('/p', { ports: [], asRoot: false, nginxPath: 'nginx' }).files['nginx.conf'];
  assert.deepEqual(v4.match(/listen \S+;/g), ['listen 80;']);
});
