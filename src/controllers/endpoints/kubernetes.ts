/**
 * @module The Endpoints and EndpointSlice of the `default/kubernetes` Service, which no
 * controller makes: kube-apiserver's endpoint reconciler (pkg/controlplane/reconcilers, lease
 * reconciler + EndpointsAdapter) writes them for the addresses the API is served at. Pure
 * builders; the control plane writes them at start (create, or update when they differ).
 *
 * The address: kubito's API listens on 127.0.0.1 in the host namespace, which pods cannot
 * reach (a DNAT to 127.0.0.1 inside a pod's namespace lands on the pod's own loopback), and
 * which upstream validation rejects for endpoints ("may not be in the loopback range"). The
 * address to publish is the one pods reach the API at: kubito's choice is
 * KUBERNETES_ENDPOINT_ADDRESS, 10.244.0.1 (the first address of the pod network, the node's
 * side of it), where the node agent is to forward the API port to the control plane.
 */
import { isIPv6 } from 'node:net';
import type { EndpointSlice } from '../endpointslice/types.js';
import { LABEL_SERVICE_NAME, LABEL_SKIP_MIRROR } from '../endpointslice/types.js';
import type { Endpoints } from './types.js';

/** Where pods reach the API server: the node's address on the pod network. */
export const KUBERNETES_ENDPOINT_ADDRESS = '10.244.0.1';

/**
 * `default/kubernetes` Endpoints: one subset, the API address, port `https`. Labelled
 * `endpointslice.kubernetes.io/skip-mirror: "true"`: the apiserver writes the EndpointSlice
 * itself, so the mirroring controller must not.
 */
export function kubernetesEndpoints(apiAddress: string, apiPort: number): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { [LABEL_SKIP_MIRROR]: 'true' } },
    subsets: [{ addresses: [{ ip: apiAddress }], ports: [{ name: 'https', port: apiPort, protocol: 'TCP' }] }],
  };
}

/**
 * `default/kubernetes` EndpointSlice, as endpointSliceFromEndpoints makes it: named
 * `kubernetes`, labelled only with the service name (no managed-by: no controller owns it),
 * one ready endpoint.
 */
export function kubernetesEndpointSlice(apiAddress: string, apiPort: number): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { [LABEL_SERVICE_NAME]: 'kubernetes' } },
    addressType: isIPv6(apiAddress) ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [apiAddress], conditions: { ready: true } }],
    ports: [{ name: 'https', protocol: 'TCP', port: apiPort }],
  };
}
