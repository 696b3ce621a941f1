/**
 * @module What one service port contributes to the `ip kube-proxy` table, as kube-proxy's
 * nftables proxier writes it (K/K pkg/proxy/nftables/proxier.go `syncProxyRules`): its own
 * chains (service-, local-, external-, firewall-, endpoint-), affinity sets, the rules in them,
 * and its elements in the shared maps (service-ips, service-nodeports, no-endpoint-services,
 * no-endpoint-nodeports, firewall-ips). Pure; render.ts turns these into `nft -f` text, whole or
 * as the difference between two versions of a port.
 */
import { cidrContains } from '../iptables/render.js';
import { portPlan, servicePortKey, type ProxyEndpoint, type ProxyNodeConfig, type ServicePortState } from '../types.js';
import {
  affinitySet,
  endpointChain,
  FIREWALL_IPS_MAP,
  MARK_MASQ_CHAIN,
  NO_ENDPOINT_NODEPORTS_MAP,
  NO_ENDPOINT_SERVICES_MAP,
  REJECT_CHAIN,
  SERVICE_IPS_MAP,
  SERVICE_NODEPORTS_MAP,
  servicePortChainBase,
} from './names.js';

/** One element of a verdict map: `{ <key> [comment "<comment>"] : <verdict> }`. */
export interface MapElement {
  map: string;
  key: string;
  verdict: string;
  comment?: string;
}

/** A rule: the chain it goes in and its text after the chain name. */
export interface ChainRule {
  chain: string;
  rule: string;
}

export interface AffinitySet {
  name: string;
  timeoutSeconds: number;
}

/** Everything one service port owns in the table. */
export interface PortRules {
  key: string;
  servicePortName: string;
  clusterIP: string;
  /** Its own chains, in the order they are declared. */
  chains: string[];
  sets: AffinitySet[];
  rules: ChainRule[];
  elements: MapElement[];
}

/** `"text"` for nft (names and IPs never hold quotes; a comment's quotes are dropped). */
export function quote(text: string): string {
  return `"${text.replaceAll('"', '')}"`;
}

/** The nft element text inside braces: `172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain`. */
export function elementText(e: MapElement): string {
  return `${e.key}${e.comment !== undefined ? ` comment ${quote(e.comment)}` : ''} : ${e.verdict}`;
}

/**
 * Above this many service ports, a service chain picks its endpoint with a cascade of
 * `numgen random mod K 0 goto endpoint-X` rules (the iptables `statistic` cascade: uniform too)
 * instead of upstream's `numgen random mod N vmap { ... }`. Each such vmap is an anonymous set,
 * and the kernel's loop check walks every set of the table for each jump it adds, so with one
 * vmap per service a 3,000-service table took 2-13 s to load and 10,000 services 90+ s (kernel
 * 6.18, nft 1.0.6); the cascade loads 3,000 in 0.9 s.
 */
export const LARGE_CLUSTER_SERVICE_PORTS = 1000;

export interface PortRulesOptions {
  /** Cascade dispatch instead of one anonymous vmap per service chain (see LARGE_CLUSTER_SERVICE_PORTS). */
  large?: boolean;
}

