/**
 * @module kube-proxy's two HTTP endpoints on the node, as 1.33 serves them: metrics (`:10249`:
 * `/metrics` in the Prometheus text format, `/healthz` answering `ok`, `/proxyMode` the mode)
 * and health (`:10256`: `/healthz` and `/livez` answering upstream's ProxyHealth JSON
 * `{"lastUpdated", "currentTime", "nodeEligible" (healthz only), "healthy", "status": {"IPv4":
 * {...}}}` with 200, or 503 when syncs lag; other paths 404). Bound to the node's address inside
 * the node namespace (10.244.0.1), never in the host's.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenTcp } from './sockets.js';

export const METRICS_PORT = 10249;
export const HEALTHZ_PORT = 10256;

export interface ProxyStatusSource {
  metricsText(): string;
  healthy(): boolean;
  /** Wall-clock ms of the last successful sync, if any. */
  lastUpdatedMs(): number | undefined;
  /** The proxy mode `/proxyMode` answers (`nftables`, `iptables`, `userspace`). */
  mode(): string;
}

export interface ProxyServers {
  metricsAddress: AddressInfo;
  healthzAddress: AddressInfo;
  close(): Promise<void>;
}

/** Go's time.Time in JSON (RFC 3339 with nanoseconds, trailing zeros dropped); Go's zero time when unknown. */
function goTime(ms: number | undefined): string {
  if (ms === undefined) return '0001-01-01T00:00:00Z';
  return new Date(ms).toISOString().replace(/\.?0*Z$/, 'Z');
}

/**
 * Upstream's healthzHandler / livezHandler (pkg/proxy/healthcheck/proxy_health.go): ProxyHealth
 * as json.Marshal writes it. When healthy, lastUpdated is the current time (upstream keeps the
 * old "recent if healthy" meaning); `status` keeps the last sync's time. kubito's node is never
 * marked for deletion by an autoscaler: nodeEligible is true.
 */
function healthBody(source: ProxyStatusSource, withNodeEligible: boolean): { code: number; body: string } {
  const healthy = source.healthy();
  const now = Date.now();
  const last = source.lastUpdatedMs();
  const body = {
    lastUpdated: goTime(healthy ? now : last),
    currentTime: goTime(now),
    ...(withNodeEligible ? { nodeEligible: true } : {}),
    healthy,
    status: { IPv4: { lastUpdated: goTime(last), healthy } },
  };
  return { code: healthy ? 200 : 503, body: JSON.stringify(body) };
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end('404 page not found\n');
}

/** Starts both servers on `host` (ports 0 pick free ones, for tests). */
export async function startProxyServers(source: ProxyStatusSource, options: { host: string; metricsPort?: number; healthzPort?: number }): Promise<ProxyServers> {
  const metrics = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(source.metricsText());
    } else if (path === '/healthz') {
      // healthz.InstallHandler on the metrics mux: a plain "ok".
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('ok');
    } else if (path === '/proxyMode') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(source.mode());
    } else {
      notFound(res);
    }
  });
  const healthz = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/healthz' && path !== '/livez') return notFound(res);
    const { code, body } = healthBody(source, path === '/healthz');
    res.writeHead(code, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
  });
  const metricsAddress = await listenTcp(metrics, { host: options.host, port: options.metricsPort ?? METRICS_PORT });
  let healthzAddress: AddressInfo;
  try {
    healthzAddress = await listenTcp(healthz, { host: options.host, port: options.healthzPort ?? HEALTHZ_PORT });
  } catch (err) {
    metrics.close();
    throw err;
  }
  return {
    metricsAddress,
    healthzAddress,
    close: () =>
      Promise.all([metrics, healthz].map((s) => new Promise<void>((r) => {
        s.close(() => r());
        s.closeAllConnections();
      }))).then(() => undefined),
  };
}
