/**
 * @module The server's side of the native transport's reply cache (native/answer-cache.h):
 * which replies it may keep, under which metric class, and its hits added to the metrics.
 *
 * What may be kept (`classFor`): NOERROR and NXDOMAIN replies to plain queries (one question,
 * optional OPT; server.ts's `probeQuery` key) answered from cluster data once the informers
 * have synced: authoritative answers, and NODATA / NXDOMAIN with the SOA. Never kept:
 * - anything before sync (SERVFAIL for unknown names, answers from a partial index);
 * - truncated replies (TC set: the client retries over TCP; kept replies are whole);
 * - other rcodes (FORMERR, NOTIMP, REFUSED for AXFR/IXFR, BADVERS, SERVFAIL): errors stay in JS;
 * - forwarded answers and out-of-zone ExternalName chases (relay answers: they change with the
 *   upstream and carry their own TTLs, and come after the batch, never with a class);
 * - replies longer than a slot (sent on their own) and TCP replies (the cache is UDP's).
 * - replies with an address RRset of two or more records (loadbalance.ts: each copy is
 *   shuffled, which the C side does not do; they are JS answer cache hits instead).
 * A class is (type, rcode, denial): the series a hit adds to, resolved once per class.
 */
import type { EntryStats } from './answer-cache.js';
import type { Cell, Histogram, RequestCells } from './metrics.js';
import { rcodeName } from './present.js';
import type { ReplyCache } from './udp-transport.js';

/** The series a cache hit adds to, per entry (or class) and client family. */
export interface HitCells {
  hits: Cell;
  request: RequestCells;
}

const RCODE_NOERROR = 0;
const RCODE_NXDOMAIN = 3;

export class NativeHits {
  readonly #classes: EntryStats[] = [];
  readonly #ids = new Map<string, number>();

  /**
   * The metric class under which `out` (the reply to a plain query, from cluster data) may be
   * kept by `cache`, or undefined when it must not be (see the module doc).
   */
  classFor(cache: ReplyCache | undefined, o: { synced: boolean; type: string; rcode: number; negative: boolean; out: Buffer }): number | undefined {
    if (!cache || !o.synced) return undefined;
    if (o.rcode !== RCODE_NOERROR && o.rcode !== RCODE_NXDOMAIN) return undefined;
    if (o.out.length < 12 || (o.out[2] & 0x02) !== 0) return undefined;
    const k = `${o.type}|${o.rcode}|${o.negative}`;
    let id = this.#ids.get(k);
    if (id === undefined) {
      if (this.#classes.length >= cache.classes) return undefined;
      id = this.#classes.length;
      this.#classes.push({ type: o.type, rcode: rcodeName(o.rcode), negative: o.negative, cells4: undefined, cells6: undefined });
      this.#ids.set(k, id);
    }
    return id;
  }

  /**
   * Adds the hits `cache` answered since the last call to the series `cells` gives for a
   * class and client family (1 IPv4, 2 IPv6): cache hits, requests, responses, durations.
   */
  collect(cache: ReplyCache | undefined, cells: (stats: EntryStats, family: 1 | 2) => HitCells): void {
    if (!cache) return;
    for (const d of cache.take()) {
      const stats = this.#classes[d.cls];
      if (!stats) continue;
      let duration: Histogram | undefined;
      for (const [family, n] of [[1, d.hits4], [2, d.hits6]] as const) {
        if (n === 0) continue;
        const c = cells(stats, family);
        c.hits.value += n;
        c.request.requests.value += n;
        c.request.responses.value += n;
        duration = c.request.duration; // one series per type, for both families
      }
      if (!duration) continue;
      for (let i = 0; i < d.counts.length && i < duration.counts.length; i++) duration.counts[i] += d.counts[i];
      duration.sum += d.sum;
      duration.count += d.count;
    }
  }
}
