/**
 * @module The DNS server: UDP and TCP listeners on one address (port 53 in the node's
 * namespace), answering from the answer function, forwarding the rest through the relay, and
 * serving `/metrics`, `/health` and `/ready` over HTTP as CoreDNS's prometheus, health and
 * ready plugins.
 *
 * Hot path (answer-cache.ts): a reply for an authoritative answer is kept, as bytes, under its
 * question (name case-insensitive), RD/CD bits, transport, EDNS presence, DO bit and buffer
 * size; a repeated query is answered by copying those bytes with its ID (and, where the reply
 * provably depends on case only in the question, its spelling of the name). No parse, no
 * string, and metric series resolved once per entry. The cache is dropped whenever the record
 * source changes (`invalidate()`, and its generation is compared on every lookup), so it never
 * serves anything the answer function would not (kubeadm disables caching for the cluster
 * zone for that reason, kubernetes#128359). Forwarded answers are cached by the relay. UDP
 * replies are sent in batches, and cache hits over UDP timed per batch (udp-batch.ts).
 *
 * Native fast path (udp-native.ts, native/answer-cache.h): over the native transport, a reply
 * that may be kept (native-hits.ts: NOERROR or NXDOMAIN from cluster data, synced, not
 * truncated, a plain query) goes to the transport with a metric class; the same query bytes
 * are then answered in C without calling JS. `invalidate()` (and a generation change seen
 * here) clears that cache too, and `reconfigure()` does for a new TTL or zone. Its hits are
 * added to the metrics when `/metrics` is scraped (`collectNativeHits()`).
 *
 * Robustness: `handle` never throws. Anything shorter than a header, or with QR set, is
 * dropped; anything else malformed gets FORMERR; unknown opcodes NOTIMP; EDNS versions other
 * than 0 BADVERS. UDP replies larger than the client's buffer (512 without EDNS) are truncated
 * with TC set; TCP connections carry length-framed messages, may pipeline, idle out after 10 s.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { answer, completeChase, type AnswerConfig } from './answer.js';
import { AnswerCache, echoedOption, probeQuery, provesPatchable, replyFrom, respell, type EntryStats, type QueryKey } from './answer-cache.js';
import { withCacheTtl } from './cache-ttl.js';
import { FrameReader, writeFrame } from './framing.js';
import { addressSets, shuffleAddresses, type AddressSets } from './loadbalance.js';
import { DnsMetrics, observe, type Cell, type MetricsSnapshot } from './metrics.js';
import { NativeHits, type HitCells } from './native-hits.js';
import { NativeUdp, type NativeCounters } from './udp-native.js';
import { rcodeName } from './present.js';
import type { RecordSource } from './records.js';
import { bindUdp, nativeCacheFromEnv, type UdpChoice, type UdpKind, type UdpTransport } from './udp-transport.js';
import { CLASS_IN, parseMessage, RCODE, replyTo, serializeMessage, ttlOffsets, typeName, WireFormatError, type Message } from './wire.js';

export interface Relay {
  /** Resolves to the reply (same ID) or undefined when no upstream answered. */
  query(msg: Buffer): Promise<Buffer | undefined>;
  /** The relay's own metric series, rendered on `/metrics` beside the server's. */
  metrics?(): Promise<MetricsSnapshot | undefined>;
}

export interface DnsServerOptions {
  source: RecordSource;
  config: AnswerConfig;
  relay?: Relay;
  host: string;
  /** DNS port, UDP and TCP (0 picks one: the TCP port follows the UDP one). Default 53. */
  port?: number;
  /**
   * `/metrics` port (CoreDNS 9153), `/health` (CoreDNS 8080), `/ready` (CoreDNS 8181); undefined:
   * not served. Equal ports share one listener (0 too: one picked port); the node agent serves
   * all three on 9153 (ports.ts).
   */
  metricsPort?: number;
  healthPort?: number;
  readyPort?: number;
  /** Answers the caches may hold (the JS cache and the native one each); default 10,000. */
  cacheEntries?: number;
  /**
   * The native transport's reply cache (answers in C, no JS per hit): default on unless
   * KUBITO_DNS_NATIVE_CACHE=0. Bytes it may take: `nativeCacheBytes`, default 4 MiB.
   */
  nativeCache?: boolean;
  nativeCacheBytes?: number;
  /** UDP transport (udp-transport.ts): default KUBITO_DNS_UDP, else `auto` (native if built). */
  udp?: UdpChoice;
  /** The native module's path (tests); default build/dns-udp.node. */
  udpModule?: string;
  /** loadbalance's random source, [0, 1) (tests pin it); default Math.random. */
  random?: () => number;
  log?(line: string): void;
}

