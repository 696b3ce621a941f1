/**
 * @module The upstream relay, in the control plane process (host network namespace): answers
 * the node DNS server's forwarded queries (length-prefixed DNS messages on the Unix socket
 * `<data-dir>/run/dns-upstream.sock`) from a cache or from the upstream resolvers, as
 * CoreDNS's `forward` + `cache` + `loop` plugins together:
 * - upstreams tried in order, healthy first; one attempt is `attemptTimeoutMs` (UDP, then TCP
 *   when the reply is truncated); a query gives up after `deadlineMs` with SERVFAIL;
 * - an upstream failing twice in a row is down for 10 s; while every upstream is down,
 *   queries get SERVFAIL at once, except one real query per second that tests them again;
 * - no upstream (`--dns-upstream none`): SERVFAIL at once;
 * - cache, as kubeadm's `cache 30` (9984 entries, CoreDNS's default): every reply from an
 *   upstream leaves with each record's TTL set to the message's lowest, clamped to [5, 30]
 *   (cache-ttl.ts), and NOERROR and NXDOMAIN replies are kept that long, aged on the way out;
 *   a reply from the cache has AA set (CoreDNS's item.toMsg does, for old stub resolvers that
 *   drop non-authoritative answers); AD is cleared unless the query had DO or AD set;
 *   identical queries in flight share one upstream query;
 * - loop protection: before its first use, each upstream is sent an HINFO probe for a random
 *   name; if that name ever comes back in through the socket, queries are looping back into
 *   the cluster DNS, and that upstream is dropped for good (logged).
 * Nothing is sent anywhere until a query asks for it.
 *
 * Metrics (`metrics`), as CoreDNS's forward and cache plugins name them:
 * `coredns_proxy_request_duration_seconds{proxy_name="forward",to,rcode}` per upstream
 * exchange, `coredns_proxy_healthcheck_failures_total{proxy_name="forward",to}` per failed
 * attempt (kubito has no separate health probe: a failed query is the check),
 * `coredns_forward_healthcheck_broken_total` per query failed at once with every upstream
 * down, and `coredns_cache_{hits,misses}_total` / `coredns_cache_entries` with
 * `server="dns://relay"`. A message with opcode STATUS (2) on the socket is answered with a
 * snapshot of them (JSON in TXT strings, see `encodeSnapshot`); the DNS server asks for it on
 * each `/metrics` scrape. Clients cannot send one: the DNS server answers NOTIMP to any opcode
 * but QUERY before it forwards anything.
 */
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { FrameReader, writeFrame } from './framing.js';
import { lowerName } from './names.js';
import { DnsMetrics, observe } from './metrics.js';
import { rcodeName } from './present.js';
import { cacheTtl, CACHE_MAX_TTL } from './cache-ttl.js';
import { formatUpstream, type Upstream } from './upstreams.js';
import { CLASS_IN, parseMessage, RCODE, replyTo, serializeMessage, TYPE, ttlOffsets, WireFormatError, type Message } from './wire.js';

export interface RelayOptions {
  upstreams: Upstream[];
  attemptTimeoutMs?: number;
  deadlineMs?: number;
  cacheSize?: number;
  /** The cap on TTLs, kept and sent (kubeadm's `cache 30`); default 30. */
  maxTtl?: number;
  log?(line: string): void;
  /** Milliseconds clock (tests inject one). */
  now?: () => number;
}

interface Entry {
  buf: Buffer;
  negative: boolean;
  questionEnd: number;
  offsets: number[];
  /** Every record's TTL when stored (cacheTtl). */
  ttl: number;
  stored: number;
  expires: number;
}

interface UpstreamState {
  u: Upstream;
  fails: number;
  downUntil: number;
  probed: boolean;
  looping: boolean;
}

export interface RelayStats {
  cacheHits: number;
  cacheMisses: number;
  forwarded: number;
  failures: number;
  loops: number;
  cacheEntries: number;
  inflight: number;
}

/** The opcode of a metrics request on the relay socket (RFC 1035's STATUS, unused in DNS). */
export const OPCODE_STATUS = 2;
const RELAY_SERVER = 'dns://relay';

