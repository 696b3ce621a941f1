/**
 * @module Whether the node's hostPort rules (src/portmap: the `ip kubito-hostports` table, or
 * portmap's CNI-HOSTPORT chains in iptables mode) map exactly what the node's running pods ask
 * for: a mapping missing (the pod's host port does not answer on the node), a stale one (traffic
 * for a port goes to a pod that no longer asks for it), entry rules missing (no host port
 * answers), a pod whose host port kubito's own DNS holds (not mapped). Pure: the pods and what
 * the kernel holds come in, findings with their fixes go out.
 */
import { compareMappings, type KernelHostPorts, type KernelMapping } from '../portmap/inspect.js';
import { planMappings, type PortMapPod } from '../portmap/mappings.js';
import type { Finding } from './diagnose.js';

export interface HostPortsInput {
  /** The cluster's pods (those of other nodes are ignored). */
  pods: PortMapPod[];
  nodeName: string;
  /** What the node's kernel holds, in the family its proxy mode uses; or why it could not be read. */
  kernel: { family: 'nftables' | 'iptables'; read: KernelHostPorts } | { error: string };
}

function port(m: { hostIP: string; hostPort: number; protocol: string }): string {
  return `${m.hostIP ? `${m.hostIP}:` : ''}${m.hostPort}/${m.protocol.toUpperCase()}`;
}

/** What rewrites the table, and where the port mapper's errors are (the agent logs them with its kube-proxy). */
function rewriteHint(nodeName: string): string {
  return `The node agent's port mapper writes the whole table when a pod with a hostPort changes (gets its IP, goes) and retries failures (1 s doubling to 30 s); it does not read the kernel back, so rules changed by hand stay until then or an agent restart (kubito down, kubito up). Its errors: kubectl logs -n kube-system kube-proxy-${nodeName} | grep portmap.`;
}

function owner(m: KernelMapping, pods: PortMapPod[]): string {
  if (!m.owner) return 'no pod named';
  if (!m.owner.startsWith('uid:')) return m.owner;
  const uid = m.owner.slice(4);
  const pod = pods.find((p) => p.metadata.uid === uid);
  return pod ? `${pod.metadata.namespace}/${pod.metadata.name}` : `pod uid ${uid}, no longer in the API`;
}

/** The findings, problems first; none when nothing asks for a host port and none is mapped. */
export function diagnoseHostPorts(input: HostPortsInput): Finding[] {
  const { mappings: wanted, refused } = planMappings(input.pods, input.nodeName);
  const problems: Finding[] = [];
  for (const r of refused) {
    problems.push({
      level: 'problem',
      message: `Pod ${r.mapping.pod} asks for hostPort ${port(r.mapping)}, which ${r.heldBy} holds on the node (kubito's cluster DNS serves its ports on the node address): it is not mapped.`,
      fix: `Pick another hostPort for ${r.mapping.pod}: kubito's DNS holds 53/UDP, 53/TCP and 9153/TCP on the node (on a real cluster CoreDNS has a pod IP of its own; src/dns/README.md).`,
    });
  }
  if ('error' in input.kernel) {
    if (!wanted.length) return problems;
    return [
      ...problems,
      {
        level: 'warning',
        message: `Could not read the node's hostPort rules to check ${wanted.length} mapping(s): ${input.kernel.error}`,
        fix: 'Run kubito doctor as root (or as the user who started the cluster), or look yourself: kubito node exec -- nft list table ip kubito-hostports (iptables mode: kubito node exec -- iptables-save -t nat).',
      },
    ];
  }
  const { family, read } = input.kernel;
  if (!wanted.length && !read.mappings.length) return problems;
  if (read.missingEntries.length) {
    problems.push({
      level: 'problem',
      message: `The node's hostPort rules (${family}) are not hooked in (missing: ${read.missingEntries.join(', ')}): no host port answers through them.`,
      fix: rewriteHint(input.nodeName),
    });
  }
  const { missing, stale } = compareMappings(wanted, read.mappings);
  for (const m of missing) {
    problems.push({
      level: 'problem',
      message: `hostPort ${port(m)} of pod ${m.pod} (to ${m.podIP}:${m.containerPort}) is not in the node's rules: it does not answer on the node for this pod.`,
      fix: rewriteHint(input.nodeName),
    });
  }
  for (const m of stale) {
    problems.push({
      level: 'problem',
      message: `The node's rules map hostPort ${port(m)} to ${m.podIP}:${m.containerPort} (${owner(m, input.pods)}), which no running pod of the node asks for.`,
      fix: rewriteHint(input.nodeName),
    });
  }
  if (problems.length) return problems;
  return [{ level: 'ok', message: `${wanted.length} hostPort mapping(s) in the node's rules (${family}), as its running pods ask.` }];
}
