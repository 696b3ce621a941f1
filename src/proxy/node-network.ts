/**
 * @module What the node namespace needs before Service rules can answer (run once by the proxy at
 * start, in the node namespace). Pure: a list of argv.
 *
 * - The bridge gets a fixed MAC address. A Linux bridge whose address nobody set takes the lowest
 *   MAC among its ports, so it changes whenever a pod's veth with a lower random MAC joins or the
 *   lowest one leaves (a pod deleted and replaced). The pods' ARP entries for the gateway
 *   (10.244.0.1: their default route, kube-proxy's /metrics and /healthz, DNS, every Service VIP)
 *   then name a MAC the bridge no longer delivers locally, and every packet a pod sends through
 *   the gateway is lost until its neighbour entry goes stale and is re-resolved (~20-30 s; a TCP
 *   connect in that window can hang through all its SYN retries). Once set, the kernel keeps a
 *   bridge's address (`addr_assign_type` 3) whatever its ports do. The address is derived from
 *   the node IP (`0a:58:` + its four bytes, locally administered, as OVN-Kubernetes does), so an
 *   agent restart sets the same one and pods keep their entries.
 * - A real node routes Service IPs by its default route, so a packet to a ClusterIP without
 *   endpoints reaches FORWARD and its REJECT; kubito's node namespace has no default route, so
 *   the Service CIDRs get one via the bridge.
 * - The kernel's per-host ICMP rate limit (1/s, which on recent kernels also holds back the first
 *   error to a new peer) is lifted in this namespace, so a REJECT refuses every connection at
 *   once instead of after a SYN retransmit.
 */
import type { ProxyNodeConfig } from './types.js';

/** The node's bridge (src/node/sandbox-plan.ts BRIDGE). */
export const NODE_BRIDGE = 'kbr0';

/** The bridge's fixed MAC for a node IPv4 address: `0a:58:` followed by the address's bytes. */
export function bridgeMacFor(nodeIP: string): string {
  const bytes = nodeIP.split('.').map(Number);
  if (bytes.length !== 4 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) throw new Error(`bridgeMacFor: ${nodeIP} is not an IPv4 address`);
  return ['0a', '58', ...bytes.map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

export function nodeNetworkSteps(node: ProxyNodeConfig, bridge = NODE_BRIDGE): string[][] {
  const ipv4 = node.nodeIPs.find((ip) => !ip.includes(':'));
  return [
    ...(ipv4 ? [['ip', 'link', 'set', 'dev', bridge, 'address', bridgeMacFor(ipv4)]] : []),
    ...node.serviceCIDRs.filter((c) => !c.includes(':')).map((cidr) => ['ip', 'route', 'replace', cidr, 'dev', bridge]),
    ['sysctl', '-q', '-w', 'net.ipv4.icmp_ratelimit=0'],
  ];
}
