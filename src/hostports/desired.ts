/**
 * @module Which host sockets a Service gets (issue 5, "Host exposure"), from the few Service
 * fields it depends on. Pure.
 *
 *  - every TCP/UDP port with a nodePort (types NodePort and LoadBalancer): `127.0.0.1:<nodePort>`,
 *    relayed to `<nodeIP>:<nodePort>` in the node namespace;
 *  - every LoadBalancer ingress IP inside 127.0.0.0/8, for each TCP/UDP port:
 *    `<ingress IP>:<port>`, relayed to `<nodeIP>:<nodePort>`, or to `<clusterIP>:<port>` when the
 *    port has no nodePort (allocateLoadBalancerNodePorts: false); with loadBalancerSourceRanges,
 *    only clients inside them are relayed (kube-proxy's KUBE-FW / firewall check of LB traffic);
 *  - a LoadBalancer with externalTrafficPolicy Local: its healthCheckNodePort on
 *    `127.0.0.1:<port>` (TCP), relayed to the proxy's health check server on the node, as a
 *    cloud load balancer would probe it.
 * Addresses outside loopback are never bound: the host namespace gets nothing else.
 */
import { parseIPv4 } from '../api/service/net.js';
import type { KubeObject } from '../api/types.js';

export interface HostPortService extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    ports?: Array<{ name?: string; protocol?: string; port: number; nodePort?: number }> | null;
    externalTrafficPolicy?: string;
    healthCheckNodePort?: number;
    loadBalancerSourceRanges?: string[] | null;
  };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; ipMode?: string }> | null } };
}

export type HostProtocol = 'TCP' | 'UDP';

export interface HostListenerSpec {
  /** `TCP 127.0.0.1:30080`: unique per host socket. */
  key: string;
  protocol: HostProtocol;
  ip: string;
  port: number;
  /** What the node agent dials for each connection. */
  target: { ip: string; port: number };
  kind: 'NodePort' | 'LoadBalancer' | 'HealthCheck' | 'HostPort';
  /** The Service port's (or container port's) name, `''` when unnamed. */
  portName: string;
  /** HostPort only: the container that asks for it. */
  container?: string;
  /** LoadBalancer only: the client CIDRs allowed (loadBalancerSourceRanges); absent = everyone. */
  sourceRanges?: string[];
}

export interface HostPortsConfig {
  /** The node's address the agent dials NodePorts on (default 10.244.0.1). */
  nodeIP: string;
  /** Where NodePorts answer on the host (default 127.0.0.1). */
  hostIP: string;
}

export function hostListenerKey(protocol: HostProtocol, ip: string, port: number): string {
  return `${protocol} ${ip}:${port}`;
}

export function isLoopbackIPv4(ip: string): boolean {
  const parts = ip.split('.');
  return parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** The host sockets of one Service, sorted by key. */
export function hostListenersFor(svc: HostPortService, config: HostPortsConfig): HostListenerSpec[] {
  const type = svc.spec?.type;
  if (type !== 'NodePort' && type !== 'LoadBalancer') return [];
  const out = new Map<string, HostListenerSpec>();
  const add = (spec: Omit<HostListenerSpec, 'key'>): void => {
    const key = hostListenerKey(spec.protocol, spec.ip, spec.port);
    if (!out.has(key)) out.set(key, { key, ...spec });
  };
  const clusterIP = svc.spec?.clusterIP;
  const hasClusterIP = !!clusterIP && clusterIP !== 'None';
  const ingress = type === 'LoadBalancer' ? (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip && isLoopbackIPv4(ip)) : [];
  const ranges = (svc.spec?.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter(Boolean);
  const sourceRanges = ranges.length ? { sourceRanges: ranges } : {};
  for (const p of svc.spec?.ports ?? []) {
    const protocol = (p.protocol ?? 'TCP') as string;
    if (protocol !== 'TCP' && protocol !== 'UDP') continue;
    const nodePort = p.nodePort ?? 0;
    const portName = p.name ?? '';
    if (nodePort) add({ protocol, ip: config.hostIP, port: nodePort, target: { ip: config.nodeIP, port: nodePort }, kind: 'NodePort', portName });
    for (const ip of ingress) {
      const target = nodePort ? { ip: config.nodeIP, port: nodePort } : hasClusterIP ? { ip: clusterIP, port: p.port } : undefined;
      if (target) add({ protocol, ip, port: p.port, target, kind: 'LoadBalancer', portName, ...sourceRanges });
    }
  }
  const healthCheck = svc.spec?.healthCheckNodePort ?? 0;
  if (type === 'LoadBalancer' && svc.spec?.externalTrafficPolicy === 'Local' && healthCheck) {
    add({ protocol: 'TCP', ip: config.hostIP, port: healthCheck, target: { ip: config.nodeIP, port: healthCheck }, kind: 'HealthCheck', portName: '' });
  }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Whether a client may use a listener: true without source ranges, else when its IPv4 address is
 * inside one of them (an IPv4-mapped IPv6 address counts as its IPv4; IPv6 ranges never match,
 * the host side of kubito is IPv4 loopback).
 */
export function sourceAllowed(spec: Pick<HostListenerSpec, 'sourceRanges'>, clientAddress: string | undefined): boolean {
  if (!spec.sourceRanges?.length) return true;
  const ip = parseIPv4((clientAddress ?? '').replace(/^::ffff:/i, ''));
  if (ip === undefined) return false;
  return spec.sourceRanges.some((range) => {
    const [base, bitsText] = range.split('/');
    const network = parseIPv4(base ?? '');
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    if (network === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return ((ip & mask) >>> 0) === ((network & mask) >>> 0);
  });
}
