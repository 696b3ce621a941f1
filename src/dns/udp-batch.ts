/**
 * @module The DNS server's UDP transport over Node's dgram (the fallback when the native one,
 * udp-native.ts, is not built; see udp-transport.ts), with batched replies. Replies are queued and sent
 * together once the event loop has read what the socket held (libuv reads up to 32 datagrams
 * per wake-up; a `setImmediate` runs right after): back-to-back sends wake the client once per
 * batch rather than once per reply (Node 20 has no sendmmsg; a bare Node echo server went from
 * 8.5 to 7.4 µs of CPU per query with it). At most `MAX_WAITING` replies wait.
 *
 * Cache hits are timed per batch: from the batch's first datagram to its flush, which is when
 * each of those replies leaves (an upper bound for each), at two clock reads per batch instead
 * of two per query (~100 ns each on this VM).
 *
 * Sends skip dgram's asynchronous lookup: every reply goes to the address a query came from,
 * an IP literal of the socket's family.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { observe, type Histogram } from './metrics.js';
import type { UdpHandlers, UdpTransport } from './udp-transport.js';

const MAX_WAITING = 64;

/**
 * dgram's lookup for a socket that sends only to IP literals of its own family: dgram's
 * default defers each send by a tick through dns.lookup even for a literal, and `isIP` costs a
 * regular-expression test per send (~55 ns). dgram passes the socket's family (4 or 6) as
 * `family`. Until `literal.only` is set (after the bind, whose host may be a name), addresses
 * are checked and names looked up.
 */
function literalLookup(literal: { only: boolean }): (address: string, family: number, callback: (err: Error | null, address: string, family: number) => void) => void {
  return (address, family, callback) => {
    if (literal.only) return callback(null, address, family);
    const f = isIP(address);
    if (f) callback(null, address, f);
    else dnsLookup(address, family, callback as never);
  };
}

export class UdpBatch implements UdpTransport {
  readonly kind = 'dgram' as const;
  /** dgram has no reply cache: every datagram goes to `onMessage` (server.ts caches in JS). */
  readonly replyCache = undefined;
  #socket: Socket | undefined;
  /** Replies waiting for the flush: (bytes, port, address) triples. */
  #queue: Array<Buffer | number | string> = [];
  #spare: Array<Buffer | number | string> = [];
  #flushing = false;
  #start = 0;
  /** Duration histograms of the cache hits in the waiting batch, observed at the flush. */
  #timed: Histogram[] = [];

  /**
   * Binds `host:port` (0: any port; receive and send buffers 4 MiB, as the kernel allows) and
   * calls `onMessage` per datagram; a socket error after the bind goes to `onError`.
   */
  static async bind(host: string, port: number, o: UdpHandlers): Promise<UdpBatch> {
    const literal = { only: false };
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', lookup: literalLookup(literal) as never });
    const batch = new UdpBatch();
    socket.on('message', (buf, rinfo) => {
      if (!batch.#flushing) batch.#start = performance.now();
      o.onMessage(buf, rinfo.family === 'IPv6' ? 2 : 1, (out) => batch.send(out, rinfo.port, rinfo.address));
    });
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => {
        socket.close();
        reject(err);
      };
      socket.once('error', fail);
      socket.bind(port, host, () => {
        socket.off('error', fail);
        resolve();
      });
    });
    socket.on('error', o.onError);
    literal.only = true;
    try {
      socket.setRecvBufferSize(4 << 20);
      socket.setSendBufferSize(4 << 20);
    } catch {
      // Best effort: the kernel caps them (net.core.rmem_max).
    }
    batch.#socket = socket;
    return batch;
  }

  port(): number {
    return this.#socket?.address().port ?? 0;
  }

  /** When the waiting batch's first datagram came (performance.now()). */
  get start(): number {
    return this.#start;
  }

  /** Queues a reply; it leaves with the batch. Dropped once closed. */
  send(out: Buffer, port: number, address: string): void {
    const q = this.#queue;
    q.push(out, port, address);
    if (q.length >= MAX_WAITING * 3) this.flush();
    else if (!this.#flushing) {
      this.#flushing = true;
      setImmediate(this.flush);
    }
  }

  /** Observes `h` with the batch's duration when the batch is sent. */
  timeAtFlush(h: Histogram): void {
    this.#timed.push(h);
  }

  /** Sends the waiting replies now and times the batch's hits. */
  readonly flush = (): void => {
    this.#flushing = false;
    const q = this.#queue;
    if (q.length === 0) return;
    this.#queue = this.#spare;
    this.#spare = q;
    const socket = this.#socket;
    if (socket) for (let i = 0; i < q.length; i += 3) socket.send(q[i] as Buffer, q[i + 1] as number, q[i + 2] as string);
    q.length = 0;
    // A flush before the setImmediate (a full queue) starts the next batch's clock too.
    const now = performance.now();
    const timed = this.#timed;
    const seconds = (now - this.#start) / 1000;
    for (let i = 0; i < timed.length; i++) observe(timed[i], seconds);
    timed.length = 0;
    this.#start = now;
  };

  /** Sends what waits, then closes; later replies (forwarded ones) are dropped. */
  async close(): Promise<void> {
    this.flush();
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
