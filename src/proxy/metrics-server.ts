/**
 * @module kube-proxy's two HTTP endpoints on the node: metrics (`:10249`, `/metrics` in the
 * Prometheus text format, plus `/healthz`) and health (`:10256`, `/healthz` answering upstream's
 * JSON `{"lastUpdated", "currentTime", "nodeEligible"}` with 200, or 503 when syncs lag).
 * Bound to the node's address inside the node namespace (10.244.0.1), never in the host's.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenTcp } from './sockets.js';

export const METRICS_PORT = 10249;
export const HEALTHZ_PORT = 10256;

export interface ProxyStatusSource {
  metricsText(): string;
  healthy(): boolean;
  /** Wall-clock ms of the last successful sync, if any. */
  lastUpdatedMs(): number | undefined;
}

export interface ProxyServers {
  metricsAddress: AddressInfo;
  healthzAddress: AddressInfo;
  close(): Promise<void>;
}

function healthBody(source: ProxyStatusSource): { code: number; body: string } {
  const last = source.lastUpdatedMs();
  const body = JSON.stringify({ lastUpdated: last !== undefined ? new Date(last).toISOString() : '', currentTime: new Date().toISOString(), nodeEligible: true });
  return { code: source.healthy() ? 200 : 503, body };
}

/** Starts both servers on `host` (ports 0 pick free ones, for tests). */
export async function startProxyServers(source: ProxyStatusSource, options: { host: string; metricsPort?: number; healthzPort?: number }): Promise<ProxyServers> {
  const metrics = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(source.metricsText());
    } else if (path === '/healthz') {
      const { code, body } = healthBody(source);
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(body);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('404 page not found\n');
    }
  });
  const healthz = createServer((req, res) => {
    const { code, body } = healthBody(source);
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
