/**
 * @module CoreDNS's Prometheus metrics, by their names and labels (plugin/metrics/vars,
 * plugin/cache, plugin/forward), kept as plain counters and rendered in the text format.
 * Cheap enough for the hot path: one Map lookup per counter.
 */

/** CoreDNS plugin.TimeBuckets: 0.25 ms doubling to 8 s. */
export const TIME_BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

export interface Histogram {
  labels: string;
  counts: number[];
  sum: number;
  count: number;
}

/** One counter series, kept by callers on the hot path: `cell.value++` counts. */
export interface Cell {
  value: number;
}

/** The series one answered query adds to (see `DnsMetrics.requestCells`). */
export interface RequestCells {
  requests: Cell;
  responses: Cell;
  duration: Histogram;
}

/** Counts `seconds` into a request-duration histogram. */
export function observe(h: Histogram, seconds: number): void {
  for (let i = 0; i < TIME_BUCKETS.length; i++) if (seconds <= TIME_BUCKETS[i]) { h.counts[i]++; break; }
  h.sum += seconds;
  h.count++;
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function labels(pairs: Record<string, string>): string {
  return Object.entries(pairs).map(([k, v]) => `${k}="${esc(v)}"`).join(',');
}

export class DnsMetrics {
  readonly server: string;
  #counters = new Map<string, Map<string, Cell>>();
  #histograms = new Map<string, Histogram>();
  #gauges = new Map<string, () => Array<[string, number]>>();

  constructor(server: string) {
    this.server = server;
  }

  /** The series `metric{labelText}`, created at 0 (rendered from then on). */
  cell(metric: string, labelText: string): Cell {
    let m = this.#counters.get(metric);
    if (!m) this.#counters.set(metric, (m = new Map()));
    let c = m.get(labelText);
    if (!c) m.set(labelText, (c = { value: 0 }));
    return c;
  }

  inc(metric: string, labelText: string, by = 1): void {
    this.cell(metric, labelText).value += by;
  }

  get(metric: string, labelText: string): number {
    return this.#counters.get(metric)?.get(labelText)?.value ?? 0;
  }

  /** The requests, responses (by rcode) and duration series of one kind of query. */
  requestCells(o: { zone: string; proto: string; family: number; type: string; rcode: string; plugin: string }): RequestCells {
    const requests = this.cell('coredns_dns_requests_total', `server="${this.server}",zone="${o.zone}",proto="${o.proto}",family="${o.family}",type="${o.type}"`);
    const responses = this.cell('coredns_dns_responses_total', `server="${this.server}",zone="${o.zone}",rcode="${o.rcode}",plugin="${o.plugin}"`);
    const hk = `server="${this.server}",zone="${o.zone}",type="${o.type}"`;
    let duration = this.#histograms.get(hk);
    if (!duration) this.#histograms.set(hk, (duration = { labels: hk, counts: new Array<number>(TIME_BUCKETS.length).fill(0), sum: 0, count: 0 }));
    return { requests, responses, duration };
  }

  /** One query answered: requests, responses (by rcode) and duration, as CoreDNS counts them. */
  request(o: { zone: string; proto: string; family: number; type: string; rcode: string; plugin: string; seconds: number }): void {
    const c = this.requestCells(o);
    c.requests.value++;
    c.responses.value++;
    observe(c.duration, o.seconds);
  }

  /** A gauge read at render time (`coredns_cache_entries`). */
  gauge(metric: string, read: () => Array<[string, number]>): void {
    this.#gauges.set(metric, read);
  }

  render(): string {
    const out: string[] = [];
    for (const [metric, m] of [...this.#counters].sort()) {
      out.push(`# TYPE ${metric} counter`);
      for (const [l, c] of m) out.push(`${metric}{${l}} ${c.value}`);
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
