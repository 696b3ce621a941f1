/**
 * @module The server's cache of encoded authoritative replies, looked up straight from the
 * query bytes (no parse, no string built, no allocation on a hit but the reply's copy).
 *
 * Key: the question (name compared case-insensitively, type, class) plus everything else the
 * reply depends on: transport, the UDP size limit, EDNS present, its size (echoed) and DO bit,
 * RD and CD. Only plain queries have a key (`probeQuery`): one question, no compression
 * pointer, no records but an optional well-formed EDNS0 OPT of version 0 without an option
 * the reply echoes (a cookie); anything else takes the full path.
 *
 * Case: CoreDNS echoes the query's case in owner names. An entry is *patchable* when its reply
 * depends on the question's case only through the question itself (answers point at it by
 * compression): the server proves that, by answering the all-lower and the all-upper spelling
 * and finding the two replies equal outside the question's name, once a second spelling of a
 * cached question comes (`otherSpelling`; most clients never vary case, and the proof costs
 * two more answers). A patchable entry serves any spelling, with the query's name bytes copied
 * over the question; any other entry serves only the exact bytes it was made for.
 *
 * Invalidation: the owner calls `clear()` when the record source changes (the server also
 * compares the source's generation on every probe), so an entry never outlives its data.
 */

import type { AddressSets } from './loadbalance.js';

/** What `probeQuery` learns about a plain query. */
export interface QueryKey {
  /** Hash of the lower-cased question and the other key fields. */
  hash: number;
  /** Offset just past the question name's root label (the name is 12..nameEnd). */
  nameEnd: number;
  /** Offset just past the question (type and class). */
  qend: number;
  /** The reply size limit: 65535 over TCP, else 512 or the EDNS size (max 65507). */
  limit: number;
  /** The OPT's UDP size as sent (the reply's OPT echoes it), -1 without EDNS. */
  ednsSize: number;
  /** 0 without EDNS, 1 with, 3 with the DO bit; plus RD (4) and CD (8), and TCP (16). */
  meta: number;
}

/** The counters an entry's hits add to, resolved once per entry (see server.ts). */
export interface EntryStats {
  type: string;
  rcode: string;
  negative: boolean;
  /** Filled lazily by the server, for IPv4 and IPv6 clients. */
  cells4?: unknown;
  cells6?: unknown;
  /** The transport reply cache's metric class for this reply; undefined: not to be kept there. */
  native?: number;
}

export interface Entry {
  /** Length of the question (the reply holds it at 12: the query's, or all-lower if patchable). */
  qlen: number;
  meta: number;
  limit: number;
  ednsSize: number;
  reply: Buffer;
  patchable: boolean;
  stats: EntryStats;
  /** The reply's address RRsets, shuffled in each copy served (loadbalance.ts). */
  sets: AddressSets | undefined;
  next: Entry | undefined;
}

const UDP_MAX = 65507;
const TYPE_OPT = 41;

/**
 * EDNS options a reply echoes (CoreDNS request.SupportedOptions: NSID, EXPIRE, COOKIE,
 * TCP-KEEPALIVE, PADDING): a query carrying one has a reply of its own, so no key.
 */
export function echoedOption(code: number): boolean {
  return code === 3 || (code >= 9 && code <= 12);
}

