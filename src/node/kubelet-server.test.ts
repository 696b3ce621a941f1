import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeletServer } from './kubelet-server.js';
import { PodAccessError } from './pod-access.js';

function get(socketPath: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('containerLogs with the kubelet\'s refusals; upgrades routed to registered handlers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-kubelet-'));
  const log = join(dir, '0.log');
  writeFileSync(log, '2024-01-01T00:00:01Z stdout F hello\n2024-01-01T00:00:02Z stderr F world\n');
  const server = new KubeletServer(join(dir, 'kubelet.sock'), {
    logs: {
      containerLog(ref, { previous }) {
        if (ref.name !== 'web') throw new PodAccessError(404, `pod "${ref.name}" does not exist\n`);
        if (previous) throw new PodAccessError(400, `previous terminated container "${ref.container}" in pod "web" not found`);
        return { path: log, running: () => false };
      },
    },
  });
  const upgraded: string[] = [];
  server.onUpgrade('exec', (_req, socket, _head, url) => {
    upgraded.push(url.pathname);
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  server.onUpgrade('dial', () => {
    throw new Error('a handler bug');
  });
  await server.listen();
  try {
    const sock = join(dir, 'kubelet.sock');
    assert.deepEqual(await get(sock, '/containerLogs/default/web/nginx?tailLines=1&timestamps=true'), { status: 200, body: '2024-01-01T00:00:02Z world\n' });
    assert.deepEqual(await get(sock, '/containerLogs/default/nope/nginx'), { status: 404, body: 'pod "nope" does not exist\n' });
    assert.equal((await get(sock, '/containerLogs/default/web/nginx?previous=true')).status, 400);
    assert.equal((await get(sock, '/containerLogs/default/web/nginx?tailLines=-1')).status, 422);
    assert.equal((await get(sock, '/healthz')).body, 'ok');
    assert.equal((await get(sock, '/exec/default/web/nginx?command=ls')).status, 400);
    assert.equal((await get(sock, '/exec/default/web/nginx?command=ls', { Connection: 'Upgrade', Upgrade: 'websocket' })).status, 400);
    assert.deepEqual(upgraded, ['/exec/default/web/nginx']);
    assert.equal((await get(sock, '/attach/default/web/nginx', { Connection: 'Upgrade', Upgrade: 'websocket' })).status, 404);
    // What a client can send through nodes/proxy never takes the server (the agent) down.
    assert.equal((await get(sock, '/containerLogs/%zz/web/nginx')).status, 400);
    assert.equal((await get(sock, '/%E0%A4%A')).status, 400);
    assert.equal((await get(sock, '/dial?host=10.244.0.9&port=80', { Connection: 'Upgrade', Upgrade: 'websocket' })).status, 500);
    assert.equal((await get(sock, '/healthz')).body, 'ok', 'still serving');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
