/**
 * @module The port mappings a node's pods ask for (the CNI `portMappings` capability the kubelet
 * fills from `ports[].hostPort`), from the few Pod fields they depend on. Pure.
 *
 * A pod gets its mappings while it runs in its own network namespace on this node: bound here,
 * with `status.podIP`, not hostNetwork (its ports are the node's already), not Succeeded or
 * Failed (its sandbox is gone). Every TCP or UDP port of its containers (and of its sidecars,
 * init containers with `restartPolicy: Always`, as kube-scheduler's GetHostPorts counts them)
 * with a hostPort maps `<hostIP or any node address>:<hostPort>` to `<podIP>:<containerPort>`.
 * SCTP ports are left out (README.md). Mappings are ordered oldest pod first, then as the pod
 * lists them: when two pods claim one host port (possible only past the scheduler, with
 * spec.nodeName set), the older one's rule matches first. A host port that one of kubito's own
 * mirror pods holds on the node (the cluster DNS: hostNetwork, 53/UDP, 53/TCP, 9153/TCP) is
 * never mapped: the scheduler keeps such pods Pending, and one placed past it (spec.nodeName)
 * would take the DNS's traffic on the node address, which the kubelet's admission refuses.
 */

import { isMirrorPod } from '../api/mirror-pod.js';
import type { KubeObject } from '../api/types.js';

/** The Pod fields port mappings depend on (a slim projection). */
export interface PortMapPod extends KubeObject {
  spec?: {
    nodeName?: string;
    hostNetwork?: boolean;
    containers?: PortMapContainer[] | null;
    initContainers?: Array<PortMapContainer & { restartPolicy?: string }> | null;
  };
  status?: { phase?: string; podIP?: string };
}

export interface PortMapContainer {
  name: string;
  ports?: Array<{ name?: string; containerPort: number; hostPort?: number; protocol?: string; hostIP?: string }> | null;
}

export type MappingProtocol = 'tcp' | 'udp';

export interface PortMapping {
  /** `<namespace>/<name>` of the pod. */
  pod: string;
  /** The pod's uid: the "container ID" rules and chains are named after (upstream: the sandbox ID). */
  uid: string;
  container: string;
  protocol: MappingProtocol;
  /** The node address the mapping is limited to; `''` for any (no hostIP, or 0.0.0.0). */
  hostIP: string;
  hostPort: number;
  podIP: string;
  containerPort: number;
}

/** The container ports with a hostPort, as kube-scheduler's GetHostPorts lists them: sidecars first. */
export function hostPortsOf(pod: PortMapPod): Array<{ container: string; port: NonNullable<PortMapContainer['ports']>[number] }> {
  const out: Array<{ container: string; port: NonNullable<PortMapContainer['ports']>[number] }> = [];
  const add = (c: PortMapContainer): void => {
    for (const port of c.ports ?? []) if ((port.hostPort ?? 0) > 0) out.push({ container: c.name, port });
  };
  for (const c of pod.spec?.initContainers ?? []) if (c.restartPolicy === 'Always') add(c);
  for (const c of pod.spec?.containers ?? []) add(c);
  return out;
}

/** Whether a pod of this node has its own running sandbox whose ports can be mapped. */
export function mapsPorts(pod: PortMapPod, nodeName: string): boolean {
  const phase = pod.status?.phase;
  return pod.spec?.nodeName === nodeName && !pod.spec?.hostNetwork && !!pod.status?.podIP && phase !== 'Succeeded' && phase !== 'Failed';
}

/** The mappings of one pod (none unless `mapsPorts`). */
export function portMappingsOf(pod: PortMapPod, nodeName: string): PortMapping[] {
  if (!mapsPorts(pod, nodeName)) return [];
  const podIP = pod.status!.podIP!;
  const out: PortMapping[] = [];
  for (const { container, port } of hostPortsOf(pod)) {
    const protocol = (port.protocol ?? 'TCP').toLowerCase();
    if (protocol !== 'tcp' && protocol !== 'udp') continue;
    // IPv4 only: a hostIP of the other family is ignored, as portmap does.
    const hostIP = port.hostIP && port.hostIP !== '0.0.0.0' ? port.hostIP : '';
    if (hostIP.includes(':')) continue;
    out.push({ pod: `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`, uid: pod.metadata.uid ?? '', container, protocol, hostIP, hostPort: port.hostPort!, podIP, containerPort: port.containerPort });
  }
  return out;
}

/** A mapping left out, and the pod holding its host port. */
export interface RefusedMapping {
  mapping: PortMapping;
  /** `<namespace>/<name>` of the mirror pod that holds the port. */
  heldBy: string;
}

/** The host ports kubito's mirror pods of this node hold (their hostNetwork sockets), with their pod. */
function heldByMirrorPods(pods: readonly PortMapPod[], nodeName: string): Array<{ protocol: string; hostIP: string; hostPort: number; pod: string }> {
  const held: Array<{ protocol: string; hostIP: string; hostPort: number; pod: string }> = [];
  for (const p of pods) {
    if (!isMirrorPod(p) || p.spec?.nodeName !== nodeName || !p.spec?.hostNetwork) continue;
    for (const { port } of hostPortsOf(p)) {
      const hostIP = port.hostIP && port.hostIP !== '0.0.0.0' ? port.hostIP : '';
      held.push({ protocol: (port.protocol ?? 'TCP').toLowerCase(), hostIP, hostPort: port.hostPort!, pod: `${p.metadata.namespace ?? ''}/${p.metadata.name}` });
    }
  }
  return held;
}

/** The node's mappings (desiredMappings) and those left out because a mirror pod holds their port. */
export function planMappings(pods: Iterable<PortMapPod>, nodeName: string): { mappings: PortMapping[]; refused: RefusedMapping[] } {
  const all = [...pods];
  const held = heldByMirrorPods(all, nodeName);
  const mappings: PortMapping[] = [];
  const refused: RefusedMapping[] = [];
  for (const m of orderedMappings(all, nodeName)) {
    const holder = held.find((h) => h.protocol === m.protocol && h.hostPort === m.hostPort && (!h.hostIP || !m.hostIP || h.hostIP === m.hostIP));
    if (holder) refused.push({ mapping: m, heldBy: holder.pod });
    else mappings.push(m);
  }
  return { mappings, refused };
}

/** Every mapping of the node's pods: oldest pod first (then by name), each pod's in its own order. */
export function desiredMappings(pods: Iterable<PortMapPod>, nodeName: string): PortMapping[] {
  return planMappings(pods, nodeName).mappings;
}

function orderedMappings(pods: readonly PortMapPod[], nodeName: string): PortMapping[] {
  const mapped = pods.filter((p) => mapsPorts(p, nodeName) && hostPortsOf(p).length > 0);
  mapped.sort((a, b) => {
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    const ka = `${a.metadata.namespace}/${a.metadata.name}/${a.metadata.uid}`;
    const kb = `${b.metadata.namespace}/${b.metadata.name}/${b.metadata.uid}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return mapped.flatMap((p) => portMappingsOf(p, nodeName));
}
