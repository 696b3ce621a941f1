/**
 * @module How kube-apiserver (1.33) reconciles the linked fields of a Service across a write,
 * before allocation and validation: `normalizeClusterIPs` and `patchAllocatedValues` and the
 * read-time defaults (pkg/registry/core/service/storage/storage.go), and the type-change
 * clean-up `dropTypeDependentFields` (pkg/registry/core/service/strategy.go). All mutate
 * `next` in place and never touch `prev`.
 */
import { isIPv6String } from './net.js';
import {
  clusterIPs,
  externallyAccessible,
  ipFamilies,
  needsClusterIP,
  needsHealthCheck,
  needsNodePort,
  nodePortsOf,
  ports,
  sameStrings,
  type ServiceView,
} from './service-view.js';

/**
 * Keeps clusterIP and clusterIPs in step. On create a lone clusterIP seeds clusterIPs; on
 * update an old client that only knows clusterIP keeps the stored clusterIPs, and a changed
 * clusterIP with unchanged clusterIPs takes clusterIPs along.
 */
export function normalizeClusterIPs(next: ServiceView, prev?: ServiceView): void {
  const spec = next.spec;
  if (!prev) {
    if (spec.clusterIP && !clusterIPs(next).length) spec.clusterIPs = [spec.clusterIP];
    return;
  }
  if (clusterIPs(prev).length && !clusterIPs(next).length && (prev.spec.clusterIP ?? '') === (spec.clusterIP ?? '')) {
    spec.clusterIPs = [...clusterIPs(prev)];
  }
  if ((prev.spec.clusterIP ?? '') !== (spec.clusterIP ?? '')) {
    const same = sameStrings(clusterIPs(prev), clusterIPs(next));
    if (prev.spec.clusterIP && !spec.clusterIP) {
      if (same) delete spec.clusterIPs;
    } else if (same) {
      spec.clusterIPs = [spec.clusterIP ?? ''];
    }
  }
}

/**
 * Lets a client resubmit what it created without the values the server allocated: a missing
 * clusterIP(s), node port (matched by port name, if that number is not in use by another
 * port) or health check port is taken from the stored object.
 */
export function patchAllocatedValues(next: ServiceView, prev: ServiceView): void {
  if (needsClusterIP(prev) && needsClusterIP(next)) {
    if (!next.spec.clusterIP) next.spec.clusterIP = prev.spec.clusterIP;
    if (!clusterIPs(next).length && clusterIPs(prev).length) next.spec.clusterIPs = [...clusterIPs(prev)];
  }
  if (needsNodePort(prev) && needsNodePort(next)) {
    const nextUsed = new Set(nodePortsOf(next));
    const used = new Set(nodePortsOf(prev).filter((p) => nextUsed.has(p)));
    const byName = new Map<string, number>();
    for (const p of ports(prev)) byName.set(p.name ?? '', p.nodePort ?? 0);
    for (const p of ports(next)) {
      if (p.nodePort) continue;
      const old = byName.get(p.name ?? '') ?? 0;
      if (old && !used.has(old)) p.nodePort = old;
    }
  }
  if (needsHealthCheck(prev) && needsHealthCheck(next) && !next.spec.healthCheckNodePort && prev.spec.healthCheckNodePort) {
    next.spec.healthCheckNodePort = prev.spec.healthCheckNodePort;
  }
}

/**
 * defaultOnReadService: what a stored Service written before these fields existed reads as
 * (clusterIPs from clusterIP, ipFamilies and ipFamilyPolicy from the addresses, no
 * internalTrafficPolicy on ExternalName). `primary` is the cluster's primary family.
 */
export function defaultOnRead(svc: ServiceView, primary: 'IPv4' | 'IPv6'): void {
  normalizeClusterIPs(svc);
  const spec = svc.spec;
  if (spec.type === 'ExternalName') {
    delete spec.internalTrafficPolicy;
    return;
  }
  if (ipFamilies(svc).length) return;
  const other = primary === 'IPv4' ? 'IPv6' : 'IPv4';
  if (spec.clusterIP === 'None') {
    if (!Object.keys(spec.selector ?? {}).length) {
      spec.ipFamilyPolicy = 'RequireDualStack';
      spec.ipFamilies = [primary, other];
    } else {
      spec.ipFamilyPolicy = 'SingleStack';
      spec.ipFamilies = [primary];
    }
    return;
  }
  spec.ipFamilies = clusterIPs(svc).map((ip) => (isIPv6String(ip) ? 'IPv6' : 'IPv4'));
  if (spec.ipFamilies.length === 1) spec.ipFamilyPolicy = 'SingleStack';
  else if (spec.ipFamilies.length === 2) spec.ipFamilyPolicy = 'RequireDualStack';
}

function sameList(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean {
  // reflect.DeepEqual: nil and empty differ.
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  return sameStrings(a, b);
}

/**
 * dropTypeDependentFields: on a type change, wipes the fields the new type does not use and
 * that the user did not also change (those fail validation instead): clusterIP(s), ipFamilies
 * and ipFamilyPolicy leaving for ExternalName; node ports leaving NodePort/LoadBalancer; the
 * health check port, allocateLoadBalancerNodePorts and loadBalancerClass when no longer used;
 * externalTrafficPolicy when the Service stops being externally accessible (a ClusterIP
 * Service losing its externalIPs too); and the load-balancer status off LoadBalancer.
 * The allocator releases what was wiped once the write is stored.
 */
export function dropTypeDependentFields(next: ServiceView, prev: ServiceView): void {
  const spec = next.spec;
  const old = prev.spec;
  if (needsClusterIP(prev) && !needsClusterIP(next)) {
    if ((old.clusterIP ?? '') === (spec.clusterIP ?? '') && sameStrings(clusterIPs(prev), clusterIPs(next))) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (sameList(old.ipFamilies, spec.ipFamilies)) delete spec.ipFamilies;
    if ((old.ipFamilyPolicy ?? '') === (spec.ipFamilyPolicy ?? '')) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(prev) && !needsNodePort(next)) {
    const oldPorts = new Set(nodePortsOf(prev));
    if (nodePortsOf(next).every((p) => oldPorts.has(p))) for (const p of ports(next)) delete p.nodePort;
  }
  if (needsHealthCheck(prev) && !needsHealthCheck(next) && (old.healthCheckNodePort ?? 0) === (spec.healthCheckNodePort ?? 0)) {
    delete spec.healthCheckNodePort;
  }
  if (old.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    const a = old.allocateLoadBalancerNodePorts;
    const b = spec.allocateLoadBalancerNodePorts;
    if (a !== undefined && a !== null && b !== undefined && b !== null && a === b) delete spec.allocateLoadBalancerNodePorts;
  }
  if (old.type === 'LoadBalancer' && spec.type !== 'LoadBalancer' && (old.loadBalancerClass ?? null) === (spec.loadBalancerClass ?? null)) {
    delete spec.loadBalancerClass;
  }
  // With external accessibility (NodePort, LoadBalancer, ClusterIP with externalIPs), as defaulting and validation.
  if (externallyAccessible(prev) && !externallyAccessible(next) && (old.externalTrafficPolicy ?? '') === (spec.externalTrafficPolicy ?? '')) {
    delete spec.externalTrafficPolicy;
  }
  if (spec.type !== 'LoadBalancer') next.status = { ...(next.status ?? {}), loadBalancer: {} };
}