/** A metrics snapshot as the TXT strings of one record (each string at most 255 octets). */
export function encodeSnapshot(json: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < json.length; i += 255) out.push(json.slice(i, i + 255));
  return out;
}

function servfail(query: Message): Buffer {
  const m = replyTo(query, RCODE.SERVFAIL);
  m.header.ra = true;
  return serializeMessage(m);
}

export class UpstreamRelay {
  readonly #upstreams: UpstreamState[];
  readonly #attemptMs: number;
  readonly #deadlineMs: number;
  readonly #cacheSize: number;
  readonly #maxTtl: number;
  readonly #log: (line: string) => void;
  readonly #now: () => number;
  #cache = new Map<string, Entry>();
  #inflight = new Map<string, Promise<Buffer | undefined>>();
  #probes = new Map<string, UpstreamState>();
  #lastRetry = -Infinity;
  #server: Server | undefined;
  #path = '';
  #sockets = new Set<Socket>();
  #stats = { cacheHits: 0, cacheMisses: 0, forwarded: 0, failures: 0, loops: 0 };
  readonly metrics = new DnsMetrics(RELAY_SERVER);

  constructor(options: RelayOptions) {
    this.#upstreams = options.upstreams.map((u) => ({ u, fails: 0, downUntil: 0, probed: false, looping: false }));
    this.#attemptMs = options.attemptTimeoutMs ?? 1000;
    this.#deadlineMs = options.deadlineMs ?? 2000;
    this.#cacheSize = options.cacheSize ?? 9984;
    this.#maxTtl = options.maxTtl ?? CACHE_MAX_TTL;
    this.#log = options.log ?? (() => {});
    this.#now = options.now ?? Date.now;
    this.metrics.gauge('coredns_cache_entries', () => {
      let denial = 0;
      for (const e of this.#cache.values()) if (e.negative) denial++;
      return [
        [`server="${RELAY_SERVER}",type="success",view="",zones="."`, this.#cache.size - denial],
        [`server="${RELAY_SERVER}",type="denial",view="",zones="."`, denial],
      ];
    });
  }

  stats(): RelayStats {
    return { ...this.#stats, cacheEntries: this.#cache.size, inflight: this.#inflight.size };
  }

  /** Serves the Unix socket (removing a stale one first). */
  async listen(path: string): Promise<void> {
    rmSync(path, { force: true });
    this.#path = path;
    const server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      const reader = new FrameReader((msg) => {
        void this.resolve(msg).then((reply) => {
          if (reply) writeFrame(socket, reply);
        });
      });
      socket.on('data', (c: Buffer) => reader.push(c));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    this.#server = server;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    if (this.#server) await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
    this.#server = undefined;
    if (this.#path) rmSync(this.#path, { force: true });
  }

  /** One query in, its reply out (same ID), or undefined for a packet not worth a reply. */
  async resolve(raw: Buffer): Promise<Buffer | undefined> {
    let query: Message;
    try {
      query = parseMessage(raw);
    } catch (err) {
      if (!(err instanceof WireFormatError) || raw.length < 12 || (raw[2] & 0x80) !== 0) return undefined;
      const b = Buffer.alloc(12);
      raw.copy(b, 0, 0, 2);
      b[2] = 0x80 | (raw[2] & 0x79);
      b[3] = RCODE.FORMERR;
      return b;
    }
    if (query.header.qr) return undefined;
    if (query.header.opcode === OPCODE_STATUS) return this.#snapshotReply(query);
    if (query.question.length !== 1) return serializeMessage(replyTo(query, RCODE.FORMERR));
    const q = query.question[0];
    const lname = lowerName(q.name);
    const probed = this.#probes.get(lname);
    if (probed) {
      if (!probed.looping) {
        probed.looping = true;
        this.#stats.loops++;
        this.#log(`dns relay: loop detected: upstream ${formatUpstream(probed.u)} sends queries back to the cluster DNS; no longer used`);
      }
      return servfail(query);
    }
    const key = `${lname}|${q.type}|${q.class}|${query.edns?.dnssecOk ? 1 : 0}|${query.header.cd ? 1 : 0}`;
    // AD only for a client that asked for DNSSEC (DO) or set AD itself (RFC 6840 5.7-5.8).
    const keepAd = (query.edns?.dnssecOk ?? false) || query.header.ad;
    const hit = this.#fromCache(key, raw);
    if (hit) {
      this.#stats.cacheHits++;
      this.metrics.inc('coredns_cache_hits_total', `server="${RELAY_SERVER}",type="${hit.negative ? 'denial' : 'success'}",view="",zones="."`);
      if (!keepAd) hit.buf[3] &= ~0x20;
      return hit.buf;
    }
    this.#stats.cacheMisses++;
    this.metrics.inc('coredns_cache_misses_total', `server="${RELAY_SERVER}",view="",zones="."`);
    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = this.#forward(query, raw, key).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    const reply = await pending;
    if (!reply) {
      this.#stats.failures++;
      return servfail(query);
    }
    const out = Buffer.from(reply);
    out.writeUInt16BE(query.header.id, 0);
    if (!keepAd) out[3] &= ~0x20;
    return out;
  }

  /** The metrics snapshot as a TXT reply to a STATUS request. */
  #snapshotReply(query: Message): Buffer {
    const m = replyTo(query);
    m.answer.push({ name: '.', type: TYPE.TXT, class: CLASS_IN, ttl: 0, data: { texts: encodeSnapshot(JSON.stringify(this.metrics.snapshot())) } });
    return serializeMessage(m);
  }

  #fromCache(key: string, raw: Buffer): { buf: Buffer; negative: boolean } | undefined {
    const e = this.#cache.get(key);
    if (!e) return undefined;
    const now = this.#now();
    if (now >= e.expires) {
      this.#cache.delete(key);
      return undefined;
    }
    const out = Buffer.from(e.buf);
    raw.copy(out, 0, 0, 2);
    // The question as the client wrote it (same length: names equal but for case).
    if (raw.length >= e.questionEnd) raw.copy(out, 12, 12, e.questionEnd);
    const ttl = Math.max(0, e.ttl - Math.floor((now - e.stored) / 1000));
    for (const off of e.offsets) out.writeUInt32BE(ttl, off);
    out[2] |= 0x04; // AA, as CoreDNS's cache answers
    return { buf: out, negative: e.negative };
  }

  /**
   * An upstream's reply as the cache plugin passes it on: a copy with every record's TTL set
   * to cacheTtl (a reply this cannot walk goes as it came, and is not kept); NOERROR and
   * NXDOMAIN replies that are not truncated are kept for that long.
   */
  #store(key: string, reply: Buffer, msg: Message): Buffer {
    let layout: { questionEnd: number; offsets: number[] };
    try {
      layout = ttlOffsets(reply);
    } catch {
      return reply;
    }
    const ttl = cacheTtl(msg, this.#maxTtl);
    const out = Buffer.from(reply);
    for (const off of layout.offsets) out.writeUInt32BE(ttl, off);
    const rcode = msg.header.rcode;
    if ((rcode !== RCODE.NOERROR && rcode !== RCODE.NXDOMAIN) || msg.header.tc) return out;
    const negative = rcode === RCODE.NXDOMAIN || msg.answer.length === 0;
    if (this.#cache.size >= this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
    const now = this.#now();
    this.#cache.set(key, { buf: out, negative, questionEnd: layout.questionEnd, offsets: layout.offsets, ttl, stored: now, expires: now + ttl * 1000 });
    return out;
  }

  #candidates(): UpstreamState[] {
    const now = this.#now();
    const usable = this.#upstreams.filter((s) => !s.looping);
    const up = usable.filter((s) => s.downUntil <= now);
    if (up.length > 0) return up;
    // Everything is down: fail fast, but let one query a second find out whether that changed.
    if (now - this.#lastRetry < 1000) {
      if (usable.length > 0) this.metrics.inc('coredns_forward_healthcheck_broken_total', '');
      return [];
    }
    this.#lastRetry = now;
    return usable.slice(0, 1);
  }

  async #forward(query: Message, raw: Buffer, key: string): Promise<Buffer | undefined> {
    const deadline = this.#now() + this.#deadlineMs;
    for (const s of this.#candidates()) {
      const left = deadline - this.#now();
      if (left <= 0) break;
      if (!s.probed) this.#probe(s);
      this.#stats.forwarded++;
      const to = `proxy_name="forward",to="${formatUpstream(s.u).replace(/["\\]/g, '')}"`;
      const started = performance.now();
      const reply = await this.#exchange(s.u, raw, query, Math.min(this.#attemptMs, left));
      if (!reply) {
        this.metrics.inc('coredns_proxy_healthcheck_failures_total', to);
        if (++s.fails >= 2) s.downUntil = this.#now() + 10_000;
        continue;
      }
      observe(this.metrics.histogram('coredns_proxy_request_duration_seconds', `${to},rcode="${rcodeName(reply.msg.header.rcode)}"`), (performance.now() - started) / 1000);
      s.fails = 0;
      s.downUntil = 0;
      return this.#store(key, reply.buf, reply.msg);
    }
    return undefined;
  }

  #probe(s: UpstreamState): void {
    s.probed = true;
    const name = `${randomBytes(4).toString('hex')}.${randomBytes(4).toString('hex')}.loop.kubito.invalid.`;
    this.#probes.set(name, s);
    const header = { id: randomBytes(2).readUInt16BE(0), qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0 };
    const probe = serializeMessage({ header, question: [{ name, type: TYPE.HINFO, class: CLASS_IN }], answer: [], authority: [], additional: [] });
    void this.#udp(s.u, probe, this.#attemptMs);
  }

