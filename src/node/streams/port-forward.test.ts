import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { WebSocketConnection } from '../../apiserver/streams/websocket.js';
import { servePortForwardConnection } from './port-forward.js';

async function socketPair(): Promise<[Socket, Socket]> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection');
  const a = connect((server.address() as { port: number }).port, '127.0.0.1');
  const [b] = (await accepted) as [Socket];
  server.close();
  return [a, b];
}

test('when the pod side finishes first, the client gets the bytes, a half-close, and a close after the grace period', async () => {
  const [wsClient, wsServer] = await socketPair();
  const [podApp, podConn] = await socketPair();
  const api = new WebSocketConnection(wsClient, { role: 'client' });
  servePortForwardConnection(new WebSocketConnection(wsServer, { role: 'server' }), { socket: podConn, graceMs: 30 });
  const got: string[] = [];
  api.on('message', (m) => got.push(m.toString()));
  podApp.end('bye');
  const [code] = await once(api, 'close');
  assert.equal(code, 1000);
  assert.deepEqual(got, ['bye', '']);
  podApp.destroy();
});

test('client bytes and half-close reach the pod; the pod connection closes when the WebSocket does', async () => {
  const [wsClient, wsServer] = await socketPair();
  const [podApp, podConn] = await socketPair();
  const api = new WebSocketConnection(wsClient, { role: 'client' });
  servePortForwardConnection(new WebSocketConnection(wsServer, { role: 'server' }), { socket: podConn, graceMs: 10_000 });
  let received = '';
  podApp.on('data', (c: Buffer) => (received += c.toString()));
  api.send(Buffer.from('request'));
  api.send(Buffer.alloc(0));
  await once(podApp, 'end');
  assert.equal(received, 'request');
  api.close();
  await once(podApp, 'close');
});
