/**
 * @module The Endpoints and EndpointSlice of `kube-system/kube-dns`. kubito's DNS server runs
 * inside the node agent on the node's address (10.244.0.1), not in pods, so kube-dns is a
 * Service without a selector and the control plane writes its endpoints at start, the way it
 * writes `default/kubernetes`'s. Pure builders.
 */
import { isIPv6 } from 'node:net';

export const KUBE_DNS_PORTS = [
  { name: 'dns', protocol: 'UDP', port: 53 },
  { name: 'dns-tcp', protocol: 'TCP', port: 53 },
  { name: 'metrics', protocol: 'TCP', port: 9153 },
];

/** The value of `endpointslice.kubernetes.io/managed-by` on the slice: not the controller's. */
export const KUBE_DNS_MANAGER = 'control-plane.kubito.io';

export function kubeDnsEndpoints(address: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: address }], ports: KUBE_DNS_PORTS.map((p) => ({ ...p })) }],
  };
}

export function kubeDnsEndpointSlice(address: string): Record<string, unknown> {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': KUBE_DNS_MANAGER, 'k8s-app': 'kube-dns' },
    },
    addressType: isIPv6(address) ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true, serving: true, terminating: false } }],
    ports: KUBE_DNS_PORTS.map((p) => ({ ...p })),
  };
}
