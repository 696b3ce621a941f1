/**
 * @module The nginx the data-plane benchmark serves from, the same configuration for kubito's
 * backend pods and for the hand-made copy's: kubito's nginx image settings (one worker,
 * sendfile, keepalive 65 s, the welcome page) but **no access log**. The image logs every
 * request to stdout, which in a kubito pod goes through the node agent into the CRI log file;
 * that is the pod's cost, not the Service's, and on a shared 2-core machine it would decide the
 * figures. Paths other than the page are relative to the prefix (`-p`), so one file serves every
 * instance, each with its own prefix (pid file, temp dirs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WELCOME_PAGE } from '../src/node/nginx-config.js';

/** Writes `<dir>/nginx.conf` and `<dir>/html/index.html`; returns the config's path. */
export function writeBenchNginx(dir: string): string {
  mkdirSync(join(dir, 'html'), { recursive: true });
  writeFileSync(join(dir, 'html', 'index.html'), WELCOME_PAGE);
  const conf = [
    'user root;',
    'worker_processes 1;',
    'daemon off;',
    'error_log stderr warn;',
    'pid nginx.pid;',
    'events {',
    '    worker_connections 1024;',
    '}',
    'http {',
    '    types { text/html html htm; }',
    '    default_type application/octet-stream;',
    '    access_log off;',
    '    client_body_temp_path temp/client_body;',
    '    proxy_temp_path temp/proxy;',
    '    fastcgi_temp_path temp/fastcgi;',
    '    uwsgi_temp_path temp/uwsgi;',
    '    scgi_temp_path temp/scgi;',
    '    sendfile on;',
    '    keepalive_timeout 65;',
    '    server {',
    '        listen 80;',
    '        location / {',
    `            root ${join(dir, 'html')};`,
    '            index index.html;',
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'nginx.conf'), conf);
  return join(dir, 'nginx.conf');
}

/** The server's argv for one instance with its own prefix directory (created here). */
export function benchNginxArgv(dir: string, prefix: string): string[] {
  mkdirSync(join(prefix, 'temp'), { recursive: true });
  return ['nginx', '-p', `${prefix}/`, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'];
}

/**
 * The container command for kubito pods: a prefix per pod under `<dir>/pods/<hostname>` (the
 * pod's hostname is its name), then the same nginx.
 */
export function benchNginxPodCommand(dir: string): string[] {
  const prefix = `${join(dir, 'pods')}/$(hostname)`;
  return ['sh', '-c', `mkdir -p "${prefix}/temp" && exec nginx -p "${prefix}/" -c "${join(dir, 'nginx.conf')}" -e stderr`];
}
