/**
 * @module kube-proxy's sync metrics, in the Prometheus text format (version 0.0.4): histograms
 * with upstream's names and buckets (K/K pkg/proxy/metrics/metrics.go), a gauge, a counter.
 * Pure bookkeeping; `metrics-server.ts` serves `render()`.
 */

function linear(start: number, width: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i * width);
}

function exponential(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

/** SyncProxyRulesLatency & co.: ExponentialBuckets(0.001, 2, 15). */
export const SYNC_BUCKETS = exponential(0.001, 2, 15);
/** NetworkProgrammingLatency: 0.25 s steps to 0.5, 1 s to 59, 5 s to 115, 30 s to 300. */
export const PROGRAMMING_BUCKETS = [...linear(0.25, 0.25, 2), ...linear(1, 1, 59), ...linear(60, 5, 12), ...linear(120, 30, 7)];

function formatNumber(n: number): string {
  if (n === Infinity) return '+Inf';
  return String(Number(n.toPrecision(15)));
}

export class Histogram {
  readonly name: string;
  readonly help: string;
  readonly #bounds: number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(name: string, help: string, buckets: number[]) {
    this.name = name;
    this.help = help;
    this.#bounds = buckets;
    this.#counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.#sum += value;
    this.#count++;
    for (let i = 0; i < this.#bounds.length; i++) if (value <= this.#bounds[i]) this.#counts[i]++;
  }

  get count(): number {
    return this.#count;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.#bounds.forEach((b, i) => lines.push(`${this.name}_bucket{le="${formatNumber(b)}"} ${this.#counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.#count}`, `${this.name}_sum ${formatNumber(this.#sum)}`, `${this.name}_count ${this.#count}`);
    return lines.join('\n');
  }
}

export class Gauge {
  readonly name: string;
  readonly help: string;
  readonly kind: 'gauge' | 'counter';
  value = 0;

  constructor(name: string, help: string, kind: 'gauge' | 'counter' = 'gauge') {
    this.name = name;
    this.help = help;
    this.kind = kind;
  }

  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.kind}`, `${this.name} ${formatNumber(this.value)}`].join('\n');
  }
}

/** The proxy's metrics. */
export class ProxyMetrics {
  readonly syncDuration = new Histogram('kubeproxy_sync_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds', SYNC_BUCKETS);
  readonly fullSyncDuration = new Histogram('kubeproxy_sync_full_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds for full resyncs', SYNC_BUCKETS);
  readonly partialSyncDuration = new Histogram('kubeproxy_sync_partial_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds for partial resyncs', SYNC_BUCKETS);
  readonly networkProgramming = new Histogram('kubeproxy_network_programming_duration_seconds', 'In Cluster Network Programming Latency in seconds', PROGRAMMING_BUCKETS);
  readonly lastSync = new Gauge('kubeproxy_sync_proxy_rules_last_timestamp_seconds', 'The last time proxy rules were successfully synced');
  readonly failures = new Gauge('kubeproxy_sync_proxy_rules_failures_total', 'Syncs whose rules the kernel refused (kubito; upstream counts iptables-restore failures)', 'counter');
  readonly servicePorts = new Gauge('kubeproxy_sync_proxy_rules_service_ports', 'Service ports in the last synced state (kubito)');

  render(): string {
    return `${[this.syncDuration, this.fullSyncDuration, this.partialSyncDuration, this.networkProgramming, this.lastSync, this.failures, this.servicePorts].map((m) => m.render()).join('\n')}\n`;
  }
}
