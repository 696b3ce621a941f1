/**
 * @module What the userspace proxy must hold for a desired state, and how to get there from
 * what it holds: the addresses of the dummy interface and the listeners. Pure.
 *
 * Per TCP or UDP service port (SCTP is not proxied in userspace):
 *  - `<clusterIP>:<port>` with the cluster endpoints;
 *  - `<externalIP>:<port>`, `<loadBalancerIP>:<port>` and `<nodeIP>:<nodePort>` with the
 *    external endpoints.
 * A listener exists only while its endpoints are non-empty: with nothing listening the kernel
 * answers a TCP SYN with RST and a UDP datagram with ICMP port unreachable, so clients get
 * ECONNREFUSED, as from the kernel modes' REJECT. The address stays on the interface meanwhile
 * (otherwise the packet would be routed elsewhere instead of refused).
 *
 * externalTrafficPolicy Local: the external listeners also carry the Cluster-policy endpoints
 * for clients in `localSources` (the cluster CIDR, the node's addresses, 127/8): upstream's
 * short-circuit of pods' and the node's own traffic to external destinations ("pod traffic" /
 * "route LOCAL traffic" in KUBE-EXT-, `fib saddr type local` in nftables). Such a listener
 * exists while either list has endpoints; another client without local endpoints is reset.
 */
import { cidrContains } from '../iptables/render.js';
import type { DesiredState, ProxyEndpoint, ServicePortState } from '../types.js';
import { endpointSets, servicePortKey } from '../types.js';

export type ListenerProtocol = 'TCP' | 'UDP';

export interface ListenerSpec {
  /** `TCP 10.96.0.10:53`: protocol, address and port, unique per socket. */
  key: string;
  protocol: ListenerProtocol;
  ip: string;
  port: number;
  /** The service port it proxies (servicePortKey). */
  servicePort: string;
  /** Which endpoint list it uses: `cluster` for the cluster IP, `external` otherwise. */
  scope: 'cluster' | 'external';
  endpoints: ProxyEndpoint[];
  stickyMaxAgeSeconds: number;
  /** externalTrafficPolicy Local: the endpoints for clients in `localSources` (the Cluster policy's). */
  shortCircuitEndpoints?: ProxyEndpoint[];
  /** IPv4 CIDRs of the clients that get `shortCircuitEndpoints`. */
  localSources?: string[];
}

/** Whether `ip` is in one of the IPv4 `cidrs`. */
export function inLocalSources(ip: string, cidrs: readonly string[]): boolean {
  return cidrs.some((cidr) => cidrContains(cidr, ip));
}

export interface UserspacePlan {
  /** Addresses the dummy interface must carry (/32 each), sorted. */
  addresses: string[];
  /** Listeners, sorted by key. */
  listeners: ListenerSpec[];
  /** Sockets two service ports both asked for; the first in state order keeps it. */
  conflicts: Array<{ key: string; servicePorts: [string, string] }>;
}

export function listenerKey(protocol: ListenerProtocol, ip: string, port: number): string {
  return `${protocol} ${ip}:${port}`;
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.');
}

function usableIP(ip: string | undefined): ip is string {
  return !!ip && ip !== 'None' && /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);
}

/** The addresses and listeners a desired state calls for. */
export function planFromState(state: DesiredState): UserspacePlan {
  const nodeIPs = new Set(state.node.nodeIPs);
  const addresses = new Set<string>();
  const listeners = new Map<string, ListenerSpec>();
  const conflicts: UserspacePlan['conflicts'] = [];
  const localSources = [...(state.node.clusterCIDR ? [state.node.clusterCIDR] : []), ...state.node.nodeIPs.map((ip) => `${ip}/32`), '127.0.0.0/8'];
  const add = (sp: ServicePortState, ip: string, port: number, scope: ListenerSpec['scope']): void => {
    const endpoints = scope === 'cluster' ? sp.clusterEndpoints : sp.externalEndpoints;
    const shortCircuit = scope === 'external' && sp.externalPolicyLocal ? endpointSets(sp).cluster : [];
    if (!endpoints.length && !shortCircuit.length) return;
    const protocol = sp.protocol as ListenerProtocol;
    const key = listenerKey(protocol, ip, port);
    const held = listeners.get(key);
    if (held) {
      if (held.servicePort !== servicePortKey(sp)) conflicts.push({ key, servicePorts: [held.servicePort, servicePortKey(sp)] });
      return;
    }
    listeners.set(key, {
      key,
      protocol,
      ip,
      port,
      servicePort: servicePortKey(sp),
      scope,
      endpoints,
      stickyMaxAgeSeconds: sp.stickyMaxAgeSeconds,
      ...(shortCircuit.length ? { shortCircuitEndpoints: shortCircuit, localSources } : {}),
    });
  };
  for (const sp of state.servicePorts) {
    if (sp.protocol !== 'TCP' && sp.protocol !== 'UDP') continue;
    if (usableIP(sp.clusterIP)) {
      addresses.add(sp.clusterIP);
      add(sp, sp.clusterIP, sp.port, 'cluster');
    }
    for (const ip of [...sp.externalIPs, ...sp.loadBalancerIPs]) {
      if (!usableIP(ip)) continue;
      // Loopback and the node's own addresses are local already.
      if (!isLoopback(ip) && !nodeIPs.has(ip)) addresses.add(ip);
      add(sp, ip, sp.port, 'external');
    }
    if (sp.nodePort) for (const ip of state.node.nodeIPs) add(sp, ip, sp.nodePort, 'external');
  }
  return {
    addresses: [...addresses].sort(compareIPs),
    listeners: [...listeners.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    conflicts,
  };
}

function compareIPs(a: string, b: string): number {
  const n = (ip: string): number => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  return n(a) - n(b);
}

export interface ListenerDiff {
  /** Not held yet: bind them. */
  open: ListenerSpec[];
  /** Held, with other endpoints, affinity or owner: update in place (no rebind). */
  update: ListenerSpec[];
  /** Held and no longer wanted: close them (by key). */
  close: string[];
}

function sameEndpoints(a: ProxyEndpoint[], b: ProxyEndpoint[]): boolean {
  return a.length === b.length && a.every((e, i) => e.ip === b[i].ip && e.port === b[i].port);
}

/** How to go from the listeners held (by key) to the wanted ones. */
export function diffListeners(held: ReadonlyMap<string, ListenerSpec>, wanted: ListenerSpec[]): ListenerDiff {
  const diff: ListenerDiff = { open: [], update: [], close: [] };
  const keys = new Set<string>();
  for (const spec of wanted) {
    keys.add(spec.key);
    const cur = held.get(spec.key);
    if (!cur) diff.open.push(spec);
    else if (
      cur.servicePort !== spec.servicePort ||
      cur.stickyMaxAgeSeconds !== spec.stickyMaxAgeSeconds ||
      !sameEndpoints(cur.endpoints, spec.endpoints) ||
      !sameEndpoints(cur.shortCircuitEndpoints ?? [], spec.shortCircuitEndpoints ?? []) ||
      (cur.localSources ?? []).join() !== (spec.localSources ?? []).join()
    ) diff.update.push(spec);
  }
  for (const key of held.keys()) if (!keys.has(key)) diff.close.push(key);
  return diff;
}

/** Addresses to add to and remove from the interface. */
export function diffAddresses(held: ReadonlySet<string>, wanted: string[]): { add: string[]; remove: string[] } {
  const want = new Set(wanted);
  return { add: wanted.filter((a) => !held.has(a)), remove: [...held].filter((a) => !want.has(a)).sort(compareIPs) };
}