const UDP_MAX = 65507;
const MAX_TCP_CONNECTIONS = 1000;
const TCP_IDLE_MS = 10_000;
const NATIVE_CACHE_BYTES = 4 << 20;
const METRIC_TYPES = new Set(['A', 'AAAA', 'MX', 'SOA', 'CNAME', 'PTR', 'TXT', 'NS', 'SRV', 'HINFO', 'IXFR', 'AXFR', 'ANY', 'HTTPS']);

type Reply = (buf: Buffer, cacheClass?: number) => void;
/**
 * Where a message came from. `batched`: a UDP read whose reply is sent by the batch flush; the
 * request's duration is then timed per batch (see udp-batch.ts), not per message, and its
 * bytes are the transport's until `handle` returns (copied before anything asynchronous).
 */
type Ctx = { proto: 'udp' | 'tcp'; family: number; batched?: boolean };

/**
 * An upstream's reply as CoreDNS's SizeAndDo passes it on to a client that sent an OPT: the
 * reply's OPT gets the client's UDP size, version 0, no extended rcode, its low flag bits
 * cleared and DO set if the client set it; a reply without one (an upstream without EDNS, or
 * the relay's cache, which keys no EDNS) gets the client's OPT with the options CoreDNS echoes.
 * In place when it can; a reply this cannot walk goes as it came.
 */
function sizeAndDo(buf: Buffer, query: Message): Buffer {
  const edns = query.edns;
  if (!edns) return buf;
  let opt: number;
  try {
    opt = ttlOffsets(buf).opt;
  } catch {
    return buf;
  }
  if (opt < 0) {
    const options = edns.options.filter((o) => echoedOption(o.code));
    const rdlen = options.reduce((n, o) => n + 4 + o.data.length, 0);
    const rr = Buffer.alloc(11 + rdlen);
    rr.writeUInt16BE(41, 1);
    rr.writeUInt16BE(edns.udpSize, 3);
    if (edns.dnssecOk) rr[7] = 0x80;
    rr.writeUInt16BE(rdlen, 9);
    let p = 11;
    for (const o of options) {
      rr.writeUInt16BE(o.code, p);
      rr.writeUInt16BE(o.data.length, p + 2);
      o.data.copy(rr, p + 4);
      p += 4 + o.data.length;
    }
    const out = Buffer.concat([buf, rr]);
    out.writeUInt16BE(out.readUInt16BE(10) + 1, 10);
    return out;
  }
  buf.writeUInt16BE(edns.udpSize, opt + 2);
  buf[opt + 4] = 0;
  buf[opt + 5] = 0;
  if (edns.dnssecOk) buf[opt + 6] |= 0x80;
  buf[opt + 7] = 0;
  return buf;
}

export class DnsServer {
  readonly #o: DnsServerOptions;
  readonly metrics: DnsMetrics;
  readonly #cache: AnswerCache;
  #generation = -1;
  readonly #misses: Cell;
  #udp: UdpTransport | undefined;
  #udpKind: UdpKind | undefined;
  #tcp: TcpServer | undefined;
  #http: HttpServer[] = [];
  #connections = new Set<Socket>();
  #inflight = 0;
  #dropped = 0;
  readonly #cacheEntries: number;
  #ports = { dns: 0, metrics: 0, health: 0, ready: 0 };
  #config: AnswerConfig;
  /** Which replies the native reply cache may keep, and its hits into the metrics. */
  readonly #native = new NativeHits();
  readonly #random: () => number;
  readonly #udpCtx: Ctx[] = [{ proto: 'udp', family: 1, batched: true }, { proto: 'udp', family: 2, batched: true }];

