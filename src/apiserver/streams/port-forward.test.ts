import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { Flag } from './spdy-frame.js';
import { SpdySession } from './spdy-session.js';
import { SpdyTestClient } from './spdy-test-client.js';
import { parsePortHeader, servePortForward } from './port-forward.js';
import { WebSocketConnection, WebSocketHandshakeError } from './websocket.js';

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

/** A kubelet port-forward WebSocket pair made by hand: returns the API server's end and the kubelet's. */
async function wsPair(): Promise<[WebSocketConnection, WebSocketConnection]> {
  const [a, b] = await socketPair();
  return [new WebSocketConnection(a, { role: 'client' }), new WebSocketConnection(b, { role: 'server' })];
}

test('port header validation', () => {
  assert.equal(parsePortHeader('80'), 80);
  assert.equal(parsePortHeader(undefined), '"port" header is required');
  assert.equal(parsePortHeader('http'), 'unable to parse "http" as a port');
  assert.equal(parsePortHeader('0'), 'port "0" must be > 0 and < 65536');
});

test('streams pair by requestid; bytes flow; half-closes cross; the error stream ends empty', async () => {
  const [clientSocket, serverSocket] = await socketPair();
  const session = new SpdySession(serverSocket);
  const kubeletEnds: WebSocketConnection[] = [];
  const dialed: number[] = [];
  servePortForward(session, {
    namespace: 'default', name: 'p', uid: 'u1',
    async dial(port) {
      dialed.push(port);
      const [api, kubelet] = await wsPair();
      kubeletEnds.push(kubelet);
      return api;
    },
  });
  const client = new SpdyTestClient(clientSocket);
  // Two connections opened interleaved: error 0, error 1, data 1, data 0.
  const e0 = await client.open({ streamtype: 'error', port: '80', requestid: '0' }, Flag.fin);
  const e1 = await client.open({ streamtype: 'error', port: '81', requestid: '1' }, Flag.fin);
  const d1 = await client.open({ streamtype: 'data', port: '81', requestid: '1' });
  const d0 = await client.open({ streamtype: 'data', port: '80', requestid: '0' });
  while (kubeletEnds.length < 2) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(dialed, [81, 80]);
  const [k1, k0] = kubeletEnds;
  const got0: Buffer[] = [];
  k0.on('message', (m) => got0.push(m));
  client.data(d0, 'GET / HTTP/1.0\r\n\r\n');
  client.data(d0, '', true);
  while (got0.length < 2) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(got0.map(String), ['GET / HTTP/1.0\r\n\r\n', '']);
  k0.send(Buffer.from('HTTP/1.0 200 OK\r\n\r\nhi'));
  k0.send(Buffer.alloc(0));
  k0.close();
  await client.waitFor(() => client.received(d0).fin && client.received(e0).fin);
  assert.deepEqual(client.received(d0), { data: 'HTTP/1.0 200 OK\r\n\r\nhi', fin: true });
  assert.deepEqual(client.received(e0), { data: '', fin: true });
  // The other connection is untouched and still works.
  k1.send(Buffer.from('still here'));
  await client.waitFor(() => client.received(d1).data === 'still here');
  assert.equal(client.received(e1).fin, false);
  client.close();
});

test('a kubelet refusal or a 1011 close becomes the error stream text kubectl prints', async () => {
  const [clientSocket, serverSocket] = await socketPair();
  const session = new SpdySession(serverSocket);
  let calls = 0;
  servePortForward(session, {
    namespace: 'default', name: 'p', uid: 'u1',
    async dial() {
      calls++;
      if (calls === 1) throw new WebSocketHandshakeError(404, Buffer.from('pod does not exist'), 'text/plain');
      const [api, kubelet] = await wsPair();
      kubelet.close(1011, 'failed to connect to localhost:81: connection refused');
      return api;
    },
  });
  const client = new SpdyTestClient(clientSocket);
  const e0 = await client.open({ streamtype: 'error', port: '80', requestid: '0' }, Flag.fin);
  const d0 = await client.open({ streamtype: 'data', port: '80', requestid: '0' });
  await client.waitFor(() => client.received(e0).fin && client.received(d0).fin);
  assert.equal(client.received(e0).data, 'error forwarding port 80 to pod default/p, uid u1: pod does not exist');
  const e1 = await client.open({ streamtype: 'error', port: '81', requestid: '1' }, Flag.fin);
  await client.open({ streamtype: 'data', port: '81', requestid: '1' });
  await client.waitFor(() => client.received(e1).fin);
  assert.equal(client.received(e1).data, 'error forwarding port 81 to pod default/p, uid u1: failed to connect to localhost:81: connection refused');
  client.close();
});

test('without requestid, streams pair by id (error n, data n+2), as old clients open them', async () => {
  const [clientSocket, serverSocket] = await socketPair();
  const session = new SpdySession(serverSocket);
  const dialed: number[] = [];
  servePortForward(session, {
    namespace: 'default', name: 'p', uid: 'u1',
    async dial(port) {
      dialed.push(port);
      const [api, kubelet] = await wsPair();
      kubelet.on('message', (m) => kubelet.send(m));
      return api;
    },
  });
  const client = new SpdyTestClient(clientSocket);
  await client.open({ streamtype: 'error', port: '8080' }, Flag.fin);
  const d = await client.open({ streamtype: 'data', port: '8080' });
  client.data(d, 'echo');
  await client.waitFor(() => client.received(d).data === 'echo');
  assert.deepEqual(dialed, [8080]);
  // A stream with a bad port header is reset.
  const bad = await client.open({ streamtype: 'data', port: 'x', requestid: '9' });
  await client.waitFor((f) => f.some((x) => x.type === 'rstStream' && x.streamId === bad));
  client.close();
});

test('the WebSocket tunnel carries SPDY split at arbitrary message boundaries', async () => {
  const [a, b] = await socketPair();
  const { websocketByteStream } = await import('./tunnel.js');
  const serverWs = new WebSocketConnection(b, { role: 'server' });
  const clientWs = new WebSocketConnection(a, { role: 'client' });
  const session = new SpdySession(websocketByteStream(serverWs));
  const opened: string[] = [];
  session.on('stream', (s) => opened.push(s.header('streamtype') ?? ''));
  // The client side: SPDY bytes cut into 1-byte messages.
  const wire = new Duplex({
    read() {},
    write(chunk: Buffer, _e, cb) {
      for (const byte of chunk) clientWs.send(Buffer.from([byte]));
      cb();
    },
  });
  clientWs.on('message', (m) => wire.push(m));
  const client = new SpdyTestClient(wire);
  await client.open({ streamtype: 'error', port: '80', requestid: '0' });
  client.send({ type: 'ping', id: 1 });
  await client.waitFor((f) => f.some((x) => x.type === 'synReply') && f.some((x) => x.type === 'ping'));
  assert.deepEqual(opened, ['error']);
  client.close();
  clientWs.terminate();
});
