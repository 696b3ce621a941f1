/**
 * @module Which host sockets a pod's hostPorts get (issues 4/5): on a real node the node is the
 * host, and `curl 127.0.0.1:<hostPort>` there reaches the pod through portmap's OUTPUT rules;
 * kubito's host is not the node, so the control plane binds the port on the host and the node
 * agent dials it in the node namespace, where src/portmap's rules (or, for a hostNetwork pod,
 * the pod's own socket) answer. Pure.
 *
 * For each running pod (bound, with `status.podIP`, not Succeeded/Failed; hostNetwork pods too)
 * and each TCP/UDP container port with a hostPort (sidecars' too, as src/portmap):
 *  - no hostIP (or 0.0.0.0): `127.0.0.1:<hostPort>`, dialing `<nodeIP>:<hostPort>`;
 *  - a hostIP in 127.0.0.0/8: `<hostIP>:<hostPort>`, dialing `<hostIP>:<hostPort>` in the node
 *    namespace (portmap's localhost path: DNAT, masquerade, route_localnet);
 *  - any other hostIP: nothing on the host (it names an address the host does not have).
 */
import { isMirrorPod } from '../api/mirror-pod.js';
import { hostPortsOf, type PortMapPod } from '../portmap/mappings.js';
import { hostListenerKey, isLoopbackIPv4, type HostListenerSpec, type HostPortsConfig, type HostProtocol } from './desired.js';

/**
 * Whether the pod's hostPorts are served on the host (its sandbox, or the node's network, runs
 * it). Not a mirror pod's: those are the node's own servers (kubito's cluster DNS, hostNetwork
 * with its ports as hostPorts), which kubito keeps off the host — the first cluster on a
 * machine would take 127.0.0.1:53 and :9153, and every other one would fail to.
 */
export function servesHostPorts(pod: PortMapPod): boolean {
  const phase = pod.status?.phase;
  return !isMirrorPod(pod) && !!pod.spec?.nodeName && !!pod.status?.podIP && phase !== 'Succeeded' && phase !== 'Failed';
}

/** The host sockets of one pod, sorted by key (the first port of a key wins). */
export function hostListenersForPod(pod: PortMapPod, config: HostPortsConfig): HostListenerSpec[] {
  if (!servesHostPorts(pod)) return [];
  const out = new Map<string, HostListenerSpec>();
  for (const { container, port } of hostPortsOf(pod)) {
    const protocol = (port.protocol ?? 'TCP') as HostProtocol;
    if (protocol !== 'TCP' && protocol !== 'UDP') continue;
    const hostPort = port.hostPort!;
    const bound = port.hostIP && port.hostIP !== '0.0.0.0' ? port.hostIP : '';
    if (bound && !isLoopbackIPv4(bound)) continue;
    const ip = bound || config.hostIP;
    const key = hostListenerKey(protocol, ip, hostPort);
    if (out.has(key)) continue;
    out.set(key, { key, protocol, ip, port: hostPort, target: { ip: bound || config.nodeIP, port: hostPort }, kind: 'HostPort', portName: port.name ?? '', container });
  }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
