import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { encodeFrame, Opcode } from './websocket-frame.js';
import { writeHttpResponse, writeSwitchingProtocols } from './raw-http.js';
import { acceptWebSocket, connectWebSocket, WebSocketHandshakeError, type WebSocketConnection } from './websocket.js';

let dir: string;
let socketPath: string;
let server: Server;
/** What the test server does with each upgrade; set per test. */
let onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubito-ws-'));
  socketPath = join(dir, 'ws.sock');
  server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => onUpgrade(req, socket, head));
  server.listen(socketPath);
  await once(server, 'listening');
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function serveEcho(protocol: string): Promise<WebSocketConnection> {
  return new Promise((resolve) => {
    onUpgrade = (req, socket, head) => {
      const ws = acceptWebSocket({ req, socket, head }, { protocol })!;
      ws.on('message', (data, binary) => ws.send(binary ? data : data.toString('utf8')));
      resolve(ws);
    };
  });
}

test('a client and a server exchange binary and text messages, large ones too', async () => {
  const serverSide = serveEcho('v5.channel.k8s.io');
  const ws = await connectWebSocket({ socketPath, path: '/x', protocols: ['v5.channel.k8s.io'] });
  await serverSide;
  assert.equal(ws.protocol, 'v5.channel.k8s.io');
  const got: [Buffer, boolean][] = [];
  ws.on('message', (data, binary) => got.push([data, binary]));
  const big = Buffer.alloc(200_000, 9);
  ws.send(Buffer.from([1, 2, 3]));
  ws.send('héllo');
  ws.send(big);
  while (got.length < 3) await once(ws, 'message');
  assert.deepEqual(got[0], [Buffer.from([1, 2, 3]), true]);
  assert.deepEqual(got[1], [Buffer.from('héllo'), false]);
  assert.ok(got[2][0].equals(big));
  ws.close();
  const [code] = await once(ws, 'close');
  assert.equal(code, 1000);
});

test('the server answers pings, reassembles fragments and echoes the close code', async () => {
  let serverWs: WebSocketConnection | undefined;
  const received: Buffer[] = [];
  const raw = new Promise<Duplex>((resolve) => {
    onUpgrade = (req, socket, head) => {
      serverWs = acceptWebSocket({ req, socket, head }, { protocol: '' })!;
      serverWs.on('message', (data) => received.push(data));
      resolve(socket);
    };
  });
  // A hand-made client: the upgrade by http, then raw masked frames.
  const { request } = await import('node:http');
  const req = request({ socketPath, path: '/', headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
  req.end();
  const [res, socket] = (await once(req, 'upgrade')) as [IncomingMessage, Duplex];
  await raw;
  assert.equal(res.headers['sec-websocket-accept'], 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  const mask = { mask: 'random' as const };
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.write(Buffer.concat([
    encodeFrame({ fin: false, opcode: Opcode.binary, payload: Buffer.from('ab') }, mask),
    encodeFrame({ fin: true, opcode: Opcode.ping, payload: Buffer.from('p!') }, mask),
    encodeFrame({ fin: true, opcode: Opcode.continuation, payload: Buffer.from('cd') }, mask),
    encodeFrame({ fin: true, opcode: Opcode.close, payload: Buffer.from([0x0f, 0xa0, 0x78]) }, mask),
  ]));
  const [code, reason] = await once(serverWs!, 'close');
  assert.equal(code, 4000);
  assert.equal(reason, 'x');
  await once(socket, 'end');
  const bytes = Buffer.concat(chunks);
  // pong "p!" then close 4000, both unmasked
  assert.deepEqual(bytes, Buffer.from([0x8a, 0x02, 0x70, 0x21, 0x88, 0x02, 0x0f, 0xa0]));
  assert.deepEqual(received, [Buffer.from('abcd')]);
  socket.destroy();
});

test('a protocol violation closes with 1002', async () => {
  let serverWs: WebSocketConnection | undefined;
  onUpgrade = (req, socket, head) => {
    serverWs = acceptWebSocket({ req, socket, head }, { protocol: '' })!;
  };
  const { request } = await import('node:http');
  const req = request({ socketPath, path: '/', headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
  req.end();
  const [, socket] = (await once(req, 'upgrade')) as [IncomingMessage, Duplex];
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.write(encodeFrame({ fin: true, opcode: Opcode.binary, payload: Buffer.from('unmasked') }));
  await once(socket, 'close');
  assert.equal(Buffer.concat(chunks).readUInt16BE(2), 1002);
  assert.ok(serverWs);
});

test('a refused upgrade rejects with the status and body to relay', async () => {
  onUpgrade = (_req, socket) => writeHttpResponse(socket, { status: 500, body: 'container not found ("c")' });
  await assert.rejects(connectWebSocket({ socketPath, path: '/', protocols: ['v5.channel.k8s.io'] }), (err: unknown) => {
    assert.ok(err instanceof WebSocketHandshakeError);
    assert.equal(err.status, 500);
    assert.equal(err.body.toString(), 'container not found ("c")');
    return true;
  });
});

test('a 101 with a wrong accept key or an unoffered subprotocol fails the handshake', async () => {
  onUpgrade = (_req, socket) => writeSwitchingProtocols(socket, { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Accept': 'wrong' });
  await assert.rejects(connectWebSocket({ socketPath, path: '/', protocols: ['a'] }), /bad Sec-WebSocket-Accept/);
  onUpgrade = (req, socket) => {
    acceptWebSocket({ req, socket }, { protocol: 'b' });
  };
  await assert.rejects(connectWebSocket({ socketPath, path: '/', protocols: ['a'] }), /subprotocol "b" which was not offered/);
});
