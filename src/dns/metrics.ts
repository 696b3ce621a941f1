/**
 * @module CoreDNS's Prometheus metrics, by their names and labels (plugin/metrics/vars,
 * plugin/cache, plugin/forward), kept as plain counters and rendered in the text format.
 * Cheap enough for the hot path: one Map lookup per counter.
 */

/** CoreDNS plugin.TimeBuckets: 0.25 ms doubling to 8 s. */
export const TIME_BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

interface Histogram {
  labels: string;
  counts: number[];
  sum: number;
  count: number;
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function labels(pairs: Record<string, string>): string {
  return Object.entries(pairs).map(([k, v]) => `${k}="${esc(v)}"`).join(',');
}

export class DnsMetrics {
  readonly server: string;
  #counters = new Map<string, Map<string, number>>();
  #histograms = new Map<string, Histogram>();
  #gauges = new Map<string, () => Array<[string, number]>>();

  constructor(server: string) {
    this.server = server;
  }

  inc(metric: string, labelText: string, by = 1): void {
    let m = this.#counters.get(metric);
    if (!m) this.#counters.set(metric, (m = new Map()));
    m.set(labelText, (m.get(labelText) ?? 0) + by);
  }

  get(metric: string, labelText: string): number {
    return this.#counters.get(metric)?.get(labelText) ?? 0;
  }

  /** One query answered: requests, responses (by rcode) and duration, as CoreDNS counts them. */
  request(o: { zone: string; proto: string; family: number; type: string; rcode: string; plugin: string; seconds: number }): void {
    this.inc('coredns_dns_requests_total', `server="${this.server}",zone="${o.zone}",proto="${o.proto}",family="${o.family}",type="${o.type}"`);
    this.inc('coredns_dns_responses_total', `server="${this.server}",zone="${o.zone}",rcode="${o.rcode}",plugin="${o.plugin}"`);
    const hk = `server="${this.server}",zone="${o.zone}",type="${o.type}"`;
    let h = this.#histograms.get(hk);
    if (!h) this.#histograms.set(hk, (h = { labels: hk, counts: new Array<number>(TIME_BUCKETS.length).fill(0), sum: 0, count: 0 }));
    for (let i = 0; i < TIME_BUCKETS.length; i++) if (o.seconds <= TIME_BUCKETS[i]) { h.counts[i]++; break; }
    h.sum += o.seconds;
    h.count++;
  }

  /** A gauge read at render time (`coredns_cache_entries`). */
  gauge(metric: string, read: () => Array<[string, number]>): void {
    this.#gauges.set(metric, read);
  }

  render(): string {
    const out: string[] = [];
    for (const [metric, m] of [...this.#counters].sort()) {
      out.push(`# TYPE ${metric} counter`);
      for (const [l, v] of m) out.push(`${metric}{${l}} ${v}`);
    }
    for (const [metric, read] of this.#gauges) {
      out.push(`# TYPE ${metric} gauge`);
      for (const [l, v] of read()) out.push(`${metric}{${l}} ${v}`);
    }
    if (this.#histograms.size) out.push('# TYPE coredns_dns_request_duration_seconds histogram');
    for (const h of this.#histograms.values()) {
      let cum = 0;
      for (let i = 0; i < TIME_BUCKETS.length; i++) {
        cum += h.counts[i];
        out.push(`coredns_dns_request_duration_seconds_bucket{${h.labels},le="${TIME_BUCKETS[i]}"} ${cum}`);
      }
      out.push(`coredns_dns_request_duration_seconds_bucket{${h.labels},le="+Inf"} ${h.count}`);
      out.push(`coredns_dns_request_duration_seconds_sum{${h.labels}} ${h.sum}`);
      out.push(`coredns_dns_request_duration_seconds_count{${h.labels}} ${h.count}`);
    }
    return out.join('\n') + '\n';
  }
}
