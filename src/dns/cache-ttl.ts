/**
 * @module The TTLs CoreDNS's `cache` plugin writes (kubeadm's `cache 30`): every reply that
 * passes it, stored or not (kubeadm disables storing for the cluster zone, not this), leaves
 * with every record's TTL set to one value, the lowest TTL in the message clamped to
 * [5, 30] (plugin/cache/cache.go ResponseWriter.WriteMsg, computeTTL, filterRRSlice;
 * plugin/pkg/dnsutil/ttl.go MinimalTTL). So `dns-version.<zone>` TXT (28800) reads 30, and an
 * ExternalName's CNAME and the target's addresses share one TTL. Pure.
 */
import { RCODE, TYPE, type Message } from './wire.js';

/** kubeadm's `cache 30`: the cap for success and denial alike. */
export const CACHE_MAX_TTL = 30;
/** dnsutil.MinimalDefaultTTL: the floor, and the TTL of replies MinimalTTL does not look into. */
export const CACHE_MIN_TTL = 5;
const MAXIMUM_DEFAULT_TTL = 3600;

/**
 * The TTL the cache gives `m` (records' TTLs as read from the wire; the OPT is not a record
 * here): response.Typify's NoError, NoData and NameError take their lowest TTL (at most 3600),
 * anything else (errors, a delegation, an empty reply) 5; then clamped to [5, max].
 */
export function cacheTtl(m: Pick<Message, 'header' | 'answer' | 'authority' | 'additional'>, max = CACHE_MAX_TTL): number {
  const rcode = m.header.rcode;
  const soa = m.authority.some((r) => r.type === TYPE.SOA);
  const typed = (m.answer.length > 0 && rcode === RCODE.NOERROR) || (soa && (rcode === RCODE.NOERROR || rcode === RCODE.NXDOMAIN)) ||
    (rcode === RCODE.NOERROR && !m.authority.some((r) => r.type === TYPE.NS));
  let ttl = CACHE_MIN_TTL;
  if (typed && m.answer.length + m.authority.length + m.additional.length > 0) {
    ttl = MAXIMUM_DEFAULT_TTL;
    for (const rrs of [m.answer, m.authority, m.additional]) for (const r of rrs) if (r.ttl < ttl) ttl = r.ttl;
  }
  return Math.min(max, Math.max(CACHE_MIN_TTL, ttl));
}

/** `m` with every record's TTL set to `cacheTtl(m)`, as it leaves CoreDNS. */
export function withCacheTtl(m: Message, max = CACHE_MAX_TTL): Message {
  const ttl = cacheTtl(m, max);
  const set = (rrs: Message['answer']): Message['answer'] => rrs.map((r) => (r.ttl === ttl ? r : { ...r, ttl }));
  return { ...m, answer: set(m.answer), authority: set(m.authority), additional: set(m.additional) };
}