  constructor(options: DnsServerOptions) {
    this.#o = options;
    this.#config = options.config;
    this.#random = options.random ?? Math.random;
    this.#cacheEntries = options.cacheEntries ?? 10_000;
    this.#cache = new AnswerCache(this.#cacheEntries);
    this.metrics = new DnsMetrics(`dns://:${options.port ?? 53}`);
    this.#misses = this.metrics.cell('coredns_cache_misses_total', `server="${this.metrics.server}",view="",zones="."`);
    this.metrics.gauge('kubito_dns_udp_transport', () => (this.#udpKind ? [[`server="${this.metrics.server}",transport="${this.#udpKind}"`, 1]] : []));
    this.metrics.gauge('coredns_cache_entries', () => [[`server="${this.metrics.server}",type="success",view="",zones="."`, this.#cache.size]]);
    this.metrics.gauge('kubito_dns_native_cache_entries', () => {
      const rc = this.#udp?.replyCache;
      return rc ? [[`server="${this.metrics.server}"`, rc.status().entries]] : [];
    });
  }

  /**
   * Drops every cached answer, the native transport's too (the record source changed). The
   * owner of the source must call it on every change (cluster-dns.ts: the index's onChange):
   * native hits never reach JS, so the generation compare in `handle` cannot stand in for it.
   */
  invalidate(): void {
    this.#cache.clear();
    this.#udp?.replyCache?.clear();
  }

  /** Answers from `config` from now on (a new TTL, zone or addresses); drops every cache. */
  reconfigure(config: AnswerConfig): void {
    this.#config = config;
    this.invalidate();
  }

  stats(): { cacheEntries: number; nativeCacheEntries: number; nativeCacheHits: number; inflight: number; dropped: number; tcpConnections: number } {
    const native = this.#udp?.replyCache?.status();
    return { cacheEntries: this.#cache.size, nativeCacheEntries: native?.entries ?? 0, nativeCacheHits: native?.hits ?? 0, inflight: this.#inflight, dropped: this.#dropped, tcpConnections: this.#connections.size };
  }

  /**
   * Adds the queries the native reply cache answered since the last call to the metrics
   * (requests, responses, durations, cache hits), as the same hits answered in JS count.
   * Called on each `/metrics` scrape.
   */
  collectNativeHits(): void {
    this.#native.collect(this.#udp?.replyCache, (stats, family) => this.#hitCells(stats, this.#udpCtx[family - 1]));
  }

  /** The native transport's counters (udp-native.ts), undefined over dgram or before `start`. */
  nativeCounters(): NativeCounters | undefined {
    return this.#udp instanceof NativeUdp ? this.#udp.counters() : undefined;
  }

  /** The UDP transport serving (after `start`): `native` (recvmmsg/sendmmsg) or `dgram`. */
  udpTransport(): UdpKind | undefined {
    return this.#udpKind;
  }

  ports(): { dns: number; metrics: number; health: number; ready: number } {
    return { ...this.#ports };
  }

  async start(): Promise<void> {
    const o = this.#o;
    // Port 0: the kernel picks the UDP port and TCP must get the same one, which another
    // process may hold for TCP (an outgoing connection's local port): then pick again.
    for (let attempt = 1; ; attempt++) {
      const udpCtx = this.#udpCtx;
      let fellBack = '';
      const nativeCache = o.nativeCache ?? nativeCacheFromEnv();
      const udp = await bindUdp(o.host, o.port ?? 53, {
        onMessage: (buf, family, reply) => this.handle(buf, udpCtx[family === 2 ? 1 : 0], reply),
        onError: (err) => o.log?.(`dns udp: ${err.message}`),
        choice: o.udp,
        modulePath: o.udpModule,
        fellBack: (why) => (fellBack = why),
        replyCache: nativeCache ? { entries: this.#cacheEntries, bytes: o.nativeCacheBytes ?? NATIVE_CACHE_BYTES } : undefined,
      });
      const port = udp.port();
      const tcp = createTcpServer((socket) => this.#onConnection(socket));
      try {
        await new Promise<void>((resolve, reject) => {
          tcp.once('error', reject);
          tcp.listen(port, o.host, () => resolve());
        });
      } catch (err) {
        await udp.close();
        if (o.port !== 0 || attempt >= 5 || !(err instanceof Error && 'code' in err && err.code === 'EADDRINUSE')) throw err;
        continue;
      }
      this.#udp = udp;
      this.#udpKind = udp.kind;
      o.log?.(udp.kind === 'native' ? `dns udp: native transport (recvmmsg/sendmmsg), native answer cache ${udp.replyCache ? 'on' : 'off'}` : `dns udp: dgram transport${fellBack ? ` (native: ${fellBack})` : ''}`);
      this.#tcp = tcp;
      this.#ports.dns = port;
      break;
    }
    type Body = () => [number, string] | Promise<[number, string]>;
    const paths: Array<['metrics' | 'health' | 'ready', number | undefined, string, Body]> = [
      ['metrics', o.metricsPort, '/metrics', async () => {
        this.collectNativeHits();
        const relayed = await o.relay?.metrics?.();
        if (relayed) this.metrics.absorb(relayed);
        return [200, this.metrics.render()];
      }],
      ['health', o.healthPort, '/health', () => [200, 'OK']],
      ['ready', o.readyPort, '/ready', () => (o.source.synced() ? [200, 'OK'] : [503, 'kubernetes'])],
    ];
    const byPort = new Map<number, Map<string, Body>>();
    for (const [, port, path, body] of paths) if (port !== undefined) (byPort.get(port) ?? byPort.set(port, new Map()).get(port)!).set(path, body);
    const bound = new Map<number, number>();
    for (const [port, routes] of byPort) bound.set(port, await this.#serveHttp(port, routes));
    for (const [name, port] of paths) if (port !== undefined) this.#ports[name] = bound.get(port)!;
  }

  /** One HTTP listener answering `routes` (path → body), 404 for any other path. */
  async #serveHttp(port: number, routes: ReadonlyMap<string, () => [number, string] | Promise<[number, string]>>): Promise<number> {
    const server = createHttpServer((req, res) => {
      const path = req.url ?? '';
      const body = routes.get(path);
      if (!body) {
        res.writeHead(404).end('404 page not found\n');
        return;
      }
      void Promise.resolve(body()).then(
        ([code, text]) => res.writeHead(code, { 'content-type': path === '/metrics' ? 'text/plain; version=0.0.4' : 'text/plain; charset=utf-8' }).end(text),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.#o.host, () => resolve());
    });
    this.#http.push(server);
    return (server.address() as AddressInfo).port;
  }

  #onConnection(socket: Socket): void {
    if (this.#connections.size >= MAX_TCP_CONNECTIONS) {
      socket.destroy();
      return;
    }
    this.#connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('close', () => this.#connections.delete(socket));
    socket.on('error', () => socket.destroy());
    const family = socket.remoteFamily === 'IPv6' ? 2 : 1;
    const reader = new FrameReader((msg) => this.handle(msg, { proto: 'tcp', family }, (out) => writeFrame(socket, out)));
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
  }

  async stop(): Promise<void> {
    // Replies that come later (forwarded ones) are dropped: the batch is closed.
    const udp = this.#udp;
    this.#udp = undefined;
    for (const s of this.#connections) s.destroy();
    await Promise.all([
      udp?.close(),
      new Promise<void>((resolve) => (this.#tcp ? this.#tcp.close(() => resolve()) : resolve())),
      ...this.#http.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    ]);
    this.#tcp = undefined;
    this.#http = [];
  }

  /**
   * Answers one message. `reply` gets the reply bytes (at once for local answers, later for
   * forwarded ones) or is never called (dropped). Never throws.
   */
  handle(buf: Buffer, ctx: Ctx, reply: Reply): void {
    const batch = ctx.batched ? this.#udp : undefined;
    const t0 = batch ? batch.start : performance.now();
    if (buf.length < 12 || (buf[2] & 0x80) !== 0) {
      this.#dropped++;
      return;
    }
    const key = probeQuery(buf, ctx.proto === 'tcp');
    if (key !== undefined) {
      const generation = this.#o.source.generation?.() ?? 0;
      if (generation !== this.#generation) {
        this.invalidate();
        this.#generation = generation;
      }
      const hit = this.#cache.get(buf, key);
      if (hit) {
        const out = replyFrom(hit, buf, key);
        if (hit.sets) shuffleAddresses(out, hit.sets, this.#random);
        reply(out, hit.stats.native);
        const c = this.#hitCells(hit.stats, ctx);
        c.hits.value++;
        c.request.requests.value++;
        c.request.responses.value++;
        if (batch) batch.timeAtFlush(c.request.duration);
        else observe(c.request.duration, (performance.now() - t0) / 1000);
        return;
      }
      this.#misses.value++;
    }
    try {
      // A batched datagram's bytes are the transport's buffer: a forwarded query, the cache
      // and a pending ExternalName chase keep them past this call.
      this.#slow(ctx.batched ? Buffer.from(buf) : buf, ctx, key, t0, reply);
    } catch (err) {
      // Not expected (the codec throws only WireFormatError, handled below); answer anyway.
      this.#o.log?.(`dns: ${err instanceof Error ? err.message : String(err)}`);
      this.#formerr(buf, RCODE.SERVFAIL, reply);
    }
  }

  #hitCells(s: EntryStats, ctx: Ctx): HitCells {
    const c = (ctx.family === 2 ? s.cells6 : s.cells4) as HitCells | undefined;
    if (c) return c;
    const made: HitCells = {
      hits: this.metrics.cell('coredns_cache_hits_total', `server="${this.metrics.server}",type="${s.negative ? 'denial' : 'success'}",view="",zones="."`),
      request: this.metrics.requestCells({ zone: '.', proto: ctx.proto, family: ctx.family, type: s.type, rcode: s.rcode, plugin: 'kubernetes' }),
    };
    if (ctx.family === 2) s.cells6 = made;
    else s.cells4 = made;
    return made;
  }

  #count(ctx: Ctx, type: string, rcode: string, plugin: string, t0: number): void {
    this.metrics.request({ zone: '.', proto: ctx.proto, family: ctx.family, type, rcode, plugin, seconds: (performance.now() - t0) / 1000 });
  }

  /** The encoded local reply to `buf`, or undefined (malformed, or not answered locally). */
  #localReply(buf: Buffer, proto: string): Buffer | undefined {
    const query = parseMessage(buf);
    const outcome = answer(query, this.#o.source, this.#config);
    return outcome.kind === 'reply' ? this.#finish(query, outcome.message, proto) : undefined;
  }

  /**
   * Caches `out` (the reply to `buf`) for this spelling. When another spelling is cached
   * already, tries for a patchable entry instead: if the all-lower and all-upper spellings get
   * replies equal outside the question's name, the all-lower one serves every spelling.
   */
  #store(buf: Buffer, key: QueryKey, out: Buffer, o: { proto: string; type: string; rcode: string; negative: boolean; native: number | undefined; sets: AddressSets | undefined }): void {
    const stats: EntryStats = { type: o.type, rcode: o.rcode, negative: o.negative, cells4: undefined, cells6: undefined, native: o.native };
    const sets = o.sets;
    if (this.#cache.otherSpelling(buf, key)) {
      const low = respell(buf, key, false);
      const lowOut = low.equals(buf) ? out : this.#localReply(low, o.proto);
      const upOut = this.#localReply(respell(buf, key, true), o.proto);
      if (lowOut !== undefined && upOut !== undefined && provesPatchable(lowOut, upOut, key)) {
        this.#cache.set(buf, key, { reply: lowOut, patchable: true, stats, sets });
        return;
      }
    }
    this.#cache.set(buf, key, { reply: out, patchable: false, stats, sets });
  }

  #formerr(buf: Buffer, rcode: number, reply: Reply): void {
    const b = Buffer.alloc(12);
    buf.copy(b, 0, 0, 2);
    b[2] = 0x80 | (buf[2] & 0x79);
    b[3] = rcode;
    reply(b);
  }

  #limit(query: Message, proto: string): number {
    if (proto === 'tcp') return 65535;
    return query.edns ? Math.min(UDP_MAX, Math.max(512, query.edns.udpSize)) : 512;
  }

  /**
   * The reply as it leaves CoreDNS's chain: TTLs as the cache plugin writes them; the query's
   * OPT echoed (request.SizeAndDo: its UDP size, DO, and the options CoreDNS knows, a COOKIE
   * among them); cut to the client's size.
   */
  #finish(query: Message, m: Message, proto: string): Buffer {
    const out = withCacheTtl(m);
    if (query.edns) out.edns = { udpSize: query.edns.udpSize, version: 0, dnssecOk: query.edns.dnssecOk, options: query.edns.options.filter((o) => echoedOption(o.code)) };
    return serializeMessage(out, { maxSize: this.#limit(query, proto) });
  }

  /** loadbalance: shuffles `out`'s address RRsets in place (a reply from anywhere, unparsed). */
  #balance(out: Buffer): Buffer {
    try {
      const sets = addressSets(out);
      if (sets) shuffleAddresses(out, sets, this.#random);
    } catch {
      // A reply this cannot walk (an upstream's) goes as it came.
    }
    return out;
  }

  #slow(buf: Buffer, ctx: Ctx, key: QueryKey | undefined, t0: number, reply: Reply): void {
    let query: Message;
    try {
      query = parseMessage(buf);
    } catch (err) {
      if (!(err instanceof WireFormatError)) throw err;
      this.#formerr(buf, RCODE.FORMERR, reply);
      this.#count(ctx, 'other', 'FORMERR', '', t0);
      return;
    }
    // Replies as CoreDNS writes its errors: miekg/dns rejects a message by its header alone
    // (FORMERR for a question count but 1, NOTIMP for an opcode), the bare header back;
    // edns.Version's BADVERS has an OPT of its own (size 0); a refused class no OPT.
    const fail = (rcode: number): void => {
      if (rcode === RCODE.NOTIMP || rcode === RCODE.FORMERR) this.#formerr(buf, rcode, reply);
      else {
        const m = replyTo(query, rcode);
        if (rcode === RCODE.BADVERS) m.edns = { udpSize: 0, version: 0, dnssecOk: false, options: [] };
        reply(serializeMessage(m, { maxSize: this.#limit(query, ctx.proto) }));
      }
      this.#count(ctx, 'other', rcodeName(rcode), '', t0);
    };
    if (query.header.opcode !== 0) return fail(RCODE.NOTIMP);
    if (query.question.length !== 1) return fail(RCODE.FORMERR);
    if (query.edns && query.edns.version !== 0) return fail(RCODE.BADVERS);
    const q = query.question[0];
    const type = METRIC_TYPES.has(typeName(q.type)) ? typeName(q.type) : 'other';
    // CoreDNS refuses any class but IN unless the chaos plugin is in the server block (kubeadm's is not).
    if (q.class !== CLASS_IN) return fail(RCODE.REFUSED);
    const outcome = answer(query, this.#o.source, this.#config);
    if (outcome.kind === 'reply') {
      const out = this.#finish(query, outcome.message, ctx.proto);
      const rcode = rcodeName(outcome.message.header.rcode);
      const negative = outcome.message.answer.length === 0;
      const sets = addressSets(out);
      // Only plain queries (a key) are kept, in JS or natively; native only over UDP batches,
      // and only replies with nothing to shuffle (the native cache sends its bytes as kept).
      const native = key !== undefined && ctx.batched && !sets ? this.#native.classFor(this.#udp?.replyCache, { synced: this.#o.source.synced(), type, rcode: outcome.message.header.rcode, negative, out }) : undefined;
      if (key !== undefined && this.#o.source.synced()) this.#store(buf, key, out, { proto: ctx.proto, type, rcode, negative, native, sets });
      if (sets) shuffleAddresses(out, sets, this.#random);
      reply(out, native);
      this.#count(ctx, type, rcode, 'kubernetes', t0);
      return;
    }
    this.#inflight++;
    const done = (out: Buffer, rcode: string, plugin: string): void => {
      this.#inflight--;
      reply(out);
      this.#count(ctx, type, rcode, plugin, t0);
    };
    const servfail = (): Buffer => this.#finish(query, replyTo(query, RCODE.SERVFAIL), ctx.proto);
    if (outcome.kind === 'forward') {
      const relayed = this.#o.relay ? this.#o.relay.query(buf) : Promise.resolve(undefined);
      void relayed.then((res) => {
        if (!res || res.length < 12) return done(servfail(), 'SERVFAIL', 'forward');
        const rcode = rcodeName(res[3] & 0xf);
        const out = sizeAndDo(res, query);
        if (out.length <= this.#limit(query, ctx.proto)) return done(this.#balance(out), rcode, 'forward');
        const m = replyTo(query, res[3] & 0xf);
        m.header.tc = true;
        m.header.ra = (res[3] & 0x80) !== 0;
        done(this.#finish(query, m, ctx.proto), rcode, 'forward');
      }, () => done(servfail(), 'SERVFAIL', 'forward'));
      return;
    }
    // ExternalName outside the zone: look the target up through the relay (CoreDNS upstream).
    const sub: Message = { header: { ...query.header, id: 0, rd: true }, question: [{ name: outcome.target, type: outcome.qtype, class: CLASS_IN }], answer: [], authority: [], additional: [] };
    const relayed = this.#o.relay ? this.#o.relay.query(serializeMessage(sub)) : Promise.resolve(undefined);
    void relayed.then((res) => {
      let found: Message['answer'] | undefined;
      if (res) {
        try {
          const m = parseMessage(res);
          if (m.header.rcode === RCODE.NOERROR || m.header.rcode === RCODE.NXDOMAIN) found = m.answer;
        } catch {
          found = undefined;
        }
      }
      const m = completeChase(outcome, found);
      done(this.#balance(this.#finish(query, m, ctx.proto)), rcodeName(m.header.rcode), 'kubernetes');
    }, () => done(servfail(), 'SERVFAIL', 'kubernetes'));
  }
}
