/**
 * @module Which endpoints a service port's traffic uses: kube-proxy's `CategorizeEndpoints`
 * (K/K pkg/proxy/topology.go). Ready endpoints first; when none, the serving-and-terminating
 * ones (KEP-1669), for the Cluster and the Local policy independently; topology hints narrow the
 * Cluster set when every endpoint has them and some is for this node's zone. Pure.
 */
import { externallyAccessible, sortEndpoints, type EndpointSets, type ProxyEndpoint, type ServicePortState } from '../types.js';

/** The endpoint facts besides ProxyEndpoint that topology needs. */
export interface TopologyInput {
  /** The node's `topology.kubernetes.io/zone`; undefined: topology is not used. */
  nodeZone?: string;
  /** Whether the Service asks for topology (trafficDistribution, topology-mode annotation). */
  wantsTopology?: boolean;
  /** Per endpoint `ip:port`, the zones its hints name. */
  hintsByEndpoint?: ReadonlyMap<string, string[]>;
}

type PolicyFacts = Pick<ServicePortState, 'internalPolicyLocal' | 'externalPolicyLocal' | 'nodePort' | 'externalIPs' | 'loadBalancerIPs'>;

/** The service port needs its Cluster-policy chain (also to short-circuit Local external traffic). */
export function usesClusterEndpoints(sp: PolicyFacts): boolean {
  return !sp.internalPolicyLocal || externallyAccessible(sp);
}

export function usesLocalEndpoints(sp: PolicyFacts): boolean {
  return sp.internalPolicyLocal || (sp.externalPolicyLocal && externallyAccessible(sp));
}

function key(e: ProxyEndpoint): string {
  return `${e.ip}:${e.port}`;
}

function canUseTopology(endpoints: ProxyEndpoint[], topology: TopologyInput): boolean {
  const zone = topology.nodeZone;
  if (!topology.wantsTopology || !zone || !topology.hintsByEndpoint) return false;
  let hasForZone = false;
  for (const e of endpoints) {
    if (!e.ready) continue;
    const hints = topology.hintsByEndpoint.get(key(e));
    if (!hints || hints.length === 0) return false;
    if (hints.includes(zone)) hasForZone = true;
  }
  return hasForZone;
}

/** Splits `endpoints` (all of the port's, sorted) into the policy chains' sets. */
export function categorizeEndpoints(endpoints: ProxyEndpoint[], sp: PolicyFacts, topology: TopologyInput = {}): EndpointSets {
  let cluster: ProxyEndpoint[] = [];
  let local: ProxyEndpoint[] = [];
  let hasEndpoints = false;
  const useCluster = usesClusterEndpoints(sp);
  if (useCluster) {
    const topo = canUseTopology(endpoints, topology);
    cluster = endpoints.filter((e) => e.ready && (!topo || (topology.hintsByEndpoint?.get(key(e)) ?? []).includes(topology.nodeZone!)));
    if (cluster.length === 0) cluster = endpoints.filter((e) => e.serving && e.terminating);
    hasEndpoints = cluster.length > 0;
  }
  if (!usesLocalEndpoints(sp)) return { hasEndpoints, cluster, local, reachable: cluster };
  let localReady = false;
  let localServingTerminating = false;
  for (const e of endpoints) {
    if (e.ready) {
      hasEndpoints = true;
      if (e.isLocal) localReady = true;
    } else if (e.serving && e.terminating) {
      hasEndpoints = true;
      if (e.isLocal) localServingTerminating = true;
    }
  }
  if (localReady) local = endpoints.filter((e) => e.isLocal && e.ready);
  else if (localServingTerminating) local = endpoints.filter((e) => e.isLocal && e.serving && e.terminating);
  if (!useCluster) return { hasEndpoints, cluster, local, reachable: local };
  const merged = new Map<string, ProxyEndpoint>();
  for (const e of [...cluster, ...local]) merged.set(key(e), e);
  return { hasEndpoints, cluster, local, reachable: sortEndpoints([...merged.values()]) };
}
