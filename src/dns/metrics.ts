/**
 * @module CoreDNS's Prometheus metrics, by their names and labels (plugin/metrics/vars,
 * plugin/cache, plugin/forward, plugin/pkg/proxy), kept as plain counters and rendered in the
 * text format. Cheap enough for the hot path: callers keep the series (`cell`) they count.
 * A `snapshot()` of one process's series can be `absorb`ed by another's (the relay's, in the
 * control plane, rendered on the node DNS server's `/metrics`).
 */

/** CoreDNS plugin.TimeBuckets: 0.25 ms doubling to 8 s. */
export const TIME_BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

export interface Histogram {
  metric: string;
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

/** Every series' value at one time: counters, gauges (read now) and histograms. */
export interface MetricsSnapshot {
  counters: Array<[metric: string, labels: string, value: number]>;
  gauges: Array<[metric: string, labels: string, value: number]>;
  histograms: Array<[metric: string, labels: string, counts: number[], sum: number, count: number]>;
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
  /** Gauge values from `absorb`, rendered with the gauges of the same name. */
  #absorbedGauges = new Map<string, Map<string, number>>();

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
    const duration = this.histogram('coredns_dns_request_duration_seconds', `server="${this.server}",zone="${o.zone}",type="${o.type}"`);
    return { requests, responses, duration };
  }

  /** The histogram series `metric{labelText}` (buckets TIME_BUCKETS), created empty. */
  histogram(metric: string, labelText: string): Histogram {
    const hk = `${metric}{${labelText}}`;
    let h = this.#histograms.get(hk);
    if (!h) this.#histograms.set(hk, (h = { metric, labels: labelText, counts: new Array<number>(TIME_BUCKETS.length).fill(0), sum: 0, count: 0 }));
    return h;
  }

  snapshot(): MetricsSnapshot {
    const counters: MetricsSnapshot['counters'] = [];
    for (const [metric, m] of this.#counters) for (const [l, c] of m) counters.push([metric, l, c.value]);
    const gauges: MetricsSnapshot['gauges'] = [];
    for (const [metric, read] of this.#gauges) for (const [l, v] of read()) gauges.push([metric, l, v]);
    const histograms: MetricsSnapshot['histograms'] = [...this.#histograms.values()].map((h) => [h.metric, h.labels, [...h.counts], h.sum, h.count]);
    return { counters, gauges, histograms };
  }

  /**
   * Takes another process's series as they are now (their values replace earlier ones: they
   * are cumulative there). Malformed entries are skipped.
   */
  absorb(s: MetricsSnapshot): void {
    for (const [metric, l, v] of s.counters ?? []) if (typeof metric === 'string' && typeof l === 'string' && Number.isFinite(v)) this.cell(metric, l).value = v;
    for (const [metric, l, v] of s.gauges ?? []) {
      if (typeof metric !== 'string' || typeof l !== 'string' || !Number.isFinite(v)) continue;
      let m = this.#absorbedGauges.get(metric);
      if (!m) this.#absorbedGauges.set(metric, (m = new Map()));
      m.set(l, v);
    }
    for (const [metric, l, counts, sum, count] of s.histograms ?? []) {
      if (typeof metric !== 'string' || typeof l !== 'string' || !Array.isArray(counts) || counts.length !== TIME_BUCKETS.length) continue;
      const h = this.histogram(metric, l);
      h.counts = counts.map((c) => (Number.isFinite(c) ? c : 0));
      h.sum = Number.isFinite(sum) ? sum : 0;
      h.count = Number.isFinite(count) ? count : 0;
    }
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
      for (const [l, c] of m) out.push(`${metric}${l ? `{${l}}` : ''} ${c.value}`);
    }
    for (const metric of new Set([...this.#gauges.keys(), ...this.#absorbedGauges.keys()])) {
      out.push(`# TYPE ${metric} gauge`);
      for (const [l, v] of this.#gauges.get(metric)?.() ?? []) out.push(`${metric}{${l}} ${v}`);
      for (const [l, v] of this.#absorbedGauges.get(metric) ?? []) out.push(`${metric}{${l}} ${v}`);
    }
    let typed = '';
    for (const h of [...this.#histograms.values()].sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0))) {
      if (h.metric !== typed) out.push(`# TYPE ${(typed = h.metric)} histogram`);
      let cum = 0;
      for (let i = 0; i < TIME_BUCKETS.length; i++) {
        cum += h.counts[i];
        out.push(`${h.metric}_bucket{${h.labels},le="${TIME_BUCKETS[i]}"} ${cum}`);
      }
      out.push(`${h.metric}_bucket{${h.labels},le="+Inf"} ${h.count}`);
      out.push(`${h.metric}_sum{${h.labels}} ${h.sum}`);
      out.push(`${h.metric}_count{${h.labels}} ${h.count}`);
    }
    return out.join('\n') + '\n';
  }
}
