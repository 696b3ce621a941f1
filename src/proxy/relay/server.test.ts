/**
 * The agent's relay against real sockets: a Unix socket in a temp dir, targets on 127.0.0.1
 * (the test's own namespace stands in for the node namespace).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFrame, encodeRequest, FrameDecoder, LineSplitter, parseReply, type RelayReply } from './protocol.js';
import { startRelayServer, type RelayServer } from './server.js';

let dir: string;
let relay: RelayServer;
let echo: Server;
let echoPort: number;
let udp: UdpSocket;
let udpPort: number;

/** Connects to the relay, sends the header (and `early` bytes at once); resolves the reply and the socket. */
function open(header: Buffer, early?: Buffer): Promise<{ reply: RelayReply; sock: Socket; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const sock = connect(relay.socketPath);
    sock.write(early ? Buffer.concat([header, early]) : header);
    const splitter = new LineSplitter();
    const onData = (chunk: Buffer): void => {
      const got = splitter.push(chunk);
      if (!got) return;
      sock.removeListener('data', onData);
      sock.pause();
      resolve({ reply: parseReply(got.line), sock, rest: got.rest });
    };
    sock.on('data', onData);
    sock.once('error', reject);
  });
}

function readAll(sock: Socket, first: Buffer): Promise<string> {
  return new Promise((resolve) => {
    let text = first.toString();
    sock.on('data', (c: Buffer) => (text += c.toString()));
    sock.on('end', () => resolve(text));
    sock.resume();
  });
}

describe('relay server', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubito-relay-'));
    relay = await startRelayServer({ socketPath: join(dir, 'run', 'proxy.sock'), log: () => undefined, connectTimeoutMs: 500 });
    // Echoes upper-cased, and answers the client's FIN with its own after "bye".
    echo = createServer({ allowHalfOpen: true }, (s) => {
      s.on('error', () => undefined);
      s.on('data', (c: Buffer) => s.write(c.toString().toUpperCase()));
      s.on('end', () => s.end('bye'));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    echoPort = (echo.address() as AddressInfo).port;
    udp = createSocket('udp4');
    udp.on('message', (m, r) => udp.send(Buffer.from(`re:${m}`), r.port, r.address));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    udpPort = udp.address().port;
  });

  after(async () => {
    await relay.close();
    echo.close();
    udp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the socket is private to its owner', () => {
    assert.equal(statSync(relay.socketPath).mode & 0o777, 0o600);
  });

  test('TCP: bytes sent with the header arrive, replies and half-close pass through', async () => {
    const { reply, sock, rest } = await open(encodeRequest({ proto: 'tcp', ip: '127.0.0.1', port: echoPort }), Buffer.from('hello '));
    assert.deepEqual(reply, { ok: true });
    const all = readAll(sock, rest);
    sock.write('world');
    await new Promise((r) => setTimeout(r, 20));
    sock.end();
    assert.equal(await all, 'HELLO WORLDbye');
  });

  test('TCP: a refused dial is reported with its code', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const closed = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const { reply } = await open(encodeRequest({ proto: 'tcp', ip: '127.0.0.1', port: closed }));
    assert.equal(reply.ok, false);
    assert.equal(reply.ok === false && reply.code, 'ECONNREFUSED');
  });

  test('an upstream reset closes the relay connection (a Unix socket has no RST to pass on)', async () => {
    const rude = createServer((s) => s.on('data', () => s.resetAndDestroy()));
    await new Promise<void>((r) => rude.listen(0, '127.0.0.1', () => r()));
    const { reply, sock } = await open(encodeRequest({ proto: 'tcp', ip: '127.0.0.1', port: (rude.address() as AddressInfo).port }));
    assert.deepEqual(reply, { ok: true });
    const closed = new Promise((r) => sock.once('close', r));
    sock.on('error', () => undefined);
    sock.resume();
    sock.write('x');
    await closed;
    rude.close();
  });

  test('an in-process shortcut (the userspace proxy) serves requests it claims; "no endpoint" is refused', async () => {
    const asked: string[] = [];
    const shortcut = await startRelayServer({
      socketPath: join(dir, 'shortcut.sock'),
      log: () => undefined,
      dialTcp: (ip, port, client) => {
        asked.push(`${ip}:${port} from ${client}`);
        if (port === 1) return Promise.resolve(undefined);
        if (port === 2) return new Promise((r) => { const s = connect(echoPort, '127.0.0.1', () => r(s)); });
        return undefined;
      },
    });
    const via = (header: Buffer, early?: Buffer) => {
      const saved = relay;
      relay = shortcut;
      return open(header, early).finally(() => (relay = saved));
    };
    const a = await via(encodeRequest({ proto: 'tcp', ip: '10.244.0.1', port: 2, src: '127.0.0.1:4000' }), Buffer.from('hi'));
    assert.deepEqual(a.reply, { ok: true });
    const all = readAll(a.sock, a.rest);
    a.sock.end();
    assert.equal(await all, 'HIbye');
    const b = await via(encodeRequest({ proto: 'tcp', ip: '10.244.0.1', port: 1 }));
    assert.equal(b.reply.ok === false && b.reply.code, 'ECONNREFUSED');
    const c = await via(encodeRequest({ proto: 'tcp', ip: '127.0.0.1', port: echoPort }), Buffer.from('x'));
    assert.deepEqual(c.reply, { ok: true }, 'not claimed: dialled for real');
    c.sock.destroy();
    assert.deepEqual(asked, ['10.244.0.1:2 from 127.0.0.1', '10.244.0.1:1 from ', `127.0.0.1:${echoPort} from `]);
    await shortcut.close();
  });

  test('a bad header is answered with the reason', async () => {
    const { reply } = await open(Buffer.from('{"v":1,"proto":"icmp","ip":"127.0.0.1","port":1}\n'));
    assert.equal(reply.ok === false && /tcp or udp/.test(reply.message), true);
  });

  test('UDP: framed datagrams both ways, one flow per connection', async () => {
    const { reply, sock, rest } = await open(encodeRequest({ proto: 'udp', ip: '127.0.0.1', port: udpPort }), encodeFrame(Buffer.from('a')));
    assert.deepEqual(reply, { ok: true });
    const decoder = new FrameDecoder();
    const got: string[] = [];
    const done = new Promise<void>((resolve) => {
      const take = (c: Buffer): void => {
        for (const f of decoder.push(c)) got.push(f.toString());
        if (got.length === 3) resolve();
      };
      take(rest);
      sock.on('data', take);
    });
    sock.resume();
    sock.write(Buffer.concat([encodeFrame(Buffer.from('b')), encodeFrame(Buffer.from('c'))]));
    await done;
    assert.deepEqual(got.sort(), ['re:a', 're:b', 're:c']);
    sock.destroy();
  });
});
