/**
 * @module The native transport's reply cache: hits answered in C (no `onMessage`), keyed by
 * the exact query bytes after the ID, bounded, cleared; and through the server: every change
 * of the data shows in the very next answer, what must not be kept is not, hits are counted
 * in /metrics, and KUBITO_DNS_NATIVE_CACHE=0 turns it off.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { fixtureIndex, FIXTURE_CONFIG, makeService, makeSlice, TRANSPORTS } from './fixtures.js';
import type { RecordIndex } from './records.js';
import { DnsServer } from './server.js';
import { NativeUdp } from './udp-native.js';
import { bindUdp, nativeCacheFromEnv, type UdpReply } from './udp-transport.js';
import { CLASS_IN, parseMessage, serializeMessage, TYPE, type Message } from './wire.js';

interface Client {
  s: Socket;
  ask(q: Buffer, port: number): Promise<Buffer>;
  close(): void;
}

async function client(): Promise<Client> {
  const s = createSocket('udp4');
  const waiting = new Map<number, (b: Buffer) => void>();
  s.on('message', (b) => {
    const id = b.readUInt16BE(0);
    waiting.get(id)?.(b);
    waiting.delete(id);
  });
  await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
  return {
    s,
    ask(q, port) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reply in 2 s')), 2000);
        waiting.set(q.readUInt16BE(0), (b) => {
          clearTimeout(timer);
          resolve(b);
        });
        s.send(q, port, '127.0.0.1');
      });
    },
    close: () => s.close(),
  };
}

let nextId = 1;
function query(name: string, type: number = TYPE.A, o: { edns?: boolean; rd?: boolean } = {}): Buffer {
  const m: Message = { header: { id: nextId++ & 0xffff, qr: false, opcode: 0, aa: false, tc: false, rd: o.rd ?? true, ra: false, ad: false, cd: false, rcode: 0 }, question: [{ name, type, class: CLASS_IN }], answer: [], authority: [], additional: [] };
  if (o.edns) m.edns = { udpSize: 1232, version: 0, dnssecOk: false, options: [] };
  return serializeMessage(m);
}

function addresses(b: Buffer): string[] {
  return parseMessage(b).answer.map((r) => (r.data as { address: string }).address).sort();
}

if (TRANSPORTS.includes('native')) {
  test('native transport: a reply given a class is answered again in C, ID patched, for the exact same bytes only', async () => {
    const seen: string[] = [];
    const udp = await bindUdp('127.0.0.1', 0, {
      choice: 'native',
      onError: () => {},
      replyCache: { entries: 3, bytes: 1 << 20 },
      onMessage(buf: Buffer, _family: number, reply: UdpReply): void {
        const q = Buffer.from(buf);
        seen.push(q.subarray(2).toString('latin1'));
        const out = Buffer.from(q);
        out[2] |= 0x80; // QR
        if (q.subarray(12).toString().includes('trunc')) out[2] |= 0x02; // TC: never kept
        reply(out, q.subarray(12).toString().includes('nocache') ? undefined : 0);
      },
    });
    assert.ok(udp instanceof NativeUdp);
    const rc = udp.replyCache;
    assert.ok(rc, 'the reply cache is on');
    const c = await client();
    const ask = (body: string, id: number): Promise<Buffer> => {
      const q = Buffer.concat([Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from(body)]);
      return c.ask(q, udp.port());
    };
    try {
      const first = await ask('name-one', 0x1111);
      const again = await ask('name-one', 0x2222);
      assert.equal(again.readUInt16BE(0), 0x2222, 'the ID is the new query\'s');
      assert.deepEqual(again.subarray(2), first.subarray(2));
      assert.equal(seen.length, 1, 'the second query never reached JS');
      assert.equal(udp.counters().cacheHits, 1);
      await ask('NAME-one', 0x3333); // another spelling: another key
      await ask('nocache', 0x4444);
      await ask('nocache', 0x4445);
      await ask('trunc', 0x5555);
      await ask('trunc', 0x5556);
      assert.equal(seen.length, 6);
      assert.equal(rc.status().entries, 2);
      const hits = rc.take();
      assert.deepEqual(hits.map((h) => [h.cls, h.hits4, h.hits6, h.count]), [[0, 1, 0, 1]]);
      assert.equal(hits[0].counts.reduce((a, b) => a + b, 0), 1, 'one duration bucket counted');
      assert.deepEqual(rc.take(), [], 'take returns what is new only');
      // Bounded: two segments of 3 entries; the 4th entry goes into the other segment, emptied.
      await ask('name-two', 0x6666);
      assert.equal(rc.status().entries, 3);
      await ask('name-three', 0x6667);
      assert.equal(rc.status().entries, 4);
      assert.equal(udp.counters().cacheResets, 1);
      // The older segment still answers, and its hit is copied into the current one.
      assert.deepEqual((await ask('name-one', 0x6668)).subarray(2), first.subarray(2));
      assert.equal(seen.length, 8);
      assert.equal(rc.status().entries, 5);
      // Three more entries fill the current segment: the next one empties the older one.
      await ask('name-four', 0x6669);
      await ask('name-five', 0x666a);
      assert.equal(udp.counters().cacheResets, 2);
      assert.equal(rc.status().entries, 4, 'the current segment: 1 entry, the older: 3');
      await ask('NAME-one', 0x666b); // was in the emptied segment: JS again
      assert.equal(seen.length, 11);
      rc.clear();
      assert.equal(rc.status().entries, 0);
      await ask('name-one', 0x666c);
      assert.equal(seen.length, 12, 'after clear() the query goes to JS again');
      // Kept: name-one, NAME-one, name-two, -three, -four, -five, NAME-one, name-one (not the
      // copies forward, the nocache and truncated replies).
      assert.equal(udp.counters().cacheStored, 8);
    } finally {
      c.close();
      await udp.close();
    }
  });

  test('KUBITO_DNS_NATIVE_CACHE=0 turns it off; the dgram transport has none', async () => {
    assert.equal(nativeCacheFromEnv({ KUBITO_DNS_NATIVE_CACHE: '0' }), false);
    assert.equal(nativeCacheFromEnv({}), true);
    for (const [udp, nativeCache] of [['native', false], ['dgram', true]] as const) {
      const server = new DnsServer({ source: fixtureIndex({}), config: FIXTURE_CONFIG, host: '127.0.0.1', port: 0, udp, nativeCache });
      await server.start();
      const c = await client();
      try {
        for (let i = 0; i < 3; i++) assert.deepEqual(addresses(await c.ask(query('nginx.default.svc.cluster.local.'), server.ports().dns)), ['10.96.0.20']);
        assert.equal(server.stats().nativeCacheEntries, 0);
        assert.equal(server.stats().cacheEntries, 1, 'the JS answer cache still serves');
      } finally {
        c.close();
        await server.stop();
      }
    }
  });

  describe('the server over the native cache', () => {
    let server: DnsServer;
    let index: RecordIndex;
    let c: Client;
    let port: number;
    let forwarded = 0;
    const hits = (): number => server.stats().nativeCacheHits;

    before(async () => {
      index = fixtureIndex({ onChange: () => server?.invalidate() });
      const ips = Array.from({ length: 60 }, (_, i) => `10.244.1.${i + 1}`);
      index.updateService(null, makeService('testns', 'big', (s) => { s.spec.clusterIP = 'None'; s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80 }]; }));
      index.updateEndpointSlice(null, makeSlice('testns', 'big', ips, [{ name: 'http', protocol: 'TCP', port: 80 }]));
      server = new DnsServer({
        source: index,
        config: FIXTURE_CONFIG,
        host: '127.0.0.1',
        port: 0,
        metricsPort: 0,
        udp: 'native',
        nativeCache: true,
        // An upstream that answers NOERROR with no records (and counts what reaches it).
        relay: { query: async (msg) => { forwarded++; const r = Buffer.from(msg); r[2] |= 0x80; return r; } },
      });
      await server.start();
      assert.equal(server.udpTransport(), 'native');
      port = server.ports().dns;
      c = await client();
    });

    after(async () => {
      c.close();
      await server.stop();
    });

    test('a changed Service, a pod turning not-ready, a new Service, sync lost, a new TTL: the very next answer shows it', async () => {
      const ask = (name: string, type: number = TYPE.A): Promise<Buffer> => c.ask(query(name, type), port);
      assert.deepEqual(addresses(await ask('nginx.default.svc.cluster.local.')), ['10.96.0.20']);
      const h0 = hits();
      assert.deepEqual(addresses(await ask('nginx.default.svc.cluster.local.')), ['10.96.0.20']);
      assert.equal(hits(), h0 + 1, 'answered natively');
      // The ClusterIP changes: no stale answer, at once.
      index.updateService(null, makeService('default', 'nginx', (s) => { s.spec.clusterIP = '10.96.0.21'; s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80 }]; }));
      assert.equal(server.stats().nativeCacheEntries, 0, 'cleared by the change');
      assert.deepEqual(addresses(await ask('nginx.default.svc.cluster.local.')), ['10.96.0.21']);
      // A headless pod turning not-ready (one pod's name: a headless Service's own name has
      // several addresses, shuffled per reply, which only JS serves).
      const http = [{ name: 'http', protocol: 'TCP', port: 80 }];
      for (let i = 0; i < 2; i++) assert.deepEqual(addresses(await ask('10-244-0-6.hdls.testns.svc.cluster.local.')), ['10.244.0.6']);
      assert.equal(hits(), h0 + 2);
      for (let i = 0; i < 2; i++) assert.deepEqual(addresses(await ask('hdls.testns.svc.cluster.local.')).sort(), ['10.244.0.5', '10.244.0.6', '10.244.0.7']);
      assert.equal(hits(), h0 + 2, 'several addresses: not kept natively');
      index.updateEndpointSlice(null, makeSlice('testns', 'hdls', ['10.244.0.5=web-0', '10.244.0.6!', '10.244.0.7', '10.244.0.8!'], http));
      assert.equal(parseMessage(await ask('10-244-0-6.hdls.testns.svc.cluster.local.')).header.rcode, 3);
      assert.deepEqual(addresses(await ask('hdls.testns.svc.cluster.local.')).sort(), ['10.244.0.5', '10.244.0.7']);
      // A new Service: its NXDOMAIN, kept, gives way at once.
      for (let i = 0; i < 2; i++) assert.equal(parseMessage(await ask('fresh.default.svc.cluster.local.')).header.rcode, 3);
      index.updateService(null, makeService('default', 'fresh', (s) => { s.spec.clusterIP = '10.96.0.99'; s.spec.ports = http; }));
      assert.deepEqual(addresses(await ask('fresh.default.svc.cluster.local.')), ['10.96.0.99']);
      // Sync lost (a relist): unknown names are SERVFAIL again, and SERVFAIL is never kept.
      index.setSynced(false);
      for (let i = 0; i < 2; i++) assert.equal(parseMessage(await ask('gone.default.svc.cluster.local.')).header.rcode, 2);
      assert.equal(server.stats().nativeCacheEntries, 0, 'nothing kept before sync');
      index.setSynced(true);
      assert.equal(parseMessage(await ask('gone.default.svc.cluster.local.')).header.rcode, 3);
      // A new TTL.
      await ask('nginx.default.svc.cluster.local.');
      server.reconfigure({ ...FIXTURE_CONFIG, ttl: 30 });
      assert.equal(parseMessage(await ask('nginx.default.svc.cluster.local.')).answer[0].ttl, 30);
      server.reconfigure(FIXTURE_CONFIG);
    });

    test('never kept: truncated replies, forwarded answers, errors', async () => {
      server.invalidate();
      // 60 headless addresses do not fit 512 bytes: TC, asked twice, reaches JS twice.
      for (let i = 0; i < 2; i++) assert.equal(parseMessage(await c.ask(query('big.testns.svc.cluster.local.'), port)).header.tc, true);
      assert.equal(server.stats().nativeCacheEntries, 0);
      // With EDNS it fits, but its 60 addresses are shuffled per reply: not kept either.
      for (let i = 0; i < 2; i++) assert.equal(parseMessage(await c.ask(query('big.testns.svc.cluster.local.', TYPE.A, { edns: true }), port)).answer.length, 60);
      assert.equal(server.stats().nativeCacheEntries, 0);
      // One address: kept.
      for (let i = 0; i < 2; i++) assert.equal(parseMessage(await c.ask(query('web-0.hdls.testns.svc.cluster.local.', TYPE.A, { edns: true }), port)).answer.length, 1);
      assert.equal(server.stats().nativeCacheEntries, 1);
      const before = forwarded;
      for (let i = 0; i < 3; i++) await c.ask(query('example.org.'), port);
      assert.equal(forwarded - before, 3, 'every forwarded query reaches the relay');
      const axfr = query('cluster.local.', TYPE.AXFR);
      for (let i = 0; i < 2; i++) assert.equal(parseMessage(await c.ask(Buffer.from(axfr), port)).header.rcode, 5);
      assert.equal(server.stats().nativeCacheEntries, 1);
    });

    test('native hits are counted in /metrics: requests, responses, durations, cache hits', async () => {
      server.invalidate();
      const scrape = async (): Promise<string> => (await fetch(`http://127.0.0.1:${server.ports().metrics}/metrics`)).text();
      const value = (text: string, re: RegExp): number => Number(re.exec(text)?.[1] ?? 0);
      const reqRe = /^coredns_dns_requests_total\{server="dns:\/\/:0",zone="\.",proto="udp",family="1",type="SRV"\} (\d+)$/m;
      const hitRe = /^coredns_cache_hits_total\{server="dns:\/\/:0",type="success",view="",zones="\."\} (\d+)$/m;
      const durRe = /^coredns_dns_request_duration_seconds_count\{server="dns:\/\/:0",zone="\.",type="SRV"\} (\d+)$/m;
      const denRe = /^coredns_cache_hits_total\{server="dns:\/\/:0",type="denial",view="",zones="\."\} (\d+)$/m;
      const m0 = await scrape();
      for (let i = 0; i < 10; i++) await c.ask(query('_http._tcp.nginx.default.svc.cluster.local.', TYPE.SRV), port);
      for (let i = 0; i < 4; i++) await c.ask(query('nope.default.svc.cluster.local.'), port);
      const m1 = await scrape();
      assert.equal(value(m1, reqRe) - value(m0, reqRe), 10);
      assert.equal(value(m1, durRe) - value(m0, durRe), 10);
      // The first of each went to JS (a miss); the rest were hits, natively.
      assert.equal(value(m1, hitRe) - value(m0, hitRe), 9);
      assert.equal(value(m1, denRe) - value(m0, denRe), 3);
      assert.match(m1, /^kubito_dns_native_cache_entries\{server="dns:\/\/:0"\} 2$/m);
    });
  });
}
