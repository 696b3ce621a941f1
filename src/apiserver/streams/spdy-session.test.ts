import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { Flag, RstStatus } from './spdy-frame.js';
import { SpdySession, type SpdyStream } from './spdy-session.js';
import { SpdyTestClient } from './spdy-test-client.js';

async function pair(): Promise<{ session: SpdySession; client: SpdyTestClient; serverSocket: Socket }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection');
  const socket = connect(port, '127.0.0.1');
  const [serverSocket] = (await accepted) as [Socket];
  server.close();
  return { session: new SpdySession(serverSocket), client: new SpdyTestClient(socket), serverSocket };
}

test('replies to every SYN_STREAM, carries data both ways, FIN half-closes', async () => {
  const { session, client } = await pair();
  const streams: SpdyStream[] = [];
  session.on('stream', (s) => streams.push(s));
  const id = await client.open({ streamtype: 'stdin' });
  await client.waitFor((f) => f.some((x) => x.type === 'synReply' && x.streamId === id));
  assert.equal(streams.length, 1);
  assert.equal(streams[0].header('streamtype'), 'stdin');
  const chunks: Buffer[] = [];
  streams[0].on('data', (c: Buffer) => chunks.push(c));
  client.data(id, 'hello ');
  client.data(id, 'world', true);
  await once(streams[0], 'end');
  assert.equal(Buffer.concat(chunks).toString(), 'hello world');
  streams[0].end('answer');
  await client.waitFor(() => client.received(id).fin);
  assert.deepEqual(client.received(id), { data: 'answer', fin: true });
  client.close();
});

test('echoes client PINGs, ignores SETTINGS and WINDOW_UPDATE', async () => {
  const { session, client } = await pair();
  client.send({ type: 'settings', flags: 0, entries: [{ flags: 0, id: 7, value: 1 << 20 }] });
  client.send({ type: 'windowUpdate', streamId: 0, delta: 100 });
  client.send({ type: 'ping', id: 1 });
  client.send({ type: 'ping', id: 2 });
  client.send({ type: 'ping', id: 3 });
  await client.waitFor((f) => f.filter((x) => x.type === 'ping').length === 2);
  assert.deepEqual(client.frames, [{ type: 'ping', id: 1 }, { type: 'ping', id: 3 }]);
  assert.equal(session.closed, false);
  client.close();
});

test('many streams keep the header compression in step; a stream opened with FIN is ended at once', async () => {
  const { session, client } = await pair();
  const seen: string[] = [];
  const ended: number[] = [];
  session.on('stream', (s) => {
    seen.push(`${s.id}:${s.header('requestid')}`);
    s.on('end', () => ended.push(s.id));
    s.resume();
  });
  for (let i = 0; i < 20; i++) await client.open({ streamtype: 'error', port: '80', requestid: String(i) }, i % 2 ? Flag.fin : 0);
  await client.waitFor((f) => f.filter((x) => x.type === 'synReply').length === 20);
  assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => `${2 * i + 1}:${i}`));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ended.sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => 4 * i + 3));
  client.close();
});

test('RST_STREAM from the client destroys the stream; destroy() sends CANCEL; bad ids are refused', async () => {
  const { session, client } = await pair();
  const streams: SpdyStream[] = [];
  session.on('stream', (s) => {
    s.on('error', () => undefined);
    streams.push(s);
  });
  const a = await client.open({ streamtype: 'data' });
  const b = await client.open({ streamtype: 'data' });
  await client.waitFor((f) => f.filter((x) => x.type === 'synReply').length === 2);
  client.send({ type: 'rstStream', streamId: a, status: RstStatus.cancel });
  await once(streams[0], 'close');
  streams[1].destroy();
  await client.waitFor((f) => f.some((x) => x.type === 'rstStream' && x.streamId === b));
  // An even (server-side) id from the client is a protocol error for that stream.
  client.send({ type: 'synStream', streamId: 8, associatedId: 0, priority: 0, flags: 0, headerBlock: Buffer.alloc(0) });
  await client.waitFor((f) => f.some((x) => x.type === 'goAway' || (x.type === 'rstStream' && x.streamId === 8)));
  client.close();
});

test('close() sends GOAWAY after queued frames and half-closes the socket', async () => {
  const { session, client } = await pair();
  let stream: SpdyStream | undefined;
  session.on('stream', (s) => (stream = s));
  const id = await client.open({ streamtype: 'stdout' });
  await client.waitFor((f) => f.some((x) => x.type === 'synReply'));
  stream!.end('last words');
  session.close();
  await client.waitFor(() => client.ended);
  const types = client.frames.map((f) => f.type);
  assert.deepEqual(types, ['synReply', 'data', 'data', 'goAway']);
  assert.deepEqual(client.received(id), { data: 'last words', fin: true });
  assert.deepEqual(client.frames[3], { type: 'goAway', lastGoodStreamId: id, status: 0 });
  client.close();
});
