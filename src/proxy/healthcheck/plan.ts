/**
 * @module Which Services get a health check node port and what it answers (kube-proxy's
 * ServicePortMap.HealthCheckNodePorts, EndpointsMap.LocalReadyEndpoints and the handler of
 * pkg/proxy/healthcheck/service_health.go). Pure (`HealthCheckTracker` keeps state, no I/O).
 *
 * A LoadBalancer Service with externalTrafficPolicy Local has a healthCheckNodePort: load
 * balancers probe it on every node and send traffic only to nodes that answer 200, i.e. nodes
 * with at least one local ready endpoint.
 */
import { portIndexOf } from '../port-index.js';
import { compareServicePorts } from '../tracker/service-ports.js';
import { servicePortKey, type DesiredState, type ServicePortState } from '../types.js';

/** One health check: its port and the Service's local ready endpoints (distinct IPs). */
export interface HealthCheck {
  namespace: string;
  name: string;
  port: number;
  localEndpoints: number;
}

/**
 * The health checks of a desired state, keyed `<namespace>/<name>`. Endpoints count by IP across
 * the Service's ports (10.0.0.1:80 and 10.0.0.1:443 are one endpoint), and only ready ones:
 * a node whose only endpoints are terminating must fail the check, so that load balancers drain it.
 */
export function healthChecksOf(state: Pick<DesiredState, 'servicePorts'>): Map<string, HealthCheck> {
  const out = new Map<string, HealthCheck & { ips: Set<string> }>();
  for (const sp of state.servicePorts) {
    if (!sp.healthCheckNodePort) continue;
    const key = `${sp.namespace}/${sp.name}`;
    let check = out.get(key);
    if (!check) out.set(key, (check = { namespace: sp.namespace, name: sp.name, port: sp.healthCheckNodePort, localEndpoints: 0, ips: new Set() }));
    for (const ep of sp.endpoints) if (ep.ready && ep.isLocal) check.ips.add(ep.ip);
  }
  return new Map([...out].map(([key, { ips, ...check }]) => [key, { ...check, localEndpoints: ips.size }]));
}

/**
 * `healthChecksOf` after each sync, from the ports with a health check node port only: it keeps
 * them by key and looks at the changed keys of a partial sync (port-index.ts), so a sync's cost
 * follows its change, not the cluster.
 */
export class HealthCheckTracker {
  /** The ports with a `healthCheckNodePort`, by service port key, as of the last call. */
  #ports = new Map<string, ServicePortState>();

  /** The health checks of `state`; `changed` as the backend got it (since the previous call, or 'all'). */
  update(state: DesiredState, changed: ReadonlySet<string> | 'all' = 'all'): Map<string, HealthCheck> {
    if (changed === 'all') {
      this.#ports = new Map();
      for (const sp of state.servicePorts) if (sp.healthCheckNodePort) this.#ports.set(servicePortKey(sp), sp);
    } else {
      const index = portIndexOf(state);
      for (const key of changed) {
        const sp = index.get(key);
        if (sp?.healthCheckNodePort) this.#ports.set(key, sp);
        else this.#ports.delete(key);
      }
    }
    return healthChecksOf({ servicePorts: [...this.#ports.values()].sort(compareServicePorts) });
  }
}

/**
 * The answer to any request on a health check port: 200 when the Service has local endpoints
 * and the proxy is healthy, else 503; the body is upstream's, byte for byte (tab-indented JSON).
 */
export function healthCheckResponse(check: Pick<HealthCheck, 'namespace' | 'name' | 'localEndpoints'>, proxyHealthy: boolean): { status: number; body: string } {
  const body = [
    '{',
    '\t"service": {',
    `\t\t"namespace": ${JSON.stringify(check.namespace)},`,
    `\t\t"name": ${JSON.stringify(check.name)}`,
    '\t},',
    `\t"localEndpoints": ${check.localEndpoints},`,
    `\t"serviceProxyHealthy": ${proxyHealthy}`,
    '}',
  ].join('\n');
  return { status: check.localEndpoints !== 0 && proxyHealthy ? 200 : 503, body };
}
