/**
 * @module The DNS server's batched UDP transport: src/dns/native/udp-mmsg.c reads up to 64
 * datagrams per recvmmsg into its own buffers and calls `#onBatch` once; each datagram goes
 * to `onMessage` with a reply function; the replies given at once are written into the
 * module's output slots and leave together by one sendmmsg when the batch ends.
 *
 * Buffer lifetimes (the module reuses its buffers for the next batch): a datagram's bytes are
 * valid during `onMessage` only (server.ts copies before anything asynchronous); a reply that
 * comes later (a forwarded query's) is sent on its own by `sendTo`, to the sender's address
 * copied when `onMessage` returned without a reply. Replies longer than a slot (4096 bytes:
 * EDNS clients may allow up to 65507) are sent on their own at once. Datagrams the kernel cut
 * at a slot (queries over 4096 bytes, which no resolver sends) are dropped and counted.
 *
 * Reply cache (native/answer-cache.h, on when `bind` is given bounds): a reply given with a
 * cache class is kept by the module under its query's bytes after the ID; the same query
 * later is answered in C, in the same sendmmsg batch, and never reaches `onMessage` (a batch
 * answered whole never calls JS). Those hits are counted in C per class (`replyCache.take()`).
 */
import { observe, type Histogram } from './metrics.js';
import type { ReplyCache, ReplyCacheHits, UdpHandlers, UdpTransport } from './udp-transport.js';

/** The compiled module's exports (see the C file's header for the contract). */
export interface NativeModule {
  bind(host: string, port: number, onBatch: (n: number) => void): NativeSocket;
  send(handle: unknown, n: number): number;
  sendTo(handle: unknown, out: Buffer, name: Buffer): number;
  close(handle: unknown): void;
  cacheConfigure(handle: unknown, maxEntries: number, maxBytes: number): void;
  cacheClear(handle: unknown): void;
  BATCH: number;
  CLASSES: number;
  STRIDE: number;
  TIME_BUCKETS: number;
  SLOT: number;
  META: number;
  NAME: number;
}

interface NativeSocket {
  handle: unknown;
  port: number;
  family: number;
  input: ArrayBuffer;
  output: ArrayBuffer;
  meta: ArrayBuffer;
  names: ArrayBuffer;
  counters: ArrayBuffer;
  cacheStats: ArrayBuffer;
}

/** The module's counters, cumulative since the bind. */
export interface NativeCounters {
  received: number;
  sent: number;
  sendErrors: number;
  receiveErrors: number;
  truncated: number;
  /** The last error's errno (0: none yet). */
  lastErrno: number;
  /** Queries answered from the reply cache, replies kept, clears by JS, starts-over when full. */
  cacheHits: number;
  cacheStored: number;
  cacheClears: number;
  cacheResets: number;
  cacheEntries: number;
  cacheBytes: number;
  /** Readable events, recvmmsg calls that read (received / batches: the mean batch), JS calls. */
  wakeups: number;
  batches: number;
  jsCalls: number;
}

/** The module's reply cache, read and cleared from JS (see the module doc). */
class NativeReplyCache implements ReplyCache {
  readonly classes: number;
  readonly #m: NativeModule;
  readonly #handle: unknown;
  readonly #counters: Float64Array;
  readonly #stats: Float64Array;
  /** cacheStats as of the last `take` (they are cumulative in C). */
  readonly #seen: Float64Array;

  constructor(m: NativeModule, handle: unknown, s: NativeSocket) {
    this.#m = m;
    this.#handle = handle;
    this.classes = m.CLASSES;
    this.#counters = new Float64Array(s.counters);
    this.#stats = new Float64Array(s.cacheStats);
    this.#seen = new Float64Array(this.#stats.length);
  }

  clear(): void {
    this.#m.cacheClear(this.#handle);
  }

  status(): { entries: number; bytes: number; hits: number } {
    return { entries: this.#counters[10], bytes: this.#counters[11], hits: this.#counters[6] };
  }

  take(): ReplyCacheHits[] {
    const { STRIDE, TIME_BUCKETS } = this.#m;
    const st = this.#stats;
    const seen = this.#seen;
    const out: ReplyCacheHits[] = [];
    for (let cls = 0, at = 0; cls < this.classes; cls++, at += STRIDE) {
      const count = st[at + 3 + TIME_BUCKETS] - seen[at + 3 + TIME_BUCKETS];
      if (count === 0) continue;
      const counts: number[] = [];
      for (let b = 0; b < TIME_BUCKETS; b++) counts.push(st[at + 2 + b] - seen[at + 2 + b]);
      out.push({ cls, hits4: st[at] - seen[at], hits6: st[at + 1] - seen[at + 1], counts, sum: st[at + 2 + TIME_BUCKETS] - seen[at + 2 + TIME_BUCKETS], count });
      seen.set(st.subarray(at, at + STRIDE), at);
    }
    return out;
  }
}

export class NativeUdp implements UdpTransport {
  readonly kind = 'native' as const;
  readonly #m: NativeModule;
  readonly #handle: unknown;
  readonly #port: number;
  readonly #input: Buffer;
  readonly #output: Buffer;
  readonly #names: Buffer;
  readonly #meta: Int32Array;
  readonly #counters: Float64Array;
  readonly #onMessage: UdpHandlers['onMessage'];
  #open = true;
  /** Batch number; a reply function from another batch (or after it) sends on its own. */
  #batch = 0;
  #inBatch = false;
  #start = 0;
  #timed: Histogram[] = [];
  readonly replyCache: NativeReplyCache | undefined;

