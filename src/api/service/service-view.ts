/**
 * @module The fields of a v1 Service this folder reads and writes (a slim projection of
 * k8s.io/api/core/v1 ServiceSpec), and the predicates upstream asks of them
 * (pkg/api/service/util.go, the registry's needsClusterIP / needsNodePort / needsHCNodePort).
 */
import type { KubeObject } from '../types.js';
import type { Holdings } from './allocators.js';
import { parseIP } from './net.js';

export interface ServicePortView {
  name?: string;
  protocol?: string;
  appProtocol?: string;
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpecView {
  type?: string;
  selector?: Record<string, string> | null;
  ports?: ServicePortView[] | null;
  clusterIP?: string;
  clusterIPs?: string[] | null;
  ipFamilies?: string[] | null;
  ipFamilyPolicy?: string | null;
  externalName?: string;
  externalIPs?: string[] | null;
  sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number | null } | null } | null;
  externalTrafficPolicy?: string;
  internalTrafficPolicy?: string | null;
  healthCheckNodePort?: number;
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[] | null;
  loadBalancerClass?: string | null;
  allocateLoadBalancerNodePorts?: boolean | null;
  publishNotReadyAddresses?: boolean;
  trafficDistribution?: string | null;
}

export interface ServiceView {
  metadata: KubeObject['metadata'];
  spec: ServiceSpecView;
  status?: Record<string, unknown>;
}

/** The object as a Service (the spec is created when absent). */
export function asService(obj: KubeObject): ServiceView {
  const svc = obj as unknown as ServiceView;
  if (!svc.spec || typeof svc.spec !== 'object') svc.spec = {};
  return svc;
}

export function ports(svc: ServiceView): ServicePortView[] {
  return Array.isArray(svc.spec.ports) ? svc.spec.ports : [];
}

export function clusterIPs(svc: ServiceView): string[] {
  return Array.isArray(svc.spec.clusterIPs) ? svc.spec.clusterIPs : [];
}

export function ipFamilies(svc: ServiceView): string[] {
  return Array.isArray(svc.spec.ipFamilies) ? svc.spec.ipFamilies : [];
}

/** isHeadlessService: clusterIPs is exactly ["None"]. */
export function isHeadless(svc: ServiceView): boolean {
  const ips = clusterIPs(svc);
  return ips.length === 1 && ips[0] === 'None';
}

export function needsClusterIP(svc: ServiceView): boolean {
  return svc.spec.type !== 'ExternalName';
}

export function needsNodePort(svc: ServiceView): boolean {
  return svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer';
}

/** ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with externalIPs. */
export function externallyAccessible(svc: ServiceView): boolean {
  const t = svc.spec.type;
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && (svc.spec.externalIPs?.length ?? 0) > 0);
}

/** NeedsHealthCheck: a LoadBalancer with externalTrafficPolicy Local. */
export function needsHealthCheck(svc: ServiceView): boolean {
  return svc.spec.type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local';
}

/** shouldAllocateNodePorts: NodePort always, LoadBalancer unless allocateLoadBalancerNodePorts is false. */
export function shouldAllocateNodePorts(svc: ServiceView): boolean {
  if (svc.spec.type === 'NodePort') return true;
  return svc.spec.type === 'LoadBalancer' && svc.spec.allocateLoadBalancerNodePorts !== false;
}

export function sameStrings(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Every node port a Service's ports name (collectServiceNodePorts). */
export function nodePortsOf(svc: ServiceView): number[] {
  return ports(svc)
    .map((p) => p.nodePort)
    .filter((n): n is number => typeof n === 'number' && n !== 0);
}

/**
 * What a stored Service holds in the allocators (releaseAllocatedResources): its IPv4
 * ClusterIPs unless ExternalName or headless, every node port, and the health check node
 * port when it needs one.
 */
export function holdingsOf(svc: ServiceView): Holdings {
  const ips: number[] = [];
  const list = clusterIPs(svc);
  if (needsClusterIP(svc) && !(list.length && list[0] === 'None')) {
    for (const text of list) {
      const ip = parseIP(text);
      if (ip?.family === 'IPv4') ips.push(ip.v4!);
    }
  }
  const portList = nodePortsOf(svc);
  const hc = svc.spec.healthCheckNodePort;
  if (needsHealthCheck(svc) && typeof hc === 'number' && hc > 0) portList.push(hc);
  return { ips: [...new Set(ips)], ports: [...new Set(portList)] };
}