  /** One upstream attempt: UDP with a fresh random ID and port, TCP if the reply is truncated. */
  async #exchange(u: Upstream, raw: Buffer, query: Message, timeoutMs: number): Promise<{ buf: Buffer; msg: Message } | undefined> {
    const id = randomBytes(2).readUInt16BE(0);
    const out = Buffer.from(raw);
    out.writeUInt16BE(id, 0);
    const check = (buf: Buffer | undefined): { buf: Buffer; msg: Message } | undefined => {
      if (!buf) return undefined;
      try {
        const msg = parseMessage(buf);
        const q = msg.question[0];
        const want = query.question[0];
        if (msg.header.id !== id || !msg.header.qr || !q || lowerName(q.name) !== lowerName(want.name) || q.type !== want.type) return undefined;
        return { buf, msg };
      } catch {
        return undefined;
      }
    };
    const started = this.#now();
    const udp = check(await this.#udp(u, out, timeoutMs));
    if (!udp || !udp.msg.header.tc) return udp;
    return check(await this.#tcp(u, out, Math.max(1, timeoutMs - (this.#now() - started)))) ?? udp;
  }

  #udp(u: Upstream, msg: Buffer, timeoutMs: number): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const sock = createSocket(u.host.includes(':') ? 'udp6' : 'udp4');
      let done = false;
      const finish = (buf: Buffer | undefined): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.close();
        resolve(buf);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      sock.on('error', () => finish(undefined));
      sock.on('message', (buf, rinfo) => {
        if (rinfo.port === u.port && buf.length >= 2 && buf.readUInt16BE(0) === msg.readUInt16BE(0)) finish(buf);
      });
      sock.send(msg, u.port, u.host, (err) => err && finish(undefined));
    });
  }

  #tcp(u: Upstream, msg: Buffer, timeoutMs: number): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const sock = connect({ host: u.host, port: u.port });
      let done = false;
      const finish = (buf: Buffer | undefined): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.destroy();
        resolve(buf);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const reader = new FrameReader((m) => finish(m));
      sock.on('connect', () => writeFrame(sock, msg));
      sock.on('data', (c: Buffer) => reader.push(c));
      sock.on('error', () => finish(undefined));
      sock.on('close', () => finish(undefined));
    });
  }
}
