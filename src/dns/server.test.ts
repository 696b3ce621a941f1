/**
 * @module The server on 127.0.0.1:<random port> in the host namespace, asked by the real
 * `dig` for every record kind and negative case, over UDP and TCP, with truncation, EDNS,
 * forwarding through the relay to a stub upstream this test runs on 127.0.0.1, and metrics.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fixtureIndex, FIXTURE_CONFIG, makeService, makeSlice } from './fixtures.js';
import type { RecordIndex } from './records.js';
import { RelayClient } from './relay-client.js';
import { UpstreamRelay } from './relay.js';
import { DnsServer } from './server.js';
import { TRANSPORTS } from './fixtures.js';
import { CLASS_IN, parseMessage, RCODE, replyTo, serializeMessage, TYPE, type Message } from './wire.js';

const run = promisify(execFile);

/** A stub upstream: example.com A 192.0.2.1, big.example TXT (large), everything else NXDOMAIN. */
async function stubUpstream(): Promise<{ socket: Socket; port: number; queries: string[] }> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (buf, rinfo) => {
    const q = parseMessage(buf);
    queries.push(q.question[0].name);
    const name = q.question[0].name.toLowerCase();
    const m = replyTo(q);
    m.header.ra = true;
    // An upstream that says 512 in its OPT whatever the client said (as public resolvers may).
    if (q.edns) m.edns = { udpSize: 512, version: 0, dnssecOk: false, options: [] };
    if (name === 'example.com.' && q.question[0].type === TYPE.A) m.answer.push({ name: q.question[0].name, type: TYPE.A, class: CLASS_IN, ttl: 60, data: { address: '192.0.2.1' } });
    else if (name === 'example.com.') m.header.rcode = RCODE.NOERROR;
    else m.header.rcode = RCODE.NXDOMAIN;
    socket.send(serializeMessage(m), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { socket, port: socket.address().port, queries };
}

interface Dig {
  status: string;
  flags: string[];
  answer: string[];
  authority: string[];
  additional: string[];
}

let port = 0;
async function dig(args: string[]): Promise<Dig> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', '+nocookie', '+noall', '+comments', '+answer', '+authority', '+additional', ...args]);
  const status = /status: (\w+)/.exec(stdout)?.[1] ?? '';
  const flags = /flags: ([a-z ]+);/.exec(stdout)?.[1].trim().split(' ') ?? [];
  const out: Dig = { status, flags, answer: [], authority: [], additional: [] };
  let section: keyof Dig | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(';; ANSWER SECTION')) section = 'answer';
    else if (line.startsWith(';; AUTHORITY SECTION')) section = 'authority';
    else if (line.startsWith(';; ADDITIONAL SECTION')) section = 'additional';
    else if (line.startsWith(';') || line.trim() === '') continue;
    else if (section) (out[section] as string[]).push(line.split(/\s+/).join(' '));
  }
  return out;
}

