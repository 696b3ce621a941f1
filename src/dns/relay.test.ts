/**
 * @module The upstream relay against stub upstreams on 127.0.0.1 (never the host's resolvers):
 * SERVFAIL at once without upstreams, quickly when they are silent, the cache and its aging,
 * and loop detection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RelayClient } from './relay-client.js';
import { UpstreamRelay } from './relay.js';
import { parseUpstreamFlag, upstreamsFromResolvConf } from './upstreams.js';
import { CLASS_IN, parseMessage, RCODE, replyTo, serializeMessage, TYPE } from './wire.js';

function query(name: string, id = 99): Buffer {
  return serializeMessage({ header: { id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0 }, question: [{ name, type: TYPE.A, class: CLASS_IN }], answer: [], authority: [], additional: [] });
}

async function udpStub(onQuery: (q: Buffer, reply: (b: Buffer) => void) => void): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  socket.on('message', (buf, rinfo) => onQuery(buf, (b) => socket.send(b, rinfo.port, rinfo.address)));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { socket, port: socket.address().port };
}

test('metrics snapshot over the socket (opcode STATUS): the client gets the relay\'s series', async () => {
  const stub = await udpStub((q, reply) => {
    const m = replyTo(parseMessage(q));
    m.answer.push({ name: m.question[0].name, type: TYPE.A, class: CLASS_IN, ttl: 60, data: { address: '192.0.2.7' } });
    reply(serializeMessage(m));
  });
  const dir = mkdtempSync(join(tmpdir(), 'kubito-relay-'));
  const relay = new UpstreamRelay({ upstreams: [{ host: '127.0.0.1', port: stub.port }] });
  await relay.listen(join(dir, 'r.sock'));
  const client = new RelayClient(join(dir, 'r.sock'));
  try {
    await client.query(query('a.example.'));
    await client.query(query('a.example.'));
    const snap = await client.metrics();
    assert.ok(snap);
    const counter = (name: string, labels: string): number | undefined => snap.counters.find(([m, l]) => m === name && l === labels)?.[2];
    assert.equal(counter('coredns_cache_hits_total', 'server="dns://relay",type="success",view="",zones="."'), 1);
    assert.equal(counter('coredns_cache_misses_total', 'server="dns://relay",view="",zones="."'), 1);
    const h = snap.histograms.find(([m, l]) => m === 'coredns_proxy_request_duration_seconds' && l === `proxy_name="forward",to="127.0.0.1:${stub.port}",rcode="NOERROR"`);
    assert.equal(h?.[4], 1);
  } finally {
    client.close();
    await relay.close();
    stub.socket.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('flag and resolv.conf parsing', () => {
  assert.deepEqual(parseUpstreamFlag('none'), []);
  assert.deepEqual(parseUpstreamFlag('127.0.0.53,127.0.0.2:5353,[::1]:53'), [{ host: '127.0.0.53', port: 53 }, { host: '127.0.0.2', port: 5353 }, { host: '::1', port: 53 }]);
  assert.throws(() => parseUpstreamFlag('dns.example'), /not an IP address/);
  assert.deepEqual(upstreamsFromResolvConf('# x\nnameserver 10.0.0.1\nsearch a\nnameserver fe80::1%eth0\n'), [{ host: '10.0.0.1', port: 53 }, { host: 'fe80::1', port: 53 }]);
});

test('no upstream: SERVFAIL at once', async () => {
  const relay = new UpstreamRelay({ upstreams: [] });
  const t0 = performance.now();
  const reply = parseMessage((await relay.resolve(query('example.com.')))!);
  assert.equal(reply.header.rcode, RCODE.SERVFAIL);
  assert.equal(reply.header.id, 99);
  // "At once": well under any attempt timeout; the margin is for a loaded machine's scheduler.
  assert.ok(performance.now() - t0 < 80);
});

test('silent upstream: SERVFAIL within the deadline, then at once while it is down', async () => {
  const silent = await udpStub(() => {});
  const relay = new UpstreamRelay({ upstreams: [{ host: '127.0.0.1', port: silent.port }], attemptTimeoutMs: 100, deadlineMs: 150 });
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    assert.equal(parseMessage((await relay.resolve(query(`q${i}.example.`)))!).header.rcode, RCODE.SERVFAIL);
    assert.ok(performance.now() - t0 < 400);
  }
  // Down now: the first query within a second may retest it; the next ones fail at once.
  await relay.resolve(query('q2.example.'));
  const t0 = performance.now();
  assert.equal(parseMessage((await relay.resolve(query('q3.example.')))!).header.rcode, RCODE.SERVFAIL);
  // Without the down mark it would wait for its 100 ms attempt timeout.
  assert.ok(performance.now() - t0 < 80, 'fails fast');
  const m = relay.metrics.render();
  assert.match(m, new RegExp(`^coredns_proxy_healthcheck_failures_total\\{proxy_name="forward",to="127.0.0.1:${silent.port}"\\} [2-9]$`, 'm'));
  assert.match(m, /^coredns_forward_healthcheck_broken_total [1-9]\d*$/m);
  silent.socket.close();
});

test('cache, as kubeadm\'s `cache 30`: one upstream query, every TTL the lowest capped at 30 and aged, AA on hits, the client case and ID kept; NXDOMAIN cached by its SOA\'s TTL', async () => {
  let asked = 0;
  const stub = await udpStub((buf, reply) => {
    const q = parseMessage(buf);
    if (q.question[0].type !== TYPE.A) return;
    asked++;
    const m = replyTo(q, q.question[0].name.startsWith('nx') ? RCODE.NXDOMAIN : RCODE.NOERROR);
    m.header.ra = true;
    m.header.ad = true;
    if (m.header.rcode === RCODE.NOERROR) {
      m.answer.push({ name: q.question[0].name, type: TYPE.A, class: CLASS_IN, ttl: 100, data: { address: '192.0.2.7' } });
      m.answer.push({ name: q.question[0].name, type: TYPE.A, class: CLASS_IN, ttl: 300, data: { address: '192.0.2.8' } });
    } else m.authority.push({ name: 'example.', type: TYPE.SOA, class: CLASS_IN, ttl: 20, data: { mname: 'a.', rname: 'b.', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 900 } });
    reply(serializeMessage(m));
  });
  let now = 1_000_000;
  const relay = new UpstreamRelay({ upstreams: [{ host: '127.0.0.1', port: stub.port }], now: () => now });
  try {
    const first = parseMessage((await relay.resolve(query('www.example.', 1)))!);
    assert.deepEqual(first.answer.map((r) => r.ttl), [30, 30]);
    assert.equal(first.header.aa, false, 'as the upstream said');
    assert.equal(first.header.ad, false, 'no DNSSEC asked for: AD cleared');
    now += 12_000;
    const second = parseMessage((await relay.resolve(query('WWW.example.', 2)))!);
    assert.equal(second.header.id, 2);
    assert.equal(second.question[0].name, 'WWW.example.');
    assert.deepEqual(second.answer.map((r) => r.ttl), [18, 18]);
    assert.equal(second.header.aa, true, 'CoreDNS sets AA on every reply from its cache');
    assert.equal(second.header.ra, true);
    assert.equal(asked, 1);
    now += 18_000;
    await relay.resolve(query('www.example.'));
    assert.equal(asked, 2, 'expired after 30 s, not the upstream\'s 100');
    await relay.resolve(query('nx.example.'));
    await relay.resolve(query('nx.example.'));
    assert.equal(asked, 3);
    now += 21_000;
    await relay.resolve(query('nx.example.'));
    assert.equal(asked, 4, 'the negative entry expired after the SOA record\'s TTL (20 s), as CoreDNS reads it');
  } finally {
    stub.socket.close();
  }
});

test('loop: an upstream that sends queries back into the cluster DNS is detected and dropped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-relay-'));
  const path = join(dir, 'relay.sock');
  const logs: string[] = [];
  let client: RelayClient | undefined;
  // This "upstream" is a resolver whose own upstream is the cluster DNS: it asks the relay again.
  const looping = await udpStub((buf, reply) => {
    void client!.query(buf).then((r) => r && reply(r));
  });
  const relay = new UpstreamRelay({ upstreams: [{ host: '127.0.0.1', port: looping.port }], attemptTimeoutMs: 200, deadlineMs: 300, log: (l) => logs.push(l) });
  await relay.listen(path);
  client = new RelayClient(path, { timeoutMs: 500 });
  await client.query(query('first.example.'));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(relay.stats().loops, 1);
  assert.match(logs.join('\n'), /loop detected/);
  const t0 = performance.now();
  const r = await client.query(query('next.example.'));
  assert.equal(parseMessage(r!).header.rcode, RCODE.SERVFAIL);
  // Answered from the loop mark, not after the 200 ms attempt timeout.
  assert.ok(performance.now() - t0 < 150);
  client.close();
  await relay.close();
  looping.socket.close();
  rmSync(dir, { recursive: true, force: true });
});
