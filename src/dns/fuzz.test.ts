/**
 * @module Bounded fuzzing: random and mutated packets, first straight into `handle` (tens of
 * thousands, no sockets), then over real UDP and TCP for about a second. Every reply must be
 * a well-formed message with QR set and an rcode the server may send; the server must stay
 * up (a valid query still answers), with nothing left in flight and no connection left open.
 * KUBITO_FUZZ_MS lengthens the socket phase (bench/ runs it longer).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { fixtureIndex, FIXTURE_CONFIG } from './fixtures.js';
import { DnsServer } from './server.js';
import { TRANSPORTS } from './fixtures.js';
import { CLASS_IN, parseMessage, RCODE, serializeMessage, TYPE, type Message } from './wire.js';
import { rng } from '../testing/rng.js';

const ALLOWED = new Set<number>([RCODE.NOERROR, RCODE.FORMERR, RCODE.SERVFAIL, RCODE.NXDOMAIN, RCODE.NOTIMP, RCODE.REFUSED, RCODE.BADVERS]);
const DURATION_MS = Number(process.env.KUBITO_FUZZ_MS ?? 1000);

function seedQueries(): Buffer[] {
  const q = (name: string, type: number, edns = true): Buffer => {
    const m: Message = { header: { id: 7, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0 }, question: [{ name, type, class: CLASS_IN }], answer: [], authority: [], additional: [] };
    if (edns) m.edns = { udpSize: 1232, version: 0, dnssecOk: false, options: [{ code: 10, data: Buffer.alloc(8, 1) }] };
    return serializeMessage(m);
  };
  return [q('nginx.default.svc.cluster.local.', TYPE.A), q('_http._tcp.hdls.testns.svc.cluster.local.', TYPE.SRV), q('20.0.96.10.in-addr.arpa.', TYPE.PTR, false), q('cluster.local.', TYPE.NS), q('dns-version.cluster.local.', TYPE.TXT, false)];
}

function mutate(seed: Buffer, r: () => number): Buffer {
  const kind = Math.floor(r() * 6);
  const b = Buffer.from(seed);
  switch (kind) {
    case 0: { // flip bytes
      for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      return b;
    }
    case 1: return b.subarray(0, Math.floor(r() * b.length)); // truncated
    case 2: return Buffer.concat([b, Buffer.from(Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256)))]); // trailing garbage
    case 3: { // wrong counts
      b.writeUInt16BE(Math.floor(r() * 65536), 4 + 2 * Math.floor(r() * 4));
      return b;
    }
    case 4: { // compression pointer somewhere
      const at = 12 + Math.floor(r() * Math.max(1, b.length - 13));
      b[at] = 0xc0 | Math.floor(r() * 64);
      if (at + 1 < b.length) b[at + 1] = Math.floor(r() * 256);
      return b;
    }
    default: return Buffer.from(Array.from({ length: Math.floor(r() * 600) }, () => Math.floor(r() * 256))); // garbage, some oversized
  }
}

function check(reply: Buffer, sent: Buffer): void {
  const m = parseMessage(reply);
  assert.ok(m.header.qr, 'QR set');
  assert.ok(ALLOWED.has(m.header.rcode), `rcode ${m.header.rcode}`);
  assert.equal(reply.readUInt16BE(0), sent.readUInt16BE(0), 'same ID');
}

let server: DnsServer;
before(async () => {
  const index = fixtureIndex({ onChange: () => server?.invalidate() });
  server = new DnsServer({ source: index, config: FIXTURE_CONFIG, host: '127.0.0.1', port: 0 });
  await server.start();
});
after(async () => {
  await server.stop();
});

test('handle: 50,000 mutated and random packets get a valid reply or none, never a throw', async () => {
  const r = rng(0xdecafbad);
  const seeds = seedQueries();
  let replies = 0;
  for (let i = 0; i < 50_000; i++) {
    const pkt = mutate(seeds[i % seeds.length], r);
    server.handle(pkt, { proto: i % 2 ? 'udp' : 'tcp', family: 1 }, (out) => {
      replies++;
      check(out, pkt);
    });
  }
  await new Promise((res) => setImmediate(res));
  assert.ok(replies > 10_000, `${replies} replies`);
  assert.equal(server.stats().inflight, 0);
});

for (const transport of TRANSPORTS) test(`over UDP (${transport}) and TCP for a bounded time: the server stays up and leaks nothing`, async (t) => {
  const server = new DnsServer({ source: fixtureIndex({}), config: FIXTURE_CONFIG, host: '127.0.0.1', port: 0, udp: transport });
  await server.start();
  t.after(() => server.stop());
  assert.equal(server.udpTransport(), transport);
  const port = server.ports().dns;
  const r = rng(12345);
  const seeds = seedQueries();
  const udp = createSocket('udp4');
  let bad: unknown;
  const sent = new Map<number, Buffer>();
  udp.on('message', (buf) => {
    try {
      const pkt = sent.get(buf.readUInt16BE(0));
      if (pkt) check(buf, pkt);
    } catch (err) {
      bad ??= err;
    }
  });
  await new Promise<void>((res) => udp.bind(0, '127.0.0.1', () => res()));
  const deadline = Date.now() + DURATION_MS;
  let n = 0;
  while (Date.now() < deadline) {
    for (let i = 0; i < 200; i++) {
      const pkt = mutate(seeds[n % seeds.length], r);
      if (pkt.length >= 2) pkt.writeUInt16BE(n & 0xffff, 0);
      sent.set(n & 0xffff, pkt);
      udp.send(pkt, port, '127.0.0.1');
      n++;
    }
    // A TCP connection with a mutated stream (lengths included), closed by the client.
    await new Promise<void>((res) => {
      const c = connect(port, '127.0.0.1', () => {
        const junk = Buffer.concat(Array.from({ length: 5 }, () => {
          const p = mutate(seeds[Math.floor(r() * seeds.length)], r);
          const len = Buffer.alloc(2);
          len.writeUInt16BE(r() < 0.2 ? Math.floor(r() * 65536) : p.length);
          return Buffer.concat([len, p]);
        }));
        c.end(junk);
      });
      c.on('data', () => {});
      c.on('error', () => res());
      c.on('close', () => res());
      setTimeout(() => { c.destroy(); res(); }, 200);
    });
    await new Promise((res) => setImmediate(res));
  }
  await new Promise((res) => setTimeout(res, 100));
  udp.close();
  assert.equal(bad, undefined);
  // Still answering.
  const ok = await new Promise<Buffer>((res) => {
    const s = createSocket('udp4');
    s.on('message', (b) => { s.close(); res(b); });
    s.send(seedQueries()[0], port, '127.0.0.1');
  });
  assert.equal(parseMessage(ok).answer.length, 1);
  assert.equal(server.stats().inflight, 0);
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(server.stats().tcpConnections, 0);
  assert.ok(n > 1000, `${n} packets`);
});
