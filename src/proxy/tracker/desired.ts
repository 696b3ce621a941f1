/**
 * @module Services + EndpointSlices → DesiredState, the whole of what a backend renders, and the
 * diff of two desired states into the keys (`servicePortKey`) whose rules must be rewritten.
 * Pure: the change tracker calls these per Service; golden tests call them on whole clusters.
 */
import { servicePortKey, type DesiredState, type ProxyNodeConfig, type ServicePortState } from '../types.js';
import { categorizeEndpoints, usesClusterEndpoints } from './categorize.js';
import { mergeSlices, portKey, sliceService, sliceTriggerTime } from './endpoints.js';
import { compareServicePorts, servicePortsOf } from './service-ports.js';
import { ANNOTATION_TOPOLOGY_HINTS, ANNOTATION_TOPOLOGY_MODE, type ProxyEndpointSlice, type ProxyService } from './views.js';

export interface ServiceStateOptions {
  nodeName: string;
  /** The node's zone label, for topology hints. */
  nodeZone?: string;
}

function wantsTopology(svc: ProxyService): boolean {
  if (svc.spec?.trafficDistribution === 'PreferClose') return true;
  const a = svc.metadata.annotations ?? {};
  const mode = a[ANNOTATION_TOPOLOGY_MODE] ?? a[ANNOTATION_TOPOLOGY_HINTS];
  return mode === 'Auto' || mode === 'auto';
}

/** One Service's ports with their endpoints, given the slices that belong to it. */
export function serviceState(svc: ProxyService, slices: Iterable<ProxyEndpointSlice>, options: ServiceStateOptions): ServicePortState[] {
  const ports = servicePortsOf(svc);
  if (ports.length === 0) return [];
  const sliceList = [...slices];
  const merged = mergeSlices(sliceList, options.nodeName);
  let trigger: number | undefined;
  for (const s of sliceList) {
    const t = sliceTriggerTime(s);
    if (t !== undefined && (trigger === undefined || t > trigger)) trigger = t;
  }
  const topology = wantsTopology(svc);
  return ports.map((info) => {
    const pe = merged.get(portKey(info.portName, info.protocol));
    const endpoints = pe?.endpoints ?? [];
    const policy = categorizeEndpoints(endpoints, info, { nodeZone: options.nodeZone, wantsTopology: topology, hintsByEndpoint: pe?.hints });
    const internal = info.internalPolicyLocal ? policy.local : policy.cluster;
    const external = info.externalPolicyLocal ? policy.local : usesClusterEndpoints(info) ? policy.cluster : [];
    return {
      ...info,
      endpoints,
      clusterEndpoints: internal,
      externalEndpoints: external,
      ...(trigger !== undefined ? { triggerTimeMs: trigger } : {}),
      policy,
    };
  });
}

/** Groups slices by the `<ns>/<service>` they belong to (slices kube-proxy ignores are dropped). */
export function slicesByService(slices: Iterable<ProxyEndpointSlice>): Map<string, ProxyEndpointSlice[]> {
  const out = new Map<string, ProxyEndpointSlice[]>();
  for (const s of slices) {
    const svc = sliceService(s);
    if (!svc) continue;
    const list = out.get(svc);
    if (list) list.push(s);
    else out.set(svc, [s]);
  }
  return out;
}

/** The whole desired state of a node from every Service and EndpointSlice it knows. */
export function computeDesiredState(services: Iterable<ProxyService>, slices: Iterable<ProxyEndpointSlice>, node: ProxyNodeConfig, options: { nodeZone?: string } = {}): DesiredState {
  const bySvc = slicesByService(slices);
  const servicePorts: ServicePortState[] = [];
  for (const svc of services) {
    const id = `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
    servicePorts.push(...serviceState(svc, bySvc.get(id) ?? [], { nodeName: node.nodeName, nodeZone: options.nodeZone }));
  }
  return { node, servicePorts: servicePorts.sort(compareServicePorts) };
}

/** Equality of two service ports for rendering: everything but the trigger time. */
export function sameServicePort(a: ServicePortState, b: ServicePortState): boolean {
  const { triggerTimeMs: _a, ...x } = a;
  const { triggerTimeMs: _b, ...y } = b;
  return JSON.stringify(x) === JSON.stringify(y);
}

/**
 * The keys of service ports added, removed or changed from `prev` to `next` (trigger times
 * aside). A backend rewrites exactly these; a change of `node` is the caller's cue for `'all'`.
 */
export function diffDesiredStates(prev: DesiredState, next: DesiredState): Set<string> {
  const before = new Map(prev.servicePorts.map((sp) => [servicePortKey(sp), sp]));
  const changed = new Set<string>();
  for (const sp of next.servicePorts) {
    const key = servicePortKey(sp);
    const old = before.get(key);
    before.delete(key);
    if (!old || !sameServicePort(old, sp)) changed.add(key);
  }
  for (const key of before.keys()) changed.add(key);
  return changed;
}
