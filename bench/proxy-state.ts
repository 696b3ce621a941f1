/**
 * @module Synthetic proxy inputs for the data-plane benchmarks: N ClusterIP Services with one
 * named TCP port and E ready endpoints each, as Service and EndpointSlice objects (what the API
 * would hold) and as the proxy's DesiredState (through the real change-tracker code,
 * `computeDesiredState`), plus the one-Service edit the partial-sync figures use. Deterministic:
 * Service i always has the same cluster IP and endpoints, so two namespaces loaded from the
 * same state hold the same rules.
 */
import { formatIPv4, parseIPv4 } from '../src/node/ipam.js';
import { computeDesiredState } from '../src/proxy/tracker/desired.js';
import type { ProxyEndpointSlice, ProxyService } from '../src/proxy/tracker/views.js';
import type { DesiredState, ProxyNodeConfig } from '../src/proxy/types.js';

/** The node as kubito's node agent describes itself (src/proxy/README.md, "Node facts"). */
export const BENCH_NODE: ProxyNodeConfig = {
  nodeName: 'bench-node',
  nodeIPs: ['10.244.0.1'],
  clusterCIDR: '10.244.0.0/16',
  serviceCIDRs: ['10.96.0.0/12'],
  masqueradeBit: 14,
};

/** Cluster IPs from 10.100.0.0 (inside 10.96.0.0/12, away from what a cluster allocates first). */
const FIRST_VIP = parseIPv4('10.100.0.0');
/** Endpoint IPs from 10.245.0.0 (no real pod has them; rules never need to reach them). */
const FIRST_ENDPOINT = parseIPv4('10.245.0.0');

export interface SyntheticOptions {
  services: number;
  endpointsPerService: number;
  namespace?: string;
}

export function syntheticServiceName(i: number): string {
  return `svc-${i}`;
}

export function syntheticVip(i: number): string {
  return formatIPv4(FIRST_VIP + i + 1);
}

/** Endpoint j of Service i; `generation` shifts it, so a changed Service gets new addresses. */
export function syntheticEndpoint(i: number, j: number, options: { endpointsPerService: number; generation?: number }): string {
  return formatIPv4(FIRST_ENDPOINT + (options.generation ?? 0) * 0x10000 + i * options.endpointsPerService + j + 1);
}

export function syntheticService(i: number, namespace = 'bench'): ProxyService {
  const vip = syntheticVip(i);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name: syntheticServiceName(i) },
    spec: { type: 'ClusterIP', clusterIP: vip, clusterIPs: [vip], sessionAffinity: 'None', ports: [{ name: 'http', protocol: 'TCP', port: 80 }] },
  };
}

export function syntheticSlice(i: number, options: SyntheticOptions & { generation?: number; nodeName?: string }): ProxyEndpointSlice {
  const name = syntheticServiceName(i);
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: options.namespace ?? 'bench', name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
    endpoints: Array.from({ length: options.endpointsPerService }, (_, j) => ({
      addresses: [syntheticEndpoint(i, j, options)],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: options.nodeName ?? BENCH_NODE.nodeName,
    })),
  };
}

/** The Services and slices of a synthetic cluster; `generations[i]` shifts Service i's endpoints. */
export function syntheticObjects(options: SyntheticOptions & { generations?: ReadonlyMap<number, number> }): { services: ProxyService[]; slices: ProxyEndpointSlice[] } {
  const services: ProxyService[] = [];
  const slices: ProxyEndpointSlice[] = [];
  for (let i = 0; i < options.services; i++) {
    services.push(syntheticService(i, options.namespace));
    slices.push(syntheticSlice(i, { ...options, generation: options.generations?.get(i) ?? 0 }));
  }
  return { services, slices };
}

/** The DesiredState the change tracker computes for the synthetic cluster. */
export function syntheticState(options: SyntheticOptions & { generations?: ReadonlyMap<number, number> }): DesiredState {
  const { services, slices } = syntheticObjects(options);
  return computeDesiredState(services, slices, BENCH_NODE);
}

/** The change key (`servicePortKey`) of Service i's port. */
export function syntheticKey(i: number, namespace = 'bench'): string {
  return `${namespace}/${syntheticServiceName(i)}:http/TCP`;
}
