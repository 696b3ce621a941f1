/**
 * @module The DNS server: UDP and TCP listeners on one address (port 53 in the node's
 * namespace), answering from the answer function, forwarding the rest through the relay, and
 * serving `/metrics`, `/health` and `/ready` over HTTP as CoreDNS's prometheus, health and
 * ready plugins.
 *
 * Hot path: a reply for an authoritative answer is kept, as bytes, under its exact question
 * (case included), RD/CD bits, transport and EDNS buffer size; a repeated query is answered by
 * copying those bytes and its ID. The cache is dropped whenever the record source changes, so
 * it never serves anything the answer function would not (kubeadm disables caching for the
 * cluster zone for that reason, kubernetes#128359). Forwarded answers are cached by the relay.
 *
 * Robustness: `handle` never throws. Anything shorter than a header, or with QR set, is
 * dropped; anything else malformed gets FORMERR; unknown opcodes NOTIMP; EDNS versions other
 * than 0 BADVERS. UDP replies larger than the client's buffer (512 without EDNS) are truncated
 * with TC set; TCP connections carry length-framed messages, may pipeline, idle out after 10 s.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { answer, completeChase, type AnswerConfig } from './answer.js';
import { FrameReader, writeFrame } from './framing.js';
import { DnsMetrics } from './metrics.js';
import { rcodeName } from './present.js';
import type { RecordSource } from './records.js';
import { CLASS_IN, parseMessage, RCODE, replyTo, serializeMessage, TYPE, typeName, WireFormatError, type Message } from './wire.js';

export interface Relay {
  /** Resolves to the reply (same ID) or undefined when no upstream answered. */
  query(msg: Buffer): Promise<Buffer | undefined>;
}

export interface DnsServerOptions {
  source: RecordSource;
  config: AnswerConfig;
  relay?: Relay;
  host: string;
  /** DNS port, UDP and TCP (0 picks one: the TCP port follows the UDP one). Default 53. */
  port?: number;
  /** `/metrics` port (CoreDNS 9153), `/health` (8080), `/ready` (8181); undefined: not served. */
  metricsPort?: number;
  healthPort?: number;
  readyPort?: number;
  /** Bytes cached answers may take; default 10,000 entries. */
  cacheEntries?: number;
  log?(line: string): void;
}

/** The EDNS buffer size kubito advertises (DNS flag day 2020). */
export const EDNS_SIZE = 1232;
const UDP_MAX = 65507;
const MAX_TCP_CONNECTIONS = 1000;
const TCP_IDLE_MS = 10_000;
const METRIC_TYPES = new Set(['A', 'AAAA', 'MX', 'SOA', 'CNAME', 'PTR', 'TXT', 'NS', 'SRV', 'HINFO', 'IXFR', 'AXFR', 'ANY', 'HTTPS']);

interface Cached {
  buf: Buffer;
  type: string;
  rcode: string;
  negative: boolean;
}

type Reply = (buf: Buffer) => void;

export class DnsServer {
  readonly #o: DnsServerOptions;
  readonly metrics: DnsMetrics;
  #cache = new Map<string, Cached>();
  #udp: UdpSocket | undefined;
  #tcp: TcpServer | undefined;
  #http: HttpServer[] = [];
  #connections = new Set<Socket>();
  #inflight = 0;
  #dropped = 0;
  readonly #cacheEntries: number;
  #ports = { dns: 0, metrics: 0, health: 0, ready: 0 };