  private constructor(m: NativeModule, s: NativeSocket, onMessage: UdpHandlers['onMessage'], cache: boolean) {
    this.#m = m;
    this.#handle = s.handle;
    this.#port = s.port;
    this.#input = Buffer.from(s.input);
    this.#output = Buffer.from(s.output);
    this.#names = Buffer.from(s.names);
    this.#meta = new Int32Array(s.meta);
    this.#counters = new Float64Array(s.counters);
    this.#onMessage = onMessage;
    this.replyCache = cache ? new NativeReplyCache(m, s.handle, s) : undefined;
  }

  /**
   * Binds `host:port` (an IP literal; 0: any port). Throws as the bind failed (err.code).
   * `replyCache`: the module's reply cache bounds (entries, bytes); undefined or 0: no cache.
   */
  static bind(m: NativeModule, host: string, port: number, o: Pick<UdpHandlers, 'onMessage'> & { replyCache?: { entries: number; bytes: number } }): NativeUdp {
    let self: NativeUdp | undefined;
    const s = m.bind(host, port, (n) => {
      if (self) self.#onBatch(n);
    });
    const bounds = o.replyCache;
    // A module built before the cache (no cacheConfigure) serves without one.
    const cache = bounds !== undefined && bounds.entries > 0 && bounds.bytes > 0 && typeof m.cacheConfigure === 'function';
    try {
      if (cache) m.cacheConfigure(s.handle, bounds.entries, bounds.bytes);
    } catch (err) {
      m.close(s.handle);
      throw err;
    }
    self = new NativeUdp(m, s, o.onMessage, cache);
    return self;
  }

  port(): number {
    return this.#port;
  }

  get start(): number {
    return this.#start;
  }

  timeAtFlush(h: Histogram): void {
    this.#timed.push(h);
  }

  counters(): NativeCounters {
    const c = this.#counters;
    return { received: c[0], sent: c[1], sendErrors: c[2], receiveErrors: c[3], truncated: c[4], lastErrno: c[5], cacheHits: c[6], cacheStored: c[7], cacheClears: c[8], cacheResets: c[9], cacheEntries: c[10], cacheBytes: c[11], wakeups: c[12], batches: c[13], jsCalls: c[14] };
  }

  #onBatch(n: number): void {
    const m = this.#m;
    const { SLOT, META, NAME } = m;
    const meta = this.#meta;
    const batch = ++this.#batch;
    this.#start = performance.now();
    this.#inBatch = true;
    try {
      for (let i = 0; i < n && this.#open; i++) {
        const mi = i * META;
        // 1: cut at SLOT bytes by the kernel (not the query sent); 2: answered by the cache.
        if (meta[mi + 2] !== 0) continue;
        const at = i * SLOT;
        let name: Buffer | undefined;
        const reply = (out: Buffer, cacheClass?: number): void => {
          if (batch === this.#batch && this.#inBatch) this.#put(i, out, cacheClass);
          else if (name && this.#open) m.sendTo(this.#handle, out, name);
        };
        this.#onMessage(this.#input.subarray(at, at + meta[mi]), meta[mi + 1], reply);
        // No reply yet: it may come later, when this slot holds another sender's address.
        if (meta[mi + 3] === 0) name = Buffer.from(this.#names.subarray(i * NAME, (i + 1) * NAME));
      }
    } finally {
      this.#inBatch = false;
      if (this.#open) m.send(this.#handle, n);
      const now = performance.now();
      const seconds = (now - this.#start) / 1000;
      const timed = this.#timed;
      for (let i = 0; i < timed.length; i++) observe(timed[i], seconds);
      timed.length = 0;
    }
  }

  /** Slot `i`'s reply: into its output slot, or on its own when longer than a slot. */
  #put(i: number, out: Buffer, cacheClass: number | undefined): void {
    const m = this.#m;
    if (out.length <= m.SLOT) {
      this.#output.set(out, i * m.SLOT);
      this.#meta[i * m.META + 3] = out.length;
      if (cacheClass !== undefined && this.replyCache && cacheClass >= 0 && cacheClass < m.CLASSES) this.#meta[i * m.META + 4] = cacheClass;
    } else if (this.#open) {
      m.sendTo(this.#handle, out, this.#names.subarray(i * m.NAME, (i + 1) * m.NAME));
      this.#meta[i * m.META + 3] = -1; // answered (its address need not be kept)
    }
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.#m.close(this.#handle);
    // libuv closes the poll handle (and the module the fd) in this loop iteration's close
    // phase, which runs before the next iteration's check phase.
    await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
  }
}
