/**
 * @module What the node namespace needs before Service rules can answer (run once by the proxy at
 * start, in the node namespace). A real node routes Service IPs by its default route, so a packet
 * to a ClusterIP without endpoints reaches FORWARD and its REJECT; kubito's node namespace has
 * no default route, so the Service CIDRs get one via the bridge. And the kernel's per-host ICMP
 * rate limit (1/s, which on recent kernels also holds back the first error to a new peer) is
 * lifted in this namespace, so a REJECT refuses every connection at once instead of after a SYN
 * retransmit. Pure: a list of argv.
 */
import type { ProxyNodeConfig } from './types.js';

/** The node's bridge (src/node/sandbox-plan.ts BRIDGE). */
export const NODE_BRIDGE = 'kbr0';

export function nodeNetworkSteps(node: ProxyNodeConfig, bridge = NODE_BRIDGE): string[][] {
  return [...node.serviceCIDRs.filter((c) => !c.includes(':')).map((cidr) => ['ip', 'route', 'replace', cidr, 'dev', bridge]), ['sysctl', '-q', '-w', 'net.ipv4.icmp_ratelimit=0']];
}
