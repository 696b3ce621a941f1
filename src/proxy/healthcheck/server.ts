/**
 * @module kube-proxy's service health server (pkg/proxy/healthcheck/service_health.go): one
 * HTTP listener per health check node port on the node's addresses, answering every path with
 * the Service's local ready endpoint count (in the body and in the X-Load-Balancing-Endpoint-Weight
 * header, as upstream). `sync` after each proxy sync opens the new ports,
 * closes the gone or moved ones and updates the counts; a port that cannot be opened is logged,
 * reported as upstream's `FailedToStartServiceHealthcheck` Warning event, and tried again at the
 * next sync.
 */
import { createServer, type Server } from 'node:http';
import type { EventRecorder } from '../../controllers/controller.js';
import { healthCheckResponse, type HealthCheck } from './plan.js';
import { listenTcp } from '../sockets.js';

interface Instance {
  port: number;
  check: HealthCheck;
  servers: Server[];
}

export interface ServiceHealthServerOptions {
  nodeName: string;
  /** The node addresses the ports listen on (upstream: the NodePort addresses, else all). */
  addresses: string[];
  /** The proxy's own health (`/healthz` on 10256); a sick proxy fails every check. */
  proxyHealthy(): boolean;
  log(line: string): void;
  events?: EventRecorder;
}

function closeAll(servers: Server[]): Promise<void> {
  return Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); }))).then(() => undefined);
}

export class ServiceHealthServer {
  readonly #o: ServiceHealthServerOptions;
  readonly #instances = new Map<string, Instance>();

  constructor(options: ServiceHealthServerOptions) {
    this.#o = options;
  }

  /** Makes the listeners match `checks` (keyed `<namespace>/<name>`, as `healthChecksOf` returns). */
  async sync(checks: ReadonlyMap<string, HealthCheck>): Promise<void> {
    for (const [key, instance] of this.#instances) {
      const wanted = checks.get(key);
      if (wanted && wanted.port === instance.port) continue;
      this.#instances.delete(key);
      await closeAll(instance.servers);
    }
    for (const [key, check] of checks) {
      const existing = this.#instances.get(key);
      if (existing) {
        existing.check = check;
        continue;
      }
      const instance: Instance = { port: check.port, check, servers: [] };
      try {
        for (const address of this.#o.addresses) {
          const server = createServer((_req, res) => {
            const { status, body } = healthCheckResponse(instance.check, this.#o.proxyHealthy());
            res.writeHead(status, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff', 'X-Load-Balancing-Endpoint-Weight': String(instance.check.localEndpoints) });
            res.end(body);
          });
          instance.servers.push(server);
          await listenTcp(server, { host: address, port: check.port });
        }
        this.#instances.set(key, instance);
      } catch (err) {
        await closeAll(instance.servers);
        const message = `node ${this.#o.nodeName} failed to start healthcheck "${key}" on port ${check.port}: ${err instanceof Error ? err.message : String(err)}`;
        this.#o.log(`proxy: ${message}`);
        this.#o.events?.event({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: check.namespace, name: check.name, uid: key } }, 'Warning', 'FailedToStartServiceHealthcheck', message);
      }
    }
  }

  /** The open health checks, `<namespace>/<name>` → port (for tests and `kubito proxy`). */
  ports(): Map<string, number> {
    return new Map([...this.#instances].map(([key, i]) => [key, i.port]));
  }

  async close(): Promise<void> {
    const all = [...this.#instances.values()];
    this.#instances.clear();
    await closeAll(all.flatMap((i) => i.servers));
  }
}