  constructor(options: DnsServerOptions) {
    this.#o = options;
    this.#cacheEntries = options.cacheEntries ?? 10_000;
    this.metrics = new DnsMetrics(`dns://:${options.port ?? 53}`);
    this.metrics.gauge('coredns_cache_entries', () => [[`server="${this.metrics.server}",type="success",view="",zones="."`, this.#cache.size]]);
  }

  /** Drops every cached answer (the record source changed). */
  invalidate(): void {
    if (this.#cache.size) this.#cache.clear();
  }

  stats(): { cacheEntries: number; inflight: number; dropped: number; tcpConnections: number } {
    return { cacheEntries: this.#cache.size, inflight: this.#inflight, dropped: this.#dropped, tcpConnections: this.#connections.size };
  }

  ports(): { dns: number; metrics: number; health: number; ready: number } {
    return { ...this.#ports };
  }

  async start(): Promise<void> {
    const o = this.#o;
    const udp = createSocket({ type: o.host.includes(':') ? 'udp6' : 'udp4' });
    udp.on('message', (buf, rinfo) => this.handle(buf, { proto: 'udp', family: rinfo.family === 'IPv6' ? 2 : 1 }, (out) => udp.send(out, rinfo.port, rinfo.address)));
    udp.on('error', (err) => o.log?.(`dns udp: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(o.port ?? 53, o.host, () => resolve());
    });
    this.#udp = udp;
    try {
      udp.setRecvBufferSize(4 << 20);
      udp.setSendBufferSize(4 << 20);
    } catch {
      // Best effort: the kernel caps them (net.core.rmem_max).
    }
    const port = (udp.address() as AddressInfo).port;
    this.#ports.dns = port;
    const tcp = createTcpServer((socket) => this.#onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, o.host, () => resolve());
    });
    this.#tcp = tcp;
    if (o.metricsPort !== undefined) this.#ports.metrics = await this.#serveHttp(o.metricsPort, '/metrics', () => [200, this.metrics.render()]);
    if (o.healthPort !== undefined) this.#ports.health = await this.#serveHttp(o.healthPort, '/health', () => [200, 'OK']);
    if (o.readyPort !== undefined) this.#ports.ready = await this.#serveHttp(o.readyPort, '/ready', () => (o.source.synced() ? [200, 'OK'] : [503, 'kubernetes']));
  }

  async #serveHttp(port: number, path: string, body: () => [number, string]): Promise<number> {
    const server = createHttpServer((req, res) => {
      if (req.url !== path) {
        res.writeHead(404).end('404 page not found\n');
        return;
      }
      const [code, text] = body();
      res.writeHead(code, { 'content-type': path === '/metrics' ? 'text/plain; version=0.0.4' : 'text/plain; charset=utf-8' }).end(text);
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
    for (const s of this.#connections) s.destroy();
    await Promise.all([
      new Promise<void>((resolve) => (this.#udp ? this.#udp.close(() => resolve()) : resolve())),
      new Promise<void>((resolve) => (this.#tcp ? this.#tcp.close(() => resolve()) : resolve())),
      ...this.#http.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    ]);
    this.#udp = undefined;
    this.#tcp = undefined;
    this.#http = [];
  }

  /**
   * Answers one message. `reply` gets the reply bytes (at once for local answers, later for
   * forwarded ones) or is never called (dropped). Never throws.
   */
  handle(buf: Buffer, ctx: { proto: 'udp' | 'tcp'; family: number }, reply: Reply): void {
    const t0 = performance.now();
    if (buf.length < 12 || (buf[2] & 0x80) !== 0) {
      this.#dropped++;
      return;
    }
    const key = this.#fastKey(buf, ctx.proto);
    if (key !== undefined) {
      const hit = this.#cache.get(key);
      if (hit) {
        const out = Buffer.allocUnsafe(hit.buf.length);
        hit.buf.copy(out);
        out[0] = buf[0];
        out[1] = buf[1];
        reply(out);
        this.metrics.inc('coredns_cache_hits_total', `server="${this.metrics.server}",type="${hit.negative ? 'denial' : 'success'}",view="",zones="."`);
        this.#count(ctx, hit.type, hit.rcode, 'kubernetes', t0);
        return;
      }
      this.metrics.inc('coredns_cache_misses_total', `server="${this.metrics.server}",view="",zones="."`);
    }
    try {
      this.#slow(buf, ctx, key, t0, reply);
    } catch (err) {
      // Not expected (the codec throws only WireFormatError, handled below); answer anyway.
      this.#o.log?.(`dns: ${err instanceof Error ? err.message : String(err)}`);
      this.#formerr(buf, RCODE.SERVFAIL, reply);
    }
  }

  #count(ctx: { proto: string; family: number }, type: string, rcode: string, plugin: string, t0: number): void {
    this.metrics.request({ zone: '.', proto: ctx.proto, family: ctx.family, type, rcode, plugin, seconds: (performance.now() - t0) / 1000 });
  }

  /**
   * The cache key of a plain query (one question without compression, no other records but
   * an optional well-formed EDNS0 OPT of version 0), or undefined for anything else.
   */
  #fastKey(buf: Buffer, proto: string): string | undefined {
    if ((buf[2] & 0x78) !== 0 || buf[4] !== 0 || buf[5] !== 1 || buf[6] !== 0 || buf[7] !== 0 || buf[8] !== 0 || buf[9] !== 0 || buf[10] !== 0 || buf[11] > 1) return undefined;
    let pos = 12;
    for (;;) {
      if (pos >= buf.length) return undefined;
      const len = buf[pos];
      if (len === 0) break;
      if (len > 63) return undefined;
      pos += len + 1;
      if (pos > 12 + 254) return undefined;
    }
    const qend = pos + 5;
    if (qend > buf.length) return undefined;
    let limit = proto === 'tcp' ? 65535 : 512;
    let edns = '';
    if (buf[11] === 1) {
      if (qend + 11 > buf.length || buf[qend] !== 0 || buf.readUInt16BE(qend + 1) !== TYPE.OPT || buf[qend + 6] !== 0) return undefined;
      const rdlen = buf.readUInt16BE(qend + 9);
      if (qend + 11 + rdlen !== buf.length) return undefined;
      for (let p = qend + 11; p < buf.length; ) {
        if (p + 4 > buf.length) return undefined;
        p += 4 + buf.readUInt16BE(p + 2);
        if (p > buf.length) return undefined;
      }
      if (proto === 'udp') limit = Math.min(UDP_MAX, Math.max(512, buf.readUInt16BE(qend + 3)));
      edns = `e${buf[qend + 7] & 0x80}`;
    } else if (qend !== buf.length) return undefined;
    return `${proto}${limit}${edns}|${buf[2] & 0x01}${buf[3] & 0x10}|${buf.toString('latin1', 12, qend)}`;
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

  #finish(query: Message, m: Message, proto: string): Buffer {
    if (query.edns) m.edns = { udpSize: EDNS_SIZE, version: 0, dnssecOk: query.edns.dnssecOk, options: [] };
    return serializeMessage(m, { maxSize: this.#limit(query, proto) });
  }

  #slow(buf: Buffer, ctx: { proto: 'udp' | 'tcp'; family: number }, key: string | undefined, t0: number, reply: Reply): void {
    let query: Message;
    try {
      query = parseMessage(buf);
    } catch (err) {
      if (!(err instanceof WireFormatError)) throw err;
      this.#formerr(buf, RCODE.FORMERR, reply);
      this.#count(ctx, 'other', 'FORMERR', '', t0);
      return;
    }
    const fail = (rcode: number): void => {
      const m = replyTo(query, rcode);
      reply(this.#finish(query, m, ctx.proto));
      this.#count(ctx, 'other', rcodeName(rcode), '', t0);
    };
    if (query.header.opcode !== 0) return fail(RCODE.NOTIMP);
    if (query.edns && query.edns.version !== 0) return fail(RCODE.BADVERS);
    if (query.question.length !== 1) return fail(RCODE.FORMERR);
    const q = query.question[0];
    const type = METRIC_TYPES.has(typeName(q.type)) ? typeName(q.type) : 'other';
    const outcome = q.class === CLASS_IN ? answer(query, this.#o.source, this.#o.config) : { kind: 'forward' as const };
    if (outcome.kind === 'reply') {
      const out = this.#finish(query, outcome.message, ctx.proto);
      const rcode = rcodeName(outcome.message.header.rcode);
      if (key !== undefined && this.#o.source.synced()) {
        if (this.#cache.size >= this.#cacheEntries) this.#cache.clear();
        this.#cache.set(key, { buf: out, type, rcode, negative: outcome.message.answer.length === 0 });
      }
      reply(out);
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
        if (res.length <= this.#limit(query, ctx.proto)) return done(res, rcode, 'forward');
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
      done(this.#finish(query, m, ctx.proto), rcodeName(m.header.rcode), 'kubernetes');
    }, () => done(servfail(), 'SERVFAIL', 'kubernetes'));
  }
}
