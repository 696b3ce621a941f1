/**
 * @module Builders for the proxy's tests, in kube-proxy's test style:
 * `makeService('ns1', 'svc1', (s) => { ... })`, `makeSlice('ns1', 'svc1', 1, (s) => { ... })`.
 * Defaults are what the API server would have defaulted.
 */
import type { ProxyNodeConfig } from '../types.js';
import type { ProxyEndpointSlice, ProxyService } from './views.js';

export const TEST_NODE: ProxyNodeConfig = {
  nodeName: 'node1',
  nodeIPs: ['10.244.0.1'],
  clusterCIDR: '10.244.0.0/16',
  serviceCIDRs: ['10.96.0.0/12'],
  masqueradeBit: 14,
};

export function makeService(namespace: string, name: string, edit: (s: ProxyService & { spec: NonNullable<ProxyService['spec']> }) => void = () => undefined): ProxyService {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec: { type: 'ClusterIP', clusterIP: '', ports: [] as NonNullable<NonNullable<ProxyService['spec']>['ports']>, sessionAffinity: 'None' } };
  edit(svc as ProxyService & { spec: NonNullable<ProxyService['spec']> });
  if (svc.spec.clusterIP && !(svc.spec as { clusterIPs?: string[] }).clusterIPs) (svc.spec as { clusterIPs?: string[] }).clusterIPs = [svc.spec.clusterIP];
  return svc as ProxyService;
}

export type SliceEndpoint = NonNullable<ProxyEndpointSlice['endpoints']>[number];

export function makeSlice(namespace: string, service: string, n: number, edit: (s: ProxyEndpointSlice & { endpoints: SliceEndpoint[] }) => void = () => undefined): ProxyEndpointSlice {
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace, name: `${service}-${n}`, labels: { 'kubernetes.io/service-name': service } as Record<string, string> },
    addressType: 'IPv4',
    endpoints: [] as SliceEndpoint[],
    ports: [],
  };
  edit(slice as ProxyEndpointSlice & { endpoints: SliceEndpoint[] });
  return slice as ProxyEndpointSlice;
}

/** A ready endpoint on `node1` (the test node) unless told otherwise. */
export function ep(ip: string, edit: Partial<SliceEndpoint> & { ready?: boolean; serving?: boolean; terminating?: boolean } = {}): SliceEndpoint {
  const { ready = true, serving, terminating, ...rest } = edit;
  return { addresses: [ip], conditions: { ready, serving: serving ?? ready, terminating: terminating ?? false }, nodeName: 'node1', ...rest };
}
