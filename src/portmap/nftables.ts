/**
 * @module The port mappings as one nftables transaction on the table `ip kubito-hostports` (the
 * CNI portmap plugin's nftables backend, its `cni_hostport` table, in the shape upstream fixed
 * in containernetworking/plugins#1210). Pure: text out, never a command.
 *
 * ```
 * prerouting (nat, dstnat)  fib daddr . iif type local jump hostports  traffic from pods to the node address
 * output (nat, -100)        ip daddr { 127.0.0.0/8, <node IP> } jump hostports   traffic of the node itself
 * hostports                 [ip daddr <hostIP>] ip protocol tcp th dport 8081 dnat ip addr . port to 10.244.0.5 . 80
 * masquerading (srcnat)     ip saddr <podIP> ip daddr <podIP> masquerade     hairpin: a pod to itself
 *                           ip saddr 127.0.0.1 ip daddr <podIP> masquerade   the node's localhost
 * ```
 *
 * The whole table is replaced in one transaction (`add table; delete table; table {...}`): it
 * holds one rule per mapping and two per pod, so a partial update would save nothing worth its
 * bookkeeping. No mapping at all: the table is deleted. kube-proxy's `ip kube-proxy` table is
 * never named.
 */
import type { PortMapping } from './mappings.js';

export const NFT_TABLE = 'kubito-hostports';
const TABLE = `ip ${NFT_TABLE}`;
/** The node's address on the pod network (the bridge's), where host ports answer by default. */
export const DEFAULT_NODE_IP = '10.244.0.1';

export interface NftRenderOptions {
  /** The node's own addresses besides 127.0.0.0/8 (its bridge address); default [DEFAULT_NODE_IP]. */
  nodeIPs?: readonly string[];
}

/** nft comments hold at most 128 bytes. */
function comment(text: string): string {
  return `comment "${text.replace(/["\\]/g, '').slice(0, 128)}"`;
}

/** The rule of one mapping in the `hostports` chain. */
export function nftMappingRule(m: PortMapping): string {
  const dst = m.hostIP ? `ip daddr ${m.hostIP} ` : '';
  return `${dst}ip protocol ${m.protocol} th dport ${m.hostPort} dnat ip addr . port to ${m.podIP} . ${m.containerPort} ${comment(m.pod)}`;
}

/** The script that makes the table exactly these mappings (or removes it when there are none). */
export function renderNftables(mappings: readonly PortMapping[], options: NftRenderOptions = {}): string {
  const lines = [`add table ${TABLE}`, `delete table ${TABLE}`];
  if (mappings.length === 0) return `${lines.join('\n')}\n`;
  lines.push(`table ${TABLE} {`, `\tcomment "kubito hostPorts (CNI portmap)"`);
  lines.push('\tchain hostports {');
  for (const m of mappings) lines.push(`\t\t${nftMappingRule(m)}`);
  lines.push('\t}');
  // `. iif`: local on the interface the packet came in on (the pods' bridge: the node address).
  // Service VIPs local on another interface (userspace mode's kube-ipvs0) are not hostPorts.
  lines.push('\tchain prerouting {', '\t\ttype nat hook prerouting priority dstnat; policy accept;', '\t\tfib daddr . iif type local jump hostports', '\t}');
  // The node's own connections have no `iif`; and `fib daddr . oif type local` asks about `lo`,
  // the output device of every local destination, so it holds only for 127/8. The node's
  // addresses are named instead: loopback and the bridge address — not userspace mode's VIPs,
  // which are local too (on kube-ipvs0) and belong to their Services.
  const own = ['127.0.0.0/8', ...(options.nodeIPs ?? [DEFAULT_NODE_IP])].join(', ');
  lines.push('\tchain output {', '\t\ttype nat hook output priority -100; policy accept;', `\t\tip daddr { ${own} } jump hostports`, '\t}');
  lines.push('\tchain masquerading {', '\t\ttype nat hook postrouting priority srcnat; policy accept;');
  const pods = new Map<string, PortMapping>();
  for (const m of mappings) if (!pods.has(`${m.uid} ${m.podIP}`)) pods.set(`${m.uid} ${m.podIP}`, m);
  for (const m of pods.values()) {
    lines.push(`\t\tip saddr ${m.podIP} ip daddr ${m.podIP} masquerade ${comment(m.pod)}`);
    lines.push(`\t\tip saddr 127.0.0.1 ip daddr ${m.podIP} masquerade ${comment(m.pod)}`);
  }
  lines.push('\t}', '}');
  return `${lines.join('\n')}\n`;
}