function lower(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

/**
 * The key of a plain query, or undefined when the query must take the full path. `buf` has
 * at least a header and QR clear (the caller checked).
 */
export function probeQuery(buf: Buffer, tcp: boolean): QueryKey | undefined {
  const len = buf.length;
  // One question, no answer or authority, at most one additional; opcode QUERY.
  if ((buf[2] & 0x78) !== 0 || buf[4] !== 0 || buf[5] !== 1 || buf[6] !== 0 || buf[7] !== 0 || buf[8] !== 0 || buf[9] !== 0 || buf[10] !== 0 || buf[11] > 1) return undefined;
  let h = 0x811c9dc5;
  let pos = 12;
  for (;;) {
    if (pos >= len) return undefined;
    const l = buf[pos];
    if (l === 0) break;
    if (l > 63) return undefined;
    if (pos + l + 1 > 12 + 254) return undefined;
    h = Math.imul(h ^ l, 0x01000193);
    for (let i = pos + 1, e = pos + 1 + l; i < e && i < len; i++) h = Math.imul(h ^ lower(buf[i]), 0x01000193);
    pos += l + 1;
  }
  const nameEnd = pos + 1;
  const qend = nameEnd + 4;
  if (qend > len) return undefined;
  for (let i = nameEnd; i < qend; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  let limit = tcp ? 65535 : 512;
  let meta = (tcp ? 16 : 0) | (buf[2] & 0x01 ? 4 : 0) | (buf[3] & 0x10 ? 8 : 0);
  let ednsSize = -1;
  if (buf[11] === 1) {
    if (qend + 11 > len || buf[qend] !== 0 || buf.readUInt16BE(qend + 1) !== TYPE_OPT || buf[qend + 6] !== 0) return undefined;
    const rdlen = buf.readUInt16BE(qend + 9);
    if (qend + 11 + rdlen !== len) return undefined;
    for (let p = qend + 11; p < len; ) {
      if (p + 4 > len || echoedOption(buf.readUInt16BE(p))) return undefined;
      p += 4 + buf.readUInt16BE(p + 2);
      if (p > len) return undefined;
    }
    ednsSize = buf.readUInt16BE(qend + 3);
    if (!tcp) limit = Math.min(UDP_MAX, Math.max(512, ednsSize));
    meta |= buf[qend + 7] & 0x80 ? 3 : 1;
  } else if (qend !== len) return undefined;
  h = Math.imul(h ^ meta, 0x01000193);
  h = Math.imul(h ^ (limit & 0xff), 0x01000193);
  h = Math.imul(h ^ (limit >> 8), 0x01000193);
  h = Math.imul(h ^ (ednsSize & 0xffff), 0x01000193);
  // A small integer (V8 Smi) keeps the bucket Map on its fast path.
  return { hash: h & 0x3fffffff, nameEnd, qend, limit, ednsSize, meta };
}

function sameQuestion(e: Entry, buf: Buffer, key: QueryKey): boolean {
  const r = e.reply;
  if (e.meta !== key.meta || e.limit !== key.limit || e.ednsSize !== key.ednsSize || e.qlen !== key.qend - 12) return false;
  if (e.patchable) {
    for (let i = 12; i < key.qend; i++) {
      const a = r[i];
      const b = buf[i];
      if (a !== b && lower(a) !== lower(b)) return false;
    }
    return true;
  }
  for (let i = 12; i < key.qend; i++) if (r[i] !== buf[i]) return false;
  return true;
}

/** The query's name with every ASCII letter lower-cased (`upper`: upper-cased). */
export function respell(buf: Buffer, key: QueryKey, upper: boolean): Buffer {
  const out = Buffer.from(buf);
  for (let i = 12; i < key.nameEnd; i++) {
    const b = out[i];
    if (upper ? b >= 0x61 && b <= 0x7a : b >= 0x41 && b <= 0x5a) out[i] = b ^ 0x20;
  }
  return out;
}

/**
 * True when `low` and `up` (the replies to the all-lower and all-upper spelling) are equal
 * but for the question's name bytes, i.e. the reply depends on case only there.
 */
export function provesPatchable(low: Buffer, up: Buffer, key: QueryKey): boolean {
  if (low.length !== up.length || low.length < key.qend) return false;
  for (let i = 2; i < low.length; i++) {
    if (i >= 12 && i < key.nameEnd) continue;
    if (low[i] !== up[i]) return false;
  }
  return true;
}

/** Replies are copied into chunks of this size, back to back (see `#keep`). */
const CHUNK = 64 * 1024;

/**
 * Two generations of at most `maxEntries` each. Entries go into the current one; when it is
 * full it becomes the old one (the previous old one is dropped) and a new current one starts;
 * a hit in the old one is copied into the current one. So a working set up to `maxEntries`
 * stays cached however long the traffic runs, where a single table that starts over when full
 * drops it all at once (at 10,903 names on a 10,000 limit that had meant no hits at all).
 */
export class AnswerCache {
  readonly #max: number;
  #cur = new Map<number, Entry>();
  #curSize = 0;
  #old = new Map<number, Entry>();
  #oldSize = 0;
  #chunk: Buffer | undefined;
  #used = 0;

  constructor(maxEntries: number) {
    this.#max = maxEntries;
  }

  /** Entries held (one promoted from the old generation counts twice until that goes). */
  get size(): number {
    return this.#curSize + this.#oldSize;
  }

  clear(): void {
    if (this.size === 0) return;
    this.#cur = new Map();
    this.#curSize = 0;
    this.#old = new Map();
    this.#oldSize = 0;
    this.#chunk = undefined;
  }

  /**
   * A copy of `reply` the cache owns. The serializer's buffers are views of Node's shared
   * 8 KiB pool slabs; keeping one would keep its whole slab (about 1.8 KiB per entry measured
   * at 10,000 entries, against ~100 bytes of reply). Chunks pack the replies instead.
   */
  #keep(reply: Buffer): Buffer {
    if (reply.length > CHUNK / 8) return Buffer.from(Uint8Array.prototype.slice.call(reply).buffer);
    if (!this.#chunk || this.#used + reply.length > CHUNK) {
      this.#chunk = Buffer.allocUnsafeSlow(CHUNK);
      this.#used = 0;
    }
    const out = this.#chunk.subarray(this.#used, this.#used + reply.length);
    reply.copy(out);
    this.#used += reply.length;
    return out;
  }

  get(buf: Buffer, key: QueryKey): Entry | undefined {
    for (let e = this.#cur.get(key.hash); e; e = e.next) if (sameQuestion(e, buf, key)) return e;
    for (let e = this.#old.get(key.hash); e; e = e.next) {
      if (!sameQuestion(e, buf, key)) continue;
      // The reply's bytes are shared, not copied: they stay alive while either entry does.
      this.#insert(key.hash, { ...e, next: undefined });
      return e;
    }
    return undefined;
  }

  /** True when an entry holds this question in another spelling (after `get` missed). */
  otherSpelling(buf: Buffer, key: QueryKey): boolean {
    return spelledOtherwise(this.#cur.get(key.hash), buf, key) || spelledOtherwise(this.#old.get(key.hash), buf, key);
  }

  /**
   * Stores `reply` for the query `buf` (`patchable` as proven by the caller; the reply's
   * question must be the query's, letter case aside when patchable).
   */
  set(buf: Buffer, key: QueryKey, o: { reply: Buffer; patchable: boolean; stats: EntryStats; sets?: AddressSets }): void {
    const entry0 = { qlen: key.qend - 12, meta: key.meta, limit: key.limit, ednsSize: key.ednsSize, reply: o.reply, patchable: o.patchable } as Entry;
    if (o.reply.length < key.qend || !sameQuestion(entry0, buf, key)) return; // not an echo of the question
    this.#insert(key.hash, { qlen: key.qend - 12, meta: key.meta, limit: key.limit, ednsSize: key.ednsSize, reply: this.#keep(o.reply), patchable: o.patchable, stats: o.stats, sets: o.sets, next: undefined });
  }

  #insert(hash: number, entry: Entry): void {
    if (this.#curSize >= this.#max) {
      this.#old = this.#cur;
      this.#oldSize = this.#curSize;
      this.#cur = new Map();
      this.#curSize = 0;
    }
    entry.next = this.#cur.get(hash);
    this.#cur.set(hash, entry);
    this.#curSize++;
  }
}

function spelledOtherwise(first: Entry | undefined, buf: Buffer, key: QueryKey): boolean {
  for (let e = first; e; e = e.next) {
    if (e.meta !== key.meta || e.limit !== key.limit || e.ednsSize !== key.ednsSize || e.qlen !== key.qend - 12) continue;
    let same = true;
    for (let i = 12; i < key.qend && same; i++) same = lower(e.reply[i]) === lower(buf[i]);
    if (same) return true;
  }
  return false;
}

/**
 * The reply to `query` from `entry`: a copy of its bytes with the query's ID and, for a
 * patchable entry, the query's spelling of the name.
 */
export function replyFrom(entry: Entry, query: Buffer, key: QueryKey): Buffer {
  const src = entry.reply;
  const out = Buffer.allocUnsafe(src.length);
  out.set(src); // TypedArray#set: cheaper than Buffer#copy's argument checks for ~100 bytes
  out[0] = query[0];
  out[1] = query[1];
  if (entry.patchable) for (let i = 12; i < key.nameEnd; i++) out[i] = query[i];
  return out;
}
