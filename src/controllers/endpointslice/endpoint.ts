/**
 * @module One Pod as an EndpointSlice endpoint, and the identities the reconciler groups by
 * (k8s.io/endpointslice utils.go and util/endpointset.go): podToEndpoint, getEndpointPorts,
 * the address types a Service wants, the endpoint hash (addresses, hostname, pod) and the
 * port-mapping key (one group of slices per distinct set of resolved ports).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { findPort, isPodReady, podIPs, shouldSetHostname } from './pods.js';
import { LABEL_TOPOLOGY_ZONE, type AddressType, type Endpoint, type EndpointPort, type NodeView, type PodView, type ServiceView } from './types.js';

/**
 * utilnet.ParseIPSloppy + String(): IPv4 with leading zeros read as decimal, IPv6 in canonical
 * form, IPv4-mapped IPv6 as IPv4. Undefined for what is not an IP.
 */
export function canonicalIP(ip: string): { ip: string; family: 'IPv4' | 'IPv6' } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((p) => p <= 255) ? { ip: parts.join('.'), family: 'IPv4' } : undefined;
  }
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped && isIPv4(mapped[1])) return canonicalIP(mapped[1]);
  if (!isIPv6(ip)) return undefined;
  // The WHATWG URL parser prints IPv6 hosts in RFC 5952 form, as Go's net.IP.String does.
  return { ip: new URL(`http://[${ip}]/`).hostname.slice(1, -1), family: 'IPv6' };
}

/**
 * getAddressTypesForService: the families in `spec.ipFamilies`; without them, the family of
 * the cluster IP; for a headless Service without families, both.
 */
export function addressTypesForService(service: ServiceView): AddressType[] {
  const families = service.spec?.ipFamilies ?? [];
  const types = (['IPv4', 'IPv6'] as const).filter((t) => families.includes(t));
  if (types.length > 0) return types;
  const clusterIP = service.spec?.clusterIP ?? '';
  if (clusterIP && clusterIP !== 'None') return [isIPv6(clusterIP) ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/**
 * getEndpointPorts: every Service port whose target resolves on this pod, as
 * `{name, protocol, port, appProtocol}`. A headless Service may have no ports.
 */
export function endpointPorts(service: ServiceView, pod: PodView): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const servicePort of service.spec?.ports ?? []) {
    const port = findPort(pod, servicePort);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: servicePort.name ?? '', protocol: servicePort.protocol ?? 'TCP', port };
    if (servicePort.appProtocol !== undefined) ep.appProtocol = servicePort.appProtocol;
    ports.push(ep);
  }
  return ports;
}

/**
 * podToEndpoint: the pod's addresses of one family, and conditions
 * `serving` = Ready, `terminating` = being deleted,
 * `ready` = publishNotReadyAddresses || (serving && !terminating).
 */
export function podToEndpoint(pod: PodView, node: NodeView | undefined, service: ServiceView, addressType: AddressType): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = !!service.spec?.publishNotReadyAddresses || (serving && !terminating);
  const addresses: string[] = [];
  for (const raw of podIPs(pod)) {
    const ip = canonicalIP(raw);
    if (ip && ip.family === addressType) addresses.push(ip.ip);
  }
  // Keys in the Go struct's order, so that written objects read like upstream's.
  const endpoint: Endpoint = { addresses, conditions: { ready, serving, terminating } };
  if (shouldSetHostname(pod, service)) endpoint.hostname = pod.spec!.hostname;
  endpoint.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[LABEL_TOPOLOGY_ZONE];
  if (zone) endpoint.zone = zone;
  return endpoint;
}

/**
 * The endpoint's identity in a set (hashEndpoint): sorted addresses, hostname, and the pod's
 * namespace/name. Conditions, node and zone are left out so they can change in place.
 */
export function endpointKey(endpoint: Endpoint): string {
  return JSON.stringify([[...endpoint.addresses].sort(), endpoint.hostname ?? '', endpoint.targetRef?.namespace ?? '', endpoint.targetRef?.name ?? '']);
}

function normalizedPort(port: EndpointPort): string {
  return JSON.stringify([port.name ?? null, port.protocol ?? null, port.port ?? null, port.appProtocol ?? null]);
}

/** NewPortMapKey: the same ports in any order give the same key. */
export function portMapKey(ports: readonly EndpointPort[] | null | undefined): string {
  return JSON.stringify((ports ?? []).map(normalizedPort).sort());
}

function optionalChanged<T>(a: T | null | undefined, b: T | null | undefined): boolean {
  const na = a === null || a === undefined;
  const nb = b === null || b === undefined;
  return na !== nb || (!na && a !== b);
}

/**
 * EndpointsEqualBeyondHash: node, zone, the three conditions and the target reference (its
 * resourceVersion aside) are the same. Hints are not compared: they are reconciled apart.
 */
export function endpointsEqualBeyondKey(a: Endpoint, b: Endpoint): boolean {
  if (optionalChanged(a.nodeName, b.nodeName) || optionalChanged(a.zone, b.zone)) return false;
  const ca = a.conditions ?? {};
  const cb = b.conditions ?? {};
  if (optionalChanged(ca.ready, cb.ready) || optionalChanged(ca.serving, cb.serving) || optionalChanged(ca.terminating, cb.terminating)) return false;
  const ra = a.targetRef;
  const rb = b.targetRef;
  if (!ra || !rb) return !ra && !rb;
  return (['kind', 'namespace', 'name', 'uid', 'apiVersion', 'fieldPath'] as const).every((f) => (ra[f] ?? '') === (rb[f] ?? ''));
}

/**
 * LessEndpointAddress on the first address, then the pod uid: the order in which kubito adds
 * new endpoints to slices (upstream takes them in random map order), so that slices list pods
 * in the same order as the Endpoints object does.
 */
export function compareEndpoints(a: Endpoint, b: Endpoint): number {
  const ia = a.addresses[0] ?? '';
  const ib = b.addresses[0] ?? '';
  if (ia !== ib) return Buffer.compare(Buffer.from(ia), Buffer.from(ib));
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}
