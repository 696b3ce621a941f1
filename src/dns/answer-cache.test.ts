/**
 * @module The answer cache: keys from query bytes, and the server's cached replies equal to
 * freshly made ones for every golden question in every spelling, EDNS size, DO bit and
 * transport; a change of the record source is seen without `invalidate()`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixtureIndex, FIXTURE_CONFIG, makeService } from './fixtures.js';
import { AnswerCache, probeQuery, type EntryStats } from './answer-cache.js';
import { DnsServer } from './server.js';
import { CLASS_IN, parseMessage, serializeMessage, TYPE, type Message } from './wire.js';
import { testdataPath } from '../testing/golden.js';

function query(name: string, type: number, o: { id?: number; edns?: { udpSize: number; dnssecOk: boolean; options?: Array<{ code: number; data: Buffer }> }; rd?: boolean } = {}): Buffer {
  const m: Message = {
    header: { id: o.id ?? 0x1234, qr: false, opcode: 0, aa: false, tc: false, rd: o.rd ?? true, ra: false, ad: false, cd: false, rcode: 0 },
    question: [{ name, type, class: CLASS_IN }],
    answer: [],
    authority: [],
    additional: [],
  };
  if (o.edns) m.edns = { udpSize: o.edns.udpSize, version: 0, dnssecOk: o.edns.dnssecOk, options: o.edns.options ?? [] };
  return serializeMessage(m);
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function goldenQuestions(): Array<{ name: string; type: number }> {
  const text = readFileSync(testdataPath(import.meta.url, 'answers.txt'), 'utf8');
  const out: Array<{ name: string; type: number }> = [];
  for (const m of text.matchAll(/^> (\S+) (\w+)/gm)) {
    const type = (TYPE as Record<string, number>)[m[2]];
    if (type !== undefined) out.push({ name: m[1], type });
  }
  return out;
}

test('probeQuery: one key for every spelling; type, EDNS size, DO, RD and transport tell keys apart', () => {
  const a = probeQuery(query('nginx.default.svc.cluster.local.', TYPE.A), false)!;
  const b = probeQuery(query('NGINX.Default.svc.cluster.LOCAL.', TYPE.A), false)!;
  assert.equal(a.hash, b.hash);
  assert.equal(a.limit, 512);
  const others = [
    probeQuery(query('nginx.default.svc.cluster.local.', TYPE.AAAA), false)!,
    probeQuery(query('nginx.default.svc.cluster.local.', TYPE.A), true)!,
    probeQuery(query('nginx.default.svc.cluster.local.', TYPE.A, { rd: false }), false)!,
    probeQuery(query('nginx.default.svc.cluster.local.', TYPE.A, { edns: { udpSize: 1232, dnssecOk: false } }), false)!,
    probeQuery(query('nginx.default.svc.cluster.local.', TYPE.A, { edns: { udpSize: 1232, dnssecOk: true } }), false)!,
    probeQuery(query('nginx.default.svc.cluster.local.', TYPE.A, { edns: { udpSize: 4096, dnssecOk: false } }), false)!,
  ];
  const seen = new Set([`${a.hash}/${a.meta}/${a.limit}`, ...others.map((k) => `${k.hash}/${k.meta}/${k.limit}`)]);
  assert.equal(seen.size, 1 + others.length);
  assert.equal(others[5].limit, 4096);
});

test('probeQuery: the reply echoes the OPT\'s size and its COOKIE/NSID/...: sizes tell keys apart, echoed options take the full path', () => {
  const name = 'nginx.default.svc.cluster.local.';
  const keys = [300, 400, 1232, 1233].flatMap((udpSize) => [false, true].map((tcp) => probeQuery(query(name, TYPE.A, { edns: { udpSize, dnssecOk: false } }), tcp)!));
  assert.equal(new Set(keys.map((k) => `${k.hash}/${k.meta}/${k.limit}/${k.ednsSize}`)).size, keys.length);
  assert.equal(probeQuery(query(name, TYPE.A, { edns: { udpSize: 1232, dnssecOk: false, options: [{ code: 10, data: Buffer.alloc(8, 7) }] } }), false), undefined);
  assert.ok(probeQuery(query(name, TYPE.A, { edns: { udpSize: 1232, dnssecOk: false, options: [{ code: 8, data: Buffer.from([0, 1, 24, 0, 10, 0, 0]) }] } }), false), 'client subnet is not echoed');
});

test('probeQuery: compression, trailing bytes, two questions and a short OPT take the full path', () => {
  const q = query('nginx.default.svc.cluster.local.', TYPE.A);
  assert.equal(probeQuery(Buffer.concat([q, Buffer.from([0])]), false), undefined);
  const ptr = Buffer.from(q);
  ptr[12] = 0xc0;
  assert.equal(probeQuery(ptr, false), undefined);
  const two = Buffer.from(q);
  two[5] = 2;
  assert.equal(probeQuery(two, false), undefined);
  const opt = query('a.', TYPE.A, { edns: { udpSize: 1232, dnssecOk: false } });
  assert.equal(probeQuery(opt.subarray(0, opt.length - 1), false), undefined);
});

test('cached replies equal fresh ones for every golden question, spelling, EDNS and transport', async () => {
  // loadbalance pinned: the same shuffle of the same reply, cached or fresh.
  const cached = new DnsServer({ source: fixtureIndex(), config: FIXTURE_CONFIG, host: '127.0.0.1', random: () => 0 });
  const fresh = new DnsServer({ source: fixtureIndex(), config: FIXTURE_CONFIG, host: '127.0.0.1', random: () => 0 });
  const r = rng(42);
  const spell = (name: string): string => [...name].map((c) => (r() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
  const cookie = { code: 10, data: Buffer.from('0123456789abcdef', 'hex') };
  const variants = [{}, { edns: { udpSize: 1232, dnssecOk: false } }, { edns: { udpSize: 4096, dnssecOk: true } }, { edns: { udpSize: 300, dnssecOk: false } }, { edns: { udpSize: 1232, dnssecOk: false, options: [cookie] } }, { rd: false }];
  const pairs: Array<{ what: string; got: Buffer[]; want: Buffer[] }> = [];
  let id = 1;
  for (const { name, type } of goldenQuestions()) {
    for (const v of variants) {
      for (const proto of ['udp', 'tcp'] as const) {
        const spellings = [spell(name), name.toLowerCase(), name.toUpperCase(), spell(name), spell(name)];
        for (const s of spellings) {
          const pkt = query(s, type, { ...v, id: id++ & 0xffff });
          const p = { what: `${s} ${type} ${JSON.stringify(v)} ${proto}`, got: [] as Buffer[], want: [] as Buffer[] };
          cached.handle(pkt, { proto, family: 1 }, (out) => p.got.push(out));
          fresh.invalidate();
          fresh.handle(pkt, { proto, family: 1 }, (out) => p.want.push(out));
          pairs.push(p);
        }
      }
    }
  }
  await new Promise((res) => setImmediate(res));
  for (const p of pairs) assert.deepEqual(p.got, p.want, p.what);
  assert.ok(cached.stats().cacheEntries > 0);
  const hits = cached.metrics.render().match(/^coredns_cache_hits_total\{.*type="success".*\} (\d+)$/m);
  assert.ok(hits && Number(hits[1]) > 100, `hits: ${hits?.[1]}`);
});

test('a change of the record source is answered at once, even without invalidate()', () => {
  const index = fixtureIndex();
  const server = new DnsServer({ source: index, config: FIXTURE_CONFIG, host: '127.0.0.1' });
  const ask = (): Message => {
    let out: Buffer | undefined;
    server.handle(query('late.default.svc.cluster.local.', TYPE.A), { proto: 'udp', family: 1 }, (b) => (out = b));
    return parseMessage(out!);
  };
  assert.equal(ask().header.rcode, 3);
  assert.equal(ask().header.rcode, 3);
  index.updateService(null, makeService('default', 'late', (s) => { s.spec.clusterIP = '10.96.0.99'; s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80 }]; }));
  const m = ask();
  assert.equal(m.header.rcode, 0);
  assert.deepEqual(m.answer.map((a) => a.data), [{ address: '10.96.0.99' }]);
});

test('a second spelling makes the entry patchable: a third spelling is a hit; SRV stays per spelling', () => {
  const server = new DnsServer({ source: fixtureIndex(), config: FIXTURE_CONFIG, host: '127.0.0.1' });
  const ask = (name: string, type: number): Message => {
    let out: Buffer | undefined;
    server.handle(query(name, type), { proto: 'udp', family: 1 }, (b) => (out = b));
    return parseMessage(out!);
  };
  ask('nginx.default.svc.cluster.local.', TYPE.A);
  ask('NGINX.default.svc.cluster.local.', TYPE.A);
  const entries = server.stats().cacheEntries;
  const third = ask('nginx.DEFAULT.svc.Cluster.local.', TYPE.A);
  assert.equal(server.stats().cacheEntries, entries, 'served from the patchable entry');
  assert.equal(third.answer[0].name, 'nginx.DEFAULT.svc.Cluster.local.');
  ask('_http._tcp.nginx.default.svc.cluster.local.', TYPE.SRV);
  ask('_HTTP._tcp.nginx.default.svc.cluster.local.', TYPE.SRV);
  const srv = server.stats().cacheEntries;
  ask('_http._TCP.nginx.default.svc.cluster.local.', TYPE.SRV);
  assert.equal(server.stats().cacheEntries, srv + 1, 'SRV targets depend on case: one entry per spelling');
});

test('two generations: a working set just over the limit keeps hitting; an old hit moves forward', () => {
  const max = 100;
  const cache = new AnswerCache(max);
  const stats: EntryStats = { type: 'A', rcode: 'NOERROR', negative: false };
  const names = Array.from({ length: max + 9 }, (_, i) => `n${i}.default.svc.cluster.local`);
  const keyed = names.map((n) => {
    const q = query(n, TYPE.A);
    return { q, key: probeQuery(q, false)! };
  });
  // The reply echoes the question (the cache checks it); flags and counts do not matter here.
  const replyTo = (q: Buffer) => Buffer.concat([q, Buffer.from([1, 2, 3, 4])]);
  for (const { q, key } of keyed) if (!cache.get(q, key)) cache.set(q, key, { reply: replyTo(q), patchable: false, stats });
  let hits = 0;
  for (let round = 0; round < 3; round++) {
    for (const { q, key } of keyed) {
      if (cache.get(q, key)) hits++;
      else cache.set(q, key, { reply: replyTo(q), patchable: false, stats });
    }
  }
  // A cache that started over when full hit nothing on this cyclic scan of 109 names; with two
  // generations only those dropped with an old generation before their turn miss (8 a round).
  assert.ok(hits >= 0.9 * 3 * keyed.length, `${hits} hits of ${3 * keyed.length}`);
  assert.ok(cache.size <= 2 * max, `size ${cache.size}`);
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.get(keyed[0].q, keyed[0].key), undefined);
});
