/**
 * @module The DNS server's UDP transport, behind one small interface: Node's dgram
 * (udp-batch.ts) or kubito's batched recvmmsg/sendmmsg module (udp-native.ts, one of kubito's native parts,
 * C, built by scripts/build-native.js into build/dns-udp.node). `bindUdp` picks native when
 * the module loads and binds, dgram otherwise; KUBITO_DNS_UDP=dgram|native forces one (a
 * forced native that cannot load fails instead of falling back: tests and benches must know).
 */
import { isIP } from 'node:net';
import { builtPath, loadAddon } from '../native/built.js';
import type { Histogram } from './metrics.js';
import { UdpBatch } from './udp-batch.js';
import { NativeUdp, type NativeModule } from './udp-native.js';

export type UdpKind = 'dgram' | 'native';
/** `auto`: native when it loads and binds, else dgram. */
export type UdpChoice = UdpKind | 'auto';

/**
 * Sends one reply to the datagram's sender: now (with its batch) or later (forwarded queries).
 * `cacheClass` (0 <= n < the transport's `replyCache.classes`): the reply may be kept by the
 * transport and sent again, ID patched, for the same query bytes, until `replyCache.clear()`;
 * its hits count under that metric class. Undefined (or a reply that comes later): not kept.
 */
export type UdpReply = (out: Buffer, cacheClass?: number) => void;

/** One metric class's hits answered by the transport itself since the last `take`. */
export interface ReplyCacheHits {
  cls: number;
  /** Hits from IPv4 (family 1) and IPv6 (family 2) clients. */
  hits4: number;
  hits6: number;
  /** Per-bucket counts of the hits' durations (metrics.ts TIME_BUCKETS), their sum and count. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * The replies a transport answers without calling `onMessage` (the native transport's cache,
 * native/answer-cache.h). The owner must `clear()` it on every change of what replies depend on.
 */
export interface ReplyCache {
  /** How many metric classes `UdpReply` may name. */
  readonly classes: number;
  clear(): void;
  /** Entries and bytes held now; queries answered from it since the bind. */
  status(): { entries: number; bytes: number; hits: number };
  /** The hits since the last call, per class with any. */
  take(): ReplyCacheHits[];
}

export interface UdpHandlers {
  /**
   * One datagram. `buf` is valid only during the call (the native transport reuses it for the
   * next batch): copy what is kept. `family` 1 for IPv4, 2 for IPv6 (CoreDNS's label).
   */
  onMessage(buf: Buffer, family: number, reply: UdpReply): void;
  /** A socket error after the bind (dgram's 'error'); the native transport counts its own. */
  onError(err: Error): void;
}

/** A bound UDP socket that reads datagrams and sends replies in batches. */
export interface UdpTransport {
  readonly kind: UdpKind;
  port(): number;
  /** When the batch being read began (performance.now()): cache hits are timed from there. */
  readonly start: number;
  /** Observes `h` with the batch's duration when the batch's replies leave. */
  timeAtFlush(h: Histogram): void;
  /** The transport's own reply cache, when it has one and it is on (native only). */
  readonly replyCache: ReplyCache | undefined;
  /** Sends what waits, then closes; replies after that (forwarded ones) are dropped. */
  close(): Promise<void>;
}

/** Where `npm run build` puts the module: <package root>/build/dns-udp.node. */
export function defaultModulePath(): string {
  return builtPath('dns-udp.node');
}

/** The native module at `path`, or why not (absent, wrong ABI, not a module of ours). */
export function loadNative(path = defaultModulePath()): NativeModule | Error {
  return loadAddon<NativeModule>(path, "kubito's DNS UDP module", (m) => typeof m.bind === 'function' && typeof m.send === 'function' && typeof m.SLOT === 'number');
}

/** Whether the native transport's reply cache is on: yes unless KUBITO_DNS_NATIVE_CACHE=0. */
export function nativeCacheFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.KUBITO_DNS_NATIVE_CACHE !== '0';
}

/** The transport asked for by KUBITO_DNS_UDP (`auto` when unset or unknown). */
export function udpChoiceFromEnv(env: NodeJS.ProcessEnv = process.env): UdpChoice {
  const v = env.KUBITO_DNS_UDP;
  return v === 'dgram' || v === 'native' ? v : 'auto';
}

function isAddressError(err: unknown): boolean {
  return err instanceof Error && 'code' in err && (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL');
}

/**
 * Binds `host:port` (0: any port) with the chosen transport. Under `auto`, native is skipped
 * (with `o.fellBack` told why) when the module is absent or fails to load, or `host` is not
 * an IP literal; a native bind failing for the address (in use, not allowed) throws as dgram's
 * would, anything else falls back to dgram.
 */
export async function bindUdp(host: string, port: number, o: UdpHandlers & { choice?: UdpChoice; modulePath?: string; fellBack?(why: string): void; replyCache?: { entries: number; bytes: number } }): Promise<UdpTransport> {
  const choice = o.choice ?? udpChoiceFromEnv();
  if (choice === 'dgram') return UdpBatch.bind(host, port, o);
  const mod = loadNative(o.modulePath);
  let why: string;
  if (mod instanceof Error) why = mod.message;
  else if (!isIP(host)) why = `${host} is not an IP literal`;
  else {
    try {
      return NativeUdp.bind(mod, host, port, o);
    } catch (err) {
      if (choice === 'native' || isAddressError(err)) throw err;
      why = err instanceof Error ? err.message : String(err);
    }
  }
  if (choice === 'native') throw new Error(`KUBITO_DNS_UDP=native: ${why}`);
  o.fellBack?.(why);
  return UdpBatch.bind(host, port, o);
}
