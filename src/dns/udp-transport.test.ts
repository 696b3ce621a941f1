/** @module The UDP transports: the fallback, and the native one's batches, late replies and limits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fixtureIndex, FIXTURE_CONFIG, TRANSPORTS } from './fixtures.js';
import { DnsServer } from './server.js';
import { CLASS_IN, parseMessage, serializeMessage, TYPE } from './wire.js';
import { bindUdp, loadNative, udpChoiceFromEnv, type UdpReply } from './udp-transport.js';
import { NativeUdp } from './udp-native.js';

const ABSENT = join(tmpdir(), 'kubito-no-such-dir', 'dns-udp.node');

async function client(host = '127.0.0.1'): Promise<{ s: Socket; got: Buffer[] }> {
  const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const got: Buffer[] = [];
  s.on('message', (b) => got.push(b));
  await new Promise<void>((res) => s.bind(0, host, () => res()));
  return { s, got };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

test('the module absent: auto falls back to dgram and says why; forced native fails', async () => {
  let why = '';
  const udp = await bindUdp('127.0.0.1', 0, { onMessage: () => {}, onError: () => {}, choice: 'auto', modulePath: ABSENT, fellBack: (w) => (why = w) });
  assert.equal(udp.kind, 'dgram');
  assert.match(why, /not built/);
  await udp.close();
  await assert.rejects(bindUdp('127.0.0.1', 0, { onMessage: () => {}, onError: () => {}, choice: 'native', modulePath: ABSENT }), /KUBITO_DNS_UDP=native: .*not built/);
  assert.ok(loadNative(ABSENT) instanceof Error);
  assert.equal(udpChoiceFromEnv({ KUBITO_DNS_UDP: 'dgram' }), 'dgram');
  assert.equal(udpChoiceFromEnv({ KUBITO_DNS_UDP: 'native' }), 'native');
  assert.equal(udpChoiceFromEnv({}), 'auto');
});

test('the server without the module: dgram, said in its log and /metrics, and it answers', async () => {
  const lines: string[] = [];
  const server = new DnsServer({ source: fixtureIndex({}), config: FIXTURE_CONFIG, host: '127.0.0.1', port: 0, metricsPort: 0, udp: 'auto', udpModule: ABSENT, log: (l) => lines.push(l) });
  await server.start();
  try {
    assert.equal(server.udpTransport(), 'dgram');
    assert.ok(lines.some((l) => /^dns udp: dgram transport \(native: .*not built\)$/.test(l)), lines.join('\n'));
    const metrics = await (await fetch(`http://127.0.0.1:${server.ports().metrics}/metrics`)).text();
    assert.match(metrics, /^kubito_dns_udp_transport\{server="dns:\/\/:0",transport="dgram"\} 1$/m);
    const c = await client();
    const q = serializeMessage({ header: { id: 0xabcd, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0 }, question: [{ name: 'nginx.default.svc.cluster.local.', type: TYPE.A, class: CLASS_IN }], answer: [], authority: [], additional: [] });
    c.s.send(q, server.ports().dns, '127.0.0.1');
    await until(() => c.got.length === 1, 'an answer over dgram');
    assert.equal(c.got[0].readUInt16BE(0), 0xabcd);
    assert.deepEqual(parseMessage(c.got[0]).answer.map((r) => r.data), [{ address: '10.96.0.20' }]);
    c.s.close();
  } finally {
    await server.stop();
  }
});

test('a host name (not a literal) is served by dgram under auto', async () => {
  const udp = await bindUdp('localhost', 0, { onMessage: () => {}, onError: () => {}, choice: 'auto' });
  assert.equal(udp.kind, 'dgram');
  await udp.close();
});

for (const kind of TRANSPORTS) {
  test(`${kind}: batches of replies, late replies, replies over 4096 bytes, IPv6; close drops later ones`, async () => {
    const late: UdpReply[] = [];
    const seen: number[] = [];
    const handlers = {
      onError: () => {},
      choice: kind,
      onMessage(buf: Buffer, family: number, reply: UdpReply): void {
        seen.push(family);
        const copy = Buffer.from(buf);
        if (copy[0] === 0x4c) late.push((out) => reply(out)); // 'L': answered later
        else if (copy[0] === 0x42) reply(Buffer.alloc(9000, 0x42)); // 'B': big reply
        else reply(Buffer.concat([Buffer.from('re:'), copy]));
      },
    };
    const udp = await bindUdp('127.0.0.1', 0, handlers);
    assert.equal(udp.kind, kind);
    const a = await client();
    const b = await client();
    for (let i = 0; i < 150; i++) (i % 2 ? a : b).s.send(`q${i}`, udp.port(), '127.0.0.1');
    a.s.send('L-late', udp.port(), '127.0.0.1');
    b.s.send('B', udp.port(), '127.0.0.1');
    await until(() => a.got.length + b.got.length >= 151 && late.length === 1, 'replies');
    // Each reply went to its own sender.
    for (const r of a.got) if (r[0] !== 0x42) assert.equal(Number(r.toString().slice(4)) % 2, 1, r.toString());
    for (const r of b.got) if (r.length < 100) assert.equal(Number(r.toString().slice(4)) % 2, 0, r.toString());
    assert.equal(b.got.find((r) => r.length === 9000)?.length, 9000);
    // Many batches later, the late reply still goes to a.
    for (let i = 0; i < 100; i++) b.s.send(`q${2 * i}`, udp.port(), '127.0.0.1');
    await until(() => b.got.length >= 176, 'second round');
    late[0](Buffer.from('late answer'));
    await until(() => a.got.some((r) => r.toString() === 'late answer'), 'late reply to its sender');
    assert.ok(seen.every((f) => f === 1));

    const six = await bindUdp('::1', 0, handlers);
    const c = await client('::1');
    c.s.send('six', six.port(), '::1');
    await until(() => c.got.length === 1, 'IPv6 reply');
    assert.equal(c.got[0].toString(), 're:six');
    assert.equal(seen.at(-1), 2);
    await six.close();
    c.s.close();

    await udp.close();
    late.push(() => {});
    const before = a.got.length;
    assert.doesNotThrow(() => late[0](Buffer.from('after close')));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(a.got.length, before);
    a.s.close();
    b.s.close();
  });
}

if (TRANSPORTS.includes('native')) {
  test('native: a datagram cut at 4096 bytes is dropped and counted; bad sends are errors, not crashes; EADDRINUSE', async () => {
    const got: Buffer[] = [];
    const udp = await bindUdp('127.0.0.1', 0, { onMessage: (buf, _f, reply) => { got.push(Buffer.from(buf)); reply(buf.length > 100 ? Buffer.alloc(70_000) : buf); }, onError: () => {}, choice: 'native' });
    assert.ok(udp instanceof NativeUdp);
    const a = await client();
    a.s.send(Buffer.alloc(5000, 1), udp.port(), '127.0.0.1');
    a.s.send(Buffer.alloc(200, 1), udp.port(), '127.0.0.1'); // its 70,000-byte reply cannot be sent
    a.s.send('ok', udp.port(), '127.0.0.1');
    await until(() => a.got.length === 1, 'the small reply');
    assert.deepEqual(got.map((g) => g.length), [200, 2]);
    const c = udp.counters();
    assert.equal(c.truncated, 1);
    assert.equal(c.received, 3);
    assert.equal(c.sendErrors, 1);
    await assert.rejects(bindUdp('127.0.0.1', udp.port(), { onMessage: () => {}, onError: () => {}, choice: 'native' }), (err: Error) => 'code' in err && err.code === 'EADDRINUSE');
    await udp.close();
    a.s.close();
    // The port is free again once close resolves.
    const again = await bindUdp('127.0.0.1', udp.port(), { onMessage: () => {}, onError: () => {}, choice: 'native' });
    await again.close();
  });
}

