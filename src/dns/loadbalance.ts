/**
 * @module CoreDNS's `loadbalance` (kubeadm's Corefile): every NOERROR reply but a zone transfer
 * leaves with its A and AAAA records in a random order, cached replies too (the plugin wraps
 * the cache), so clients that take the first address spread over a headless Service's pods
 * (plugin/loadbalance/loadbalance.go roundRobin). Done on the encoded reply: records with the
 * same owner name, type, class and TTL differ only in their 4 or 16 octets of rdata, and
 * permuting those permutes the records, with no name (nor compression pointer) moving.
 *
 * CoreDNS also regroups each section as CNAMEs, other types, addresses, MX; the replies kubito
 * makes (and usual upstream replies) are in that order already, and the order of different
 * owners' addresses in one section (an SRV reply's glue) tells a client nothing.
 */
import { readName } from './names.js';

const TYPE_A = 1;
const TYPE_AAAA = 28;
const TYPE_AXFR = 252;
const TYPE_IXFR = 251;

/** Sets of same-RRset address records: each is its rdata length, then the rdata offsets (≥ 2). */
export type AddressSets = number[][];

/**
 * The address RRsets of `buf` (a well-formed reply) with two or more records, or undefined
 * when there is nothing to shuffle (one address per RRset, an error rcode, AXFR/IXFR).
 */
export function addressSets(buf: Buffer): AddressSets | undefined {
  if (buf.length < 12 || (buf[3] & 0x0f) !== 0) return undefined;
  const qd = buf.readUInt16BE(4);
  const counts = [buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)];
  let pos = 12;
  for (let i = 0; i < qd; i++) {
    const next = readName(buf, pos).next;
    const qtype = buf.readUInt16BE(next);
    if (qtype === TYPE_AXFR || qtype === TYPE_IXFR) return undefined;
    pos = next + 4;
  }
  let out: AddressSets | undefined;
  for (const count of counts) {
    const sets = new Map<string, number[]>();
    for (let i = 0; i < count; i++) {
      const { name, next } = readName(buf, pos);
      const type = buf.readUInt16BE(next);
      const rdlen = buf.readUInt16BE(next + 8);
      const rdata = next + 10;
      if ((type === TYPE_A && rdlen === 4) || (type === TYPE_AAAA && rdlen === 16)) {
        // Owner name (as written, case included), type, class and TTL: one RRset.
        const key = `${name}|${buf.toString('latin1', next, next + 8)}`;
        const set = sets.get(key);
        if (set) set.push(rdata);
        else sets.set(key, [rdlen, rdata]);
      }
      pos = rdata + rdlen;
    }
    for (const set of sets.values()) if (set.length > 2) (out ??= []).push(set);
  }
  return out;
}

/** Shuffles each set's rdata in place (Fisher-Yates; `random` in [0, 1)). */
export function shuffleAddresses(buf: Buffer, sets: AddressSets, random: () => number = Math.random): void {
  for (const set of sets) {
    const len = set[0];
    for (let i = set.length - 1; i > 1; i--) {
      const j = 1 + Math.floor(random() * i);
      if (j === i) continue;
      // Byte by byte: cheaper than three Buffer#copy calls for 4 or 16 octets.
      for (let a = set[i], b = set[j], e = a + len; a < e; a++, b++) {
        const t = buf[a];
        buf[a] = buf[b];
        buf[b] = t;
      }
    }
  }
}