export function portRules(sp: ServicePortState, node: ProxyNodeConfig, options: PortRulesOptions = {}): PortRules {
  const proto = sp.protocol.toLowerCase();
  const sets = portPlan(sp);
  const { hasEndpoints, usesClusterChain, usesLocalChain, hasInternalEndpoints, hasExternalEndpoints, usesExtChain } = sets;
  // One hash for the four names (serviceChain & co. would each hash the same text).
  const base = servicePortChainBase(sp);
  const svcChain = `service-${base}`;
  const svlChain = `local-${base}`;
  const extChain = `external-${base}`;
  const fwChain = `firewall-${base}`;
  const internalChain = sets.internalLocal ? svlChain : svcChain;
  const externalPolicyChain = sets.externalLocal ? svlChain : svcChain;
  // Upstream's nftables proxier uses the firewall chain whether or not there are endpoints.
  const usesFwChain = sp.loadBalancerIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0;

  let internalVerdict = '';
  let externalVerdict = '';
  if (!hasEndpoints) {
    internalVerdict = externalVerdict = `goto ${REJECT_CHAIN}`;
  } else {
    if (!hasInternalEndpoints) internalVerdict = 'drop';
    if (!hasExternalEndpoints) externalVerdict = 'drop';
  }

  const out: PortRules = { key: servicePortKey(sp), servicePortName: sp.servicePortName, clusterIP: sp.clusterIP, chains: [], sets: [], rules: [], elements: [] };
  const chains = new Set<string>();
  const declare = (chain: string): void => {
    if (!chains.has(chain)) chains.add(chain);
  };
  const rule = (chain: string, text: string): void => {
    out.rules.push({ chain, rule: text });
  };
  const element = (map: string, key: string, verdict: string, comment?: string): void => {
    out.elements.push(comment === undefined ? { map, key, verdict } : { map, key, verdict, comment });
  };
  const ipKey = (ip: string): string => `${ip} . ${proto} . ${sp.port}`;
  const name = sp.servicePortName;

  // Chains in upstream's ensureChain order: endpoints, cluster, local, external, firewall.
  for (const ep of sets.reachable) declare(endpointChain(sp, ep));
  if (usesClusterChain) declare(svcChain);
  if (usesLocalChain) declare(svlChain);
  if (usesExtChain) declare(extChain);

  // The cluster IP.
  if (hasInternalEndpoints) element(SERVICE_IPS_MAP, ipKey(sp.clusterIP), `goto ${internalChain}`);
  else element(NO_ENDPOINT_SERVICES_MAP, ipKey(sp.clusterIP), internalVerdict, name);

  // External IPs.
  for (const ip of sp.externalIPs) {
    if (hasEndpoints) element(SERVICE_IPS_MAP, ipKey(ip), `goto ${extChain}`);
    if (!hasExternalEndpoints) element(NO_ENDPOINT_SERVICES_MAP, ipKey(ip), externalVerdict, name);
  }

  // LoadBalancerSourceRanges.
  if (usesFwChain) {
    declare(fwChain);
    const sources = [...sp.loadBalancerSourceRanges];
    if (sp.loadBalancerSourceRanges.some((cidr) => node.nodeIPs.some((ip) => cidrContains(cidr, ip)))) sources.push(...sp.loadBalancerIPs);
    rule(fwChain, `ip saddr != { ${sources.join(', ')} } drop`);
  }

  // LoadBalancer IPs.
  for (const ip of sp.loadBalancerIPs) {
    if (hasEndpoints) element(SERVICE_IPS_MAP, ipKey(ip), `goto ${extChain}`);
    // No comment: upstream's firewall-ips elements have none (its no-endpoint ones do).
    if (usesFwChain) element(FIREWALL_IPS_MAP, ipKey(ip), `goto ${fwChain}`);
  }
  if (!hasExternalEndpoints) for (const ip of sp.loadBalancerIPs) element(NO_ENDPOINT_SERVICES_MAP, ipKey(ip), externalVerdict, name);

  // The NodePort.
  if (sp.nodePort !== 0) {
    if (hasEndpoints) element(SERVICE_NODEPORTS_MAP, `${proto} . ${sp.nodePort}`, `goto ${extChain}`);
    if (!hasExternalEndpoints) element(NO_ENDPOINT_NODEPORTS_MAP, `${proto} . ${sp.nodePort}`, externalVerdict, name);
  }

  // Traffic to the cluster IP from outside the cluster CIDR is masqueraded.
  if (hasInternalEndpoints && node.clusterCIDR) {
    rule(internalChain, `ip daddr ${sp.clusterIP} ${proto} dport ${sp.port} ip saddr != ${node.clusterCIDR} jump ${MARK_MASQ_CHAIN}`);
  }

  // External destinations.
  if (usesExtChain) {
    if (!sp.externalPolicyLocal) {
      rule(extChain, `jump ${MARK_MASQ_CHAIN}`);
    } else {
      // Pod and node traffic ignores the Local policy (as if out to a load balancer and back);
      // it needs the Cluster chain, which the tracker provides for externally reachable ports.
      if (usesClusterChain && node.clusterCIDR) rule(extChain, `ip saddr ${node.clusterCIDR} goto ${svcChain} comment ${quote('short-circuit pod traffic')}`);
      rule(extChain, `fib saddr type local jump ${MARK_MASQ_CHAIN} comment ${quote('masquerade local traffic')}`);
      if (usesClusterChain) rule(extChain, `fib saddr type local goto ${svcChain} comment ${quote('short-circuit local traffic')}`);
    }
    if (hasExternalEndpoints) rule(extChain, `goto ${externalPolicyChain}`);
  }

  // Affinity sets, one per reachable endpoint.
  const affinity = sp.stickyMaxAgeSeconds > 0;
  if (affinity) for (const ep of sets.reachable) out.sets.push({ name: affinitySet(sp, ep), timeoutSeconds: sp.stickyMaxAgeSeconds });

  const large = options.large ?? false;
  if (usesClusterChain) writeServiceToEndpointRules(out, sp, svcChain, sets.cluster, large);
  if (usesLocalChain) writeServiceToEndpointRules(out, sp, svlChain, sets.local, large);

  for (const ep of sets.reachable) {
    const chain = endpointChain(sp, ep);
    rule(chain, `ip saddr ${ep.ip} jump ${MARK_MASQ_CHAIN}`);
    if (affinity) rule(chain, `update @${affinitySet(sp, ep)} { ip saddr }`);
    rule(chain, `meta l4proto ${proto} dnat to ${ep.ip}:${ep.port}`);
  }
  out.chains = [...chains];
  return out;
}

function writeServiceToEndpointRules(out: PortRules, sp: ServicePortState, chain: string, endpoints: ProxyEndpoint[], large: boolean): void {
  if (sp.stickyMaxAgeSeconds > 0) {
    for (const ep of endpoints) out.rules.push({ chain, rule: `ip saddr @${affinitySet(sp, ep)} goto ${endpointChain(sp, ep)}` });
  }
  if (large) {
    // Endpoint i of n is taken with probability 1/(n-i) among those left: uniform overall.
    endpoints.forEach((ep, i) => {
      const left = endpoints.length - i;
      out.rules.push({ chain, rule: left > 1 ? `numgen random mod ${left} 0 goto ${endpointChain(sp, ep)}` : `goto ${endpointChain(sp, ep)}` });
    });
    return;
  }
  const vmap = endpoints.map((ep, i) => `${i} : goto ${endpointChain(sp, ep)}`).join(' , ');
  out.rules.push({ chain, rule: `numgen random mod ${endpoints.length} vmap { ${vmap} }` });
}
