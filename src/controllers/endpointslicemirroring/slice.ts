/**
 * @module One Endpoints as EndpointSlice parts (endpointslicemirroring utils.go): which
 * Endpoints are mirrored at all, an address as an endpoint, subset ports as slice ports, the
 * key of a group of slices (address type and ports), a new mirrored slice with the Endpoints'
 * labels and annotations, and whether an existing slice still carries them.
 */
import type { OwnerReference } from '../../api/types.js';
import { ANNOTATION_LEADER, type EndpointAddress, type Endpoints, type EndpointsPort } from '../endpoints/types.js';
import { canonicalIP, portMapKey } from '../endpointslice/endpoint.js';
import { slicePrefix } from '../endpointslice/slice-meta.js';
import { ANNOTATION_TRIGGER_TIME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, LABEL_SKIP_MIRROR, type AddressType, type Endpoint, type EndpointPort, type EndpointSlice } from '../endpointslice/types.js';
import { ANNOTATION_LAST_APPLIED, MIRRORING_CONTROLLER_NAME } from './types.js';

type Meta = { labels?: Record<string, string>; annotations?: Record<string, string> };

/**
 * shouldMirror: not labelled `endpointslice.kubernetes.io/skip-mirror: "true"` and not an old
 * leader-election record (`control-plane.alpha.kubernetes.io/leader`). Whether its Service
 * exists without a selector is checked apart.
 */
export function shouldMirror(endpoints: { metadata: Meta } | undefined): boolean {
  if (!endpoints) return false;
  if (endpoints.metadata.labels?.[LABEL_SKIP_MIRROR] === 'true') return false;
  return endpoints.metadata.annotations?.[ANNOTATION_LEADER] === undefined;
}

/** managedByController: the slice is one of ours. */
export function isMirrored(slice: { metadata: Meta }): boolean {
  return slice.metadata.labels?.[LABEL_MANAGED_BY] === MIRRORING_CONTROLLER_NAME;
}

/**
 * addressToEndpoint: the address, parsed and printed again (leading zeros, IPv6 forms), as an
 * endpoint with only the `ready` condition, the address's hostname, nodeName and targetRef
 * (copied as they are). Undefined when the address is not an IP.
 */
export function addressToEndpoint(address: EndpointAddress, ready: boolean): { endpoint: Endpoint; addressType: AddressType } | undefined {
  const ip = canonicalIP(address.ip ?? '');
  if (!ip) return undefined;
  // Keys in the Go struct's order, so that written objects read like upstream's.
  const endpoint: Endpoint = { addresses: [ip.ip], conditions: { ready } };
  if (address.hostname) endpoint.hostname = address.hostname;
  if (address.targetRef) endpoint.targetRef = address.targetRef;
  if (address.nodeName) endpoint.nodeName = address.nodeName;
  return { endpoint, addressType: ip.family };
}

/**
 * epPortsToEpsPorts: every port with its name ("" when unnamed), port, protocol and
 * appProtocol. A missing protocol is TCP: upstream's defaulting stores that in every Endpoints,
 * kubito's API keeps what it was given.
 */
export function slicePorts(ports: readonly EndpointsPort[] | null | undefined): EndpointPort[] {
  return (ports ?? []).map((p) => {
    const port: EndpointPort = { name: p.name ?? '', port: p.port, protocol: p.protocol || 'TCP' };
    if (p.appProtocol !== undefined) port.appProtocol = p.appProtocol;
    return port;
  });
}

/** addrTypePortMapKey: one group of slices per address type and set of ports (in any order). */
export function groupKey(addressType: AddressType, ports: readonly EndpointPort[] | null | undefined): string {
  return `${addressType}-${portMapKey(ports)}`;
}

function without(map: Record<string, string> | undefined, ...keys: string[]): Record<string, string> {
  const out: Record<string, string> = { ...(map ?? {}) };
  for (const key of keys) delete out[key];
  return out;
}

/** The Endpoints' annotations a mirrored slice carries: all but the trigger time and kubectl's last-applied copy. */
export function mirroredAnnotations(endpoints: Endpoints): Record<string, string> {
  return without(endpoints.metadata.annotations, ANNOTATION_TRIGGER_TIME, ANNOTATION_LAST_APPLIED);
}

/** apiequality.Semantic.DeepEqual of two string maps: missing and empty are equal. */
function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

/**
 * The slice's labels (but service-name and managed-by) are the Endpoints' labels, and its
 * annotations are the mirrored ones: reconcileByPortMapping's check before it keeps a slice.
 */
export function sameMetadata(slice: EndpointSlice, endpoints: Endpoints): boolean {
  return (
    sameMap(endpoints.metadata.labels ?? {}, without(slice.metadata.labels, LABEL_MANAGED_BY, LABEL_SERVICE_NAME)) &&
    sameMap(mirroredAnnotations(endpoints), slice.metadata.annotations ?? {})
  );
}

/** metav1.NewControllerRef(endpoints, v1 Endpoints): slices go with their Endpoints. */
export function endpointsOwnerRef(endpoints: Endpoints): OwnerReference {
  return { apiVersion: 'v1', kind: 'Endpoints', name: endpoints.metadata.name ?? '', uid: endpoints.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/**
 * newEndpointSlice: an empty slice for one group, named `name` (an update of that slice) or
 * generated from `<endpoints>-`. Labels: the Endpoints', then `kubernetes.io/service-name` and
 * `endpointslice.kubernetes.io/managed-by: endpointslicemirroring-controller.k8s.io`.
 */
export function newMirroredSlice(endpoints: Endpoints, ports: EndpointPort[], addressType: AddressType, name?: string): EndpointSlice {
  const labels: Record<string, string> = { ...(endpoints.metadata.labels ?? {}) };
  labels[LABEL_SERVICE_NAME] = endpoints.metadata.name ?? '';
  labels[LABEL_MANAGED_BY] = MIRRORING_CONTROLLER_NAME;
  const metadata: EndpointSlice['metadata'] = name ? { name } : { generateName: slicePrefix(endpoints.metadata.name ?? '') };
  Object.assign(metadata, { namespace: endpoints.metadata.namespace, labels });
  // An empty map is left out, as Go's omitempty leaves it out of upstream's objects.
  const annotations = mirroredAnnotations(endpoints);
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  metadata.ownerReferences = [endpointsOwnerRef(endpoints)];
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata, addressType, endpoints: [], ports };
}