for (const udp of TRANSPORTS) describe(`DNS server with dig (UDP over ${udp})`, () => {
  let server: DnsServer;
  let index: RecordIndex;
  let relay: UpstreamRelay;
  let relayClient: RelayClient;
  let upstream: Awaited<ReturnType<typeof stubUpstream>>;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubito-dns-'));
    upstream = await stubUpstream();
    relay = new UpstreamRelay({ upstreams: [{ host: '127.0.0.1', port: upstream.port }] });
    await relay.listen(join(dir, 'relay.sock'));
    relayClient = new RelayClient(join(dir, 'relay.sock'));
    index = fixtureIndex({ onChange: () => server?.invalidate() });
    // A headless Service too big for 512 octets.
    const ips = Array.from({ length: 60 }, (_, i) => `10.244.1.${i + 1}`);
    index.updateService(null, makeService('testns', 'big', (s) => { s.spec.clusterIP = 'None'; s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80 }]; }));
    index.updateEndpointSlice(null, makeSlice('testns', 'big', ips, [{ name: 'http', protocol: 'TCP', port: 80 }]));
    server = new DnsServer({ source: index, config: FIXTURE_CONFIG, relay: relayClient, host: '127.0.0.1', port: 0, metricsPort: 0, healthPort: 0, readyPort: 0, udp });
    await server.start();
    assert.equal(server.udpTransport(), udp);
    port = server.ports().dns;
  });

  after(async () => {
    await server.stop();
    relayClient.close();
    await relay.close();
    upstream.socket.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('ClusterIP A, AA set, TTL 5, AAAA NODATA with SOA', async () => {
    const a = await dig(['nginx.default.svc.cluster.local', 'A']);
    assert.equal(a.status, 'NOERROR');
    assert.ok(a.flags.includes('aa'));
    assert.deepEqual(a.answer, ['nginx.default.svc.cluster.local. 5 IN A 10.96.0.20']);
    const aaaa = await dig(['nginx.default.svc.cluster.local', 'AAAA']);
    assert.equal(aaaa.status, 'NOERROR');
    assert.deepEqual(aaaa.answer, []);
    assert.match(aaaa.authority[0], /^cluster\.local\. 5 IN SOA ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 5$/);
  });

  test('the query case is kept, and a cached answer keeps each query its own case', async () => {
    const upper = await dig(['NGINX.default.svc.cluster.local', 'A']);
    assert.deepEqual(upper.answer, ['NGINX.default.svc.cluster.local. 5 IN A 10.96.0.20']);
    const lower = await dig(['nginx.DEFAULT.svc.cluster.local', 'A']);
    assert.deepEqual(lower.answer, ['nginx.DEFAULT.svc.cluster.local. 5 IN A 10.96.0.20']);
  });

  test('headless: 3 ready endpoints, per-endpoint names, SRV with weights and glue', async () => {
    const a = await dig(['hdls.testns.svc.cluster.local']);
    assert.deepEqual(a.answer.sort(), ['hdls.testns.svc.cluster.local. 5 IN A 10.244.0.5', 'hdls.testns.svc.cluster.local. 5 IN A 10.244.0.6', 'hdls.testns.svc.cluster.local. 5 IN A 10.244.0.7']);
    assert.deepEqual((await dig(['web-0.hdls.testns.svc.cluster.local'])).answer, ['web-0.hdls.testns.svc.cluster.local. 5 IN A 10.244.0.5']);
    const srv = await dig(['_http._tcp.hdls.testns.svc.cluster.local', 'SRV']);
    assert.deepEqual(srv.answer.sort(), [
      '_http._tcp.hdls.testns.svc.cluster.local. 5 IN SRV 0 33 80 10-244-0-6.hdls.testns.svc.cluster.local.',
      '_http._tcp.hdls.testns.svc.cluster.local. 5 IN SRV 0 33 80 10-244-0-7.hdls.testns.svc.cluster.local.',
      '_http._tcp.hdls.testns.svc.cluster.local. 5 IN SRV 0 33 80 web-0.hdls.testns.svc.cluster.local.',
    ]);
    assert.equal(srv.additional.length, 3);
    const bare = await dig(['multi.testns.svc.cluster.local', 'SRV']);
    assert.deepEqual(bare.answer, ['multi.testns.svc.cluster.local. 5 IN SRV 0 50 80 multi.testns.svc.cluster.local.', 'multi.testns.svc.cluster.local. 5 IN SRV 0 50 443 multi.testns.svc.cluster.local.']);
  });

  test('PTR of a ClusterIP and of a pod IP', async () => {
    assert.deepEqual((await dig(['-x', '10.96.0.20'])).answer, ['20.0.96.10.in-addr.arpa. 5 IN PTR nginx.default.svc.cluster.local.']);
    assert.deepEqual((await dig(['-x', '10.244.0.5'])).answer, ['5.0.244.10.in-addr.arpa. 5 IN PTR web-0.hdls.testns.svc.cluster.local.']);
  });

  test('ExternalName: CNAME plus the target address from the upstream', async () => {
    const r = await dig(['ext.testns.svc.cluster.local', 'A']);
    // One TTL for the whole reply, as the cache plugin writes it: the lowest (the CNAME's 5).
    assert.deepEqual(r.answer, ['ext.testns.svc.cluster.local. 5 IN CNAME example.com.', 'example.com. 5 IN A 192.0.2.1']);
  });

  test('loadbalance: a headless Service\'s addresses come in changing order, cached or not', async () => {
    const orders = new Set<string>();
    for (let i = 0; i < 30 && orders.size < 2; i++) orders.add((await dig(['hdls.testns.svc.cluster.local'])).answer.join(','));
    assert.ok(orders.size >= 2, `one order in 30 answers: ${[...orders][0]}`);
    const tcp = new Set<string>();
    for (let i = 0; i < 30 && tcp.size < 2; i++) tcp.add((await dig(['+tcp', 'hdls.testns.svc.cluster.local'])).answer.join(','));
    assert.ok(tcp.size >= 2, 'over TCP too');
  });

  test('EDNS: the reply\'s OPT echoes the client\'s buffer size and its cookie, as CoreDNS\'s SizeAndDo', async () => {
    const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', '+bufsize=4096', '+cookie=0123456789abcdef', 'nginx.default.svc.cluster.local']);
    assert.match(stdout, /; EDNS: version: 0, flags:; udp: 4096/);
    assert.match(stdout, /; COOKIE: 0123456789abcdef \(echoed\)/);
    const plain = await run('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', '+bufsize=1400', '+nocookie', 'nginx.default.svc.cluster.local']);
    assert.match(plain.stdout, /; EDNS: version: 0, flags:; udp: 1400\n/);
    // A forwarded answer's OPT, the upstream's, gets the client's size too.
    const forwarded = await run('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', '+bufsize=1400', '+nocookie', 'example.com']);
    assert.match(forwarded.stdout, /status: NOERROR/);
    assert.match(forwarded.stdout, /; EDNS: version: 0, flags:; udp: 1400\n/);
  });

  test('error replies as miekg/dns and CoreDNS write them: FORMERR/NOTIMP as a bare header, REFUSED without OPT, BADVERS with an OPT of size 0', async () => {
    const ask = async (m: Message): Promise<Buffer> => {
      const c = createSocket('udp4');
      try {
        return await new Promise<Buffer>((resolve, reject) => {
          c.once('message', (b) => resolve(b));
          setTimeout(() => reject(new Error('no reply')), 2000);
          c.send(serializeMessage(m), port, '127.0.0.1');
        });
      } finally {
        c.close();
      }
    };
    const q = (o: { opcode?: number; questions?: number; klass?: number; edns?: number }): Message => ({
      header: { id: 77, qr: false, opcode: o.opcode ?? 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0 },
      question: Array.from({ length: o.questions ?? 1 }, () => ({ name: 'nginx.default.svc.cluster.local.', type: TYPE.A, class: o.klass ?? CLASS_IN })),
      answer: [], authority: [], additional: [],
      edns: o.edns === undefined ? undefined : { udpSize: 1232, version: o.edns, dnssecOk: false, options: [] },
    });
    const two = parseMessage(await ask(q({ questions: 2, edns: 0 })));
    assert.deepEqual([two.header.rcode, two.question.length, two.edns], [RCODE.FORMERR, 0, undefined]);
    const notimp = parseMessage(await ask(q({ opcode: 5, edns: 0 })));
    assert.deepEqual([notimp.header.rcode, notimp.header.opcode, notimp.question.length, notimp.edns], [RCODE.NOTIMP, 5, 0, undefined]);
    const refused = parseMessage(await ask(q({ klass: 3, edns: 0 })));
    assert.deepEqual([refused.header.rcode, refused.question.length, refused.edns], [RCODE.REFUSED, 1, undefined]);
    const badvers = parseMessage(await ask(q({ edns: 1 })));
    assert.deepEqual([badvers.header.rcode, badvers.edns?.udpSize, badvers.edns?.version], [RCODE.BADVERS, 0, 0]);
  });

  test('any class but IN is refused (no chaos plugin in kubeadm\'s server block)', async () => {
    assert.equal((await dig(['-c', 'CH', 'version.bind', 'TXT'])).status, 'REFUSED');
    assert.equal((await dig(['-c', 'ANY', 'nginx.default.svc.cluster.local', 'A'])).status, 'REFUSED');
  });

  test('TXT dns-version, SOA and NS at the apex', async () => {
    // 28800 from the kubernetes plugin, capped by kubeadm's `cache 30` on the way out.
    assert.deepEqual((await dig(['dns-version.cluster.local', 'TXT'])).answer, ['dns-version.cluster.local. 30 IN TXT "1.1.0"']);
    assert.match((await dig(['cluster.local', 'SOA'])).answer[0], /^cluster\.local\. 5 IN SOA ns\.dns\.cluster\.local\. /);
    const ns = await dig(['cluster.local', 'NS']);
    assert.deepEqual(ns.answer, ['cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local.']);
    assert.deepEqual(ns.additional, ['kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10']);
  });

  test('NXDOMAIN vs NODATA, each with AA and the SOA', async () => {
    const cases: Array<[string, string, string]> = [
      ['missing.default.svc.cluster.local', 'A', 'NXDOMAIN'],
      ['nosuchns.svc.cluster.local', 'A', 'NXDOMAIN'],
      ['default.svc.cluster.local', 'A', 'NOERROR'],
      ['empty-headless.testns.svc.cluster.local', 'A', 'NXDOMAIN'],
      ['svc.cluster.local', 'A', 'NOERROR'],
      ['cluster.local', 'A', 'NOERROR'],
      ['foo.cluster.local', 'A', 'NXDOMAIN'],
      ['nginx.default.svc.cluster.local', 'TXT', 'NOERROR'],
      ['nginx.default.svc.cluster.local', 'MX', 'NOERROR'],
      ['_nope._tcp.nginx.default.svc.cluster.local', 'SRV', 'NXDOMAIN'],
      ['10-244-0-4.nginx.default.svc.cluster.local', 'A', 'NXDOMAIN'],
      ['ext-ip.testns.svc.cluster.local', 'A', 'NXDOMAIN'],
    ];
    for (const [name, type, status] of cases) {
      const r = await dig([name, type]);
      assert.equal(r.status, status, `${name} ${type}`);
      assert.deepEqual(r.answer, [], `${name} ${type}`);
      assert.ok(r.flags.includes('aa'), `${name} ${type}`);
      assert.match(r.authority[0] ?? '', /IN SOA ns\.dns\.cluster\.local\./, `${name} ${type}`);
    }
  });

  test('pods insecure', async () => {
    assert.deepEqual((await dig(['10-244-0-2.default.pod.cluster.local'])).answer, ['10-244-0-2.default.pod.cluster.local. 5 IN A 10.244.0.2']);
    assert.equal((await dig(['10-244-0-2.nosuchns.pod.cluster.local'])).status, 'NXDOMAIN');
  });

  test('truncation over UDP (TC, retried over TCP by dig), EDNS buffer sizes, TCP', async () => {
    const small = await dig(['+noedns', '+ignore', 'big.testns.svc.cluster.local']);
    assert.ok(small.flags.includes('tc'));
    assert.ok(small.answer.length > 0 && small.answer.length < 60, `${small.answer.length} answers in 512 octets`);
    const edns = await dig(['+bufsize=4096', '+ignore', 'big.testns.svc.cluster.local']);
    assert.ok(!edns.flags.includes('tc'));
    assert.equal(edns.answer.length, 60);
    const retried = await dig(['+noedns', 'big.testns.svc.cluster.local']);
    assert.equal(retried.answer.length, 60);
    const tcp = await dig(['+tcp', 'big.testns.svc.cluster.local']);
    assert.equal(tcp.answer.length, 60);
    assert.equal((await dig(['+edns=1', '+noednsneg', 'nginx.default.svc.cluster.local'])).status, 'BADVERS');
  });

  test('names outside the cluster go to the upstream (and its cache)', async () => {
    const before = upstream.queries.filter((q) => q.toLowerCase() === 'example.com.').length;
    // 60 s from the upstream; a cached copy counts down by whole seconds (other tests may have
    // asked for it earlier), so any TTL in (0, 60].
    const ttlOf = (line: string): number => {
      const m = /^example\.com\. (\d+) IN A 192\.0\.2\.1$/i.exec(line);
      assert.ok(m, line);
      return Number(m[1]);
    };
    const first = (await dig(['example.com', 'A'])).answer;
    assert.equal(first.length, 1);
    assert.ok(ttlOf(first[0]) > 0 && ttlOf(first[0]) <= 60, first[0]);
    const again = await dig(['EXAMPLE.com', 'A']);
    assert.match(again.answer[0], /^EXAMPLE\.com\. /, 'the query\'s case is kept');
    assert.ok(ttlOf(again.answer[0]) > 0 && ttlOf(again.answer[0]) <= ttlOf(first[0]), again.answer[0]);
    assert.equal((await dig(['nope.example', 'A'])).status, 'NXDOMAIN');
    const after = upstream.queries.filter((q) => q.toLowerCase() === 'example.com.').length;
    assert.ok(after - before <= 2, 'the second query came from the relay cache');
    assert.ok(relay.stats().cacheHits >= 1);
  });

  test('a new Service answers at once; a pod turning not-ready leaves at once', async () => {
    assert.equal((await dig(['fresh.default.svc.cluster.local'])).status, 'NXDOMAIN');
    index.updateService(null, makeService('default', 'fresh', (s) => { s.spec.clusterIP = '10.96.0.99'; s.spec.ports = [{ name: 'http', port: 80 }]; }));
    assert.deepEqual((await dig(['fresh.default.svc.cluster.local'])).answer, ['fresh.default.svc.cluster.local. 5 IN A 10.96.0.99']);
    const http = [{ name: 'http', protocol: 'TCP', port: 80 }];
    const prev = makeSlice('testns', 'hdls', ['10.244.0.5=web-0', '10.244.0.6', '10.244.0.7', '10.244.0.8!'], http);
    index.updateEndpointSlice(prev, makeSlice('testns', 'hdls', ['10.244.0.5=web-0', '10.244.0.6!', '10.244.0.7', '10.244.0.8!'], http));
    assert.equal((await dig(['hdls.testns.svc.cluster.local'])).answer.length, 2);
  });

  test('a UDP burst of cache hits: every reply counted and timed (hits are timed per batch)', async () => {
    const scrape = async (): Promise<string> => (await fetch(`http://127.0.0.1:${server.ports().metrics}/metrics`)).text();
    const read = (text: string, series: string): number => Number(new RegExp(`^${series.replace(/[{}.()/\\]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    const requests = 'coredns_dns_requests_total{server="dns://:0",zone=".",proto="udp",family="1",type="A"}';
    const count = 'coredns_dns_request_duration_seconds_count{server="dns://:0",zone=".",type="A"}';
    const sum = 'coredns_dns_request_duration_seconds_sum{server="dns://:0",zone=".",type="A"}';
    const hits = 'coredns_cache_hits_total{server="dns://:0",type="success",view="",zones="."}';
    const client = createSocket('udp4');
    const n = 300;
    const query = (id: number): Buffer => serializeMessage({ header: { id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0 }, question: [{ name: 'nginx.default.svc.cluster.local.', type: TYPE.A, class: CLASS_IN }], answer: [], authority: [], additional: [] });
    try {
      const ids = new Set<number>();
      let done: () => void = () => {};
      const all = new Promise<void>((resolve) => (done = resolve));
      client.on('message', (buf) => {
        const m = parseMessage(buf);
        assert.deepEqual(m.answer.map((r) => r.data), [{ address: '10.96.0.20' }]);
        ids.add(m.header.id);
        if (ids.size === n + 1) done();
      });
      await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', () => resolve()));
      // The native transport answers up to 256 reads in one go, before this process reads any
      // reply: 300 replies overflow a default receive buffer (212 KiB of ~1 KiB skbs).
      client.setRecvBufferSize(1 << 20);
      client.send(query(n), port, '127.0.0.1'); // cached from here on
      while (!ids.has(n)) await new Promise((r) => setTimeout(r, 5));
      const before = await scrape();
      for (let id = 0; id < n; id++) client.send(query(id), port, '127.0.0.1');
      await Promise.race([all, new Promise((_, reject) => setTimeout(() => reject(new Error(`${ids.size - 1} of ${n} replies`)), 5000))]);
      const afterText = await scrape();
      assert.equal(read(afterText, requests) - read(before, requests), n);
      assert.equal(read(afterText, hits) - read(before, hits), n);
      assert.equal(read(afterText, count) - read(before, count), n);
      const seconds = read(afterText, sum) - read(before, sum);
      assert.ok(seconds > 0 && seconds < n, `duration sum grew by ${seconds} s`);
    } finally {
      client.close();
    }
  });

  test('metrics, health and ready', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${server.ports().metrics}/metrics`)).text();
    assert.match(metrics, /coredns_dns_requests_total\{server="dns:\/\/:0",zone="\.",proto="udp",family="1",type="A"\} \d+/);
    assert.match(metrics, /coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN"[^}]*\} \d+/);
    assert.match(metrics, /coredns_dns_request_duration_seconds_bucket\{[^}]*le="0.00025"\} \d+/);
    assert.match(metrics, /coredns_cache_hits_total\{[^}]*type="success"[^}]*\} \d+/);
    // The relay's series, from the control plane's process through the socket.
    const to = `proxy_name="forward",to="127.0.0.1:${upstream.port}"`;
    assert.match(metrics, new RegExp(`^coredns_proxy_request_duration_seconds_count\\{${to},rcode="NOERROR"\\} [1-9]\\d*$`, 'm'));
    assert.match(metrics, /^coredns_cache_hits_total\{server="dns:\/\/relay",type="success",view="",zones="\."\} [1-9]\d*$/m);
    assert.match(metrics, /^coredns_cache_entries\{server="dns:\/\/relay",type="success",view="",zones="\."\} [1-9]\d*$/m);
    assert.equal(metrics.match(/^# TYPE coredns_cache_entries gauge$/gm)?.length, 1, 'one TYPE line per metric');
    assert.match(metrics, new RegExp(`^kubito_dns_udp_transport\\{server="dns://:0",transport="${udp}"\\} 1$`, 'm'));
    assert.equal(await (await fetch(`http://127.0.0.1:${server.ports().health}/health`)).text(), 'OK');
    assert.equal((await fetch(`http://127.0.0.1:${server.ports().ready}/ready`)).status, 200);
    // Asked on one port (0 here, as the agent asks 9153 for all three): one listener serves them all.
    assert.equal(server.ports().health, server.ports().metrics);
    assert.equal(server.ports().ready, server.ports().metrics);
    assert.equal((await fetch(`http://127.0.0.1:${server.ports().metrics}/nope`)).status, 404);
  });
});
