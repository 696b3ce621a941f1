/**
 * @module A Service's ports as kube-proxy's ServicePortMap holds them (pkg/proxy/serviceport.go
 * `newBaseServiceInfo`, servicechangetracker.go `serviceToServiceMap`): which Services are
 * skipped, the IPv4 cluster IP, external IPs and LoadBalancer VIPs of the family, affinity,
 * traffic policies and the health-check node port. Pure.
 */
import { formatIPv4, mappedIPv4, parseIPv4 } from '../../api/service/net.js';
import type { Protocol, ServicePortState } from '../types.js';
import { DEFAULT_AFFINITY_SECONDS, LABEL_SERVICE_PROXY_NAME, type ProxyService } from './views.js';

/** A service port before its endpoints are known. */
export type ServicePortInfo = Omit<ServicePortState, 'endpoints' | 'clusterEndpoints' | 'externalEndpoints' | 'triggerTimeMs' | 'policy'>;

/**
 * An IPv4 address as kube-proxy reads it and writes it: netutils.ParseIPSloppy (leading zeros,
 * any number of digits: the API accepts `10.96.100.010` with a warning), an IPv4-mapped IPv6
 * address counted as IPv4 (MapIPsByIPFamily), then net.IP.String() (`10.96.100.10`); undefined
 * when it is not IPv4.
 */
export function ipv4Of(text: string): string | undefined {
  const value = parseIPv4(text) ?? mappedIPv4(text);
  return value === undefined ? undefined : formatIPv4(value);
}

/**
 * An IPv4 CIDR as kube-proxy reads it (ParseCIDRSloppy: a prefix length of any number of
 * digits; an IPv4-mapped IPv6 prefix of 96 bits or more is IPv4) and writes it
 * (net.IPNet.String(): the network, masked); undefined when it is not an IPv4 range. Anything
 * the API accepts must be read here: a dropped range would leave a LoadBalancer open to all.
 */
export function ipv4CIDROf(text: string): string | undefined {
  const slash = text.indexOf('/');
  if (slash < 0 || !/^\d+$/.test(text.slice(slash + 1))) return undefined;
  const addrText = text.slice(0, slash);
  let bits = Number(text.slice(slash + 1));
  let value = parseIPv4(addrText);
  if (value === undefined) {
    value = mappedIPv4(addrText);
    if (value === undefined || bits > 128 || bits < 96) return undefined;
    bits -= 96;
  } else if (bits > 32) {
    return undefined;
  }
  const masked = bits === 0 ? 0 : (value & (0xffffffff << (32 - bits))) >>> 0;
  return `${formatIPv4(masked)}/${bits}`;
}

const ipv4s = (list: (string | undefined)[]): string[] => [...new Set(list.map((ip) => (ip ? ipv4Of(ip) : undefined)).filter((ip): ip is string => ip !== undefined))];

/**
 * Why kube-proxy ignores a Service, or undefined: another proxy's (label), ExternalName, or
 * headless / no cluster IP (`ShouldSkipService`).
 */
export function skipReason(svc: ProxyService): string | undefined {
  if (svc.metadata.labels?.[LABEL_SERVICE_PROXY_NAME] !== undefined) return 'service-proxy-name';
  if (svc.spec?.type === 'ExternalName') return 'ExternalName';
  const ip = svc.spec?.clusterIP;
  if (!ip || ip === 'None') return 'headless';
  return undefined;
}

/** `<ns>/<name>` plus `:<port>` when the port is named (ServicePortName.String()). */
export function servicePortNameOf(namespace: string, name: string, portName: string): string {
  return `${namespace}/${name}${portName ? `:${portName}` : ''}`;
}

function protocolOf(text: string | null | undefined): Protocol {
  return text === 'UDP' || text === 'SCTP' ? text : 'TCP';
}

/** The Service's ports kube-proxy proxies, sorted by servicePortName then protocol; [] when skipped. */
export function servicePortsOf(svc: ProxyService): ServicePortInfo[] {
  if (skipReason(svc)) return [];
  const spec = svc.spec ?? {};
  const clusterIP = ipv4s([spec.clusterIP ?? '', ...(spec.clusterIPs ?? [])])[0];
  if (!clusterIP) return [];
  const namespace = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name ?? '';
  const type = spec.type ?? 'ClusterIP';
  const externalIPs = ipv4s(spec.externalIPs ?? []);
  const loadBalancerIPs = ipv4s((svc.status?.loadBalancer?.ingress ?? []).filter((i) => i.ipMode === undefined || i.ipMode === 'VIP').map((i) => i.ip));
  const loadBalancerSourceRanges = (spec.loadBalancerSourceRanges ?? []).map((r) => ipv4CIDROf(r.trim())).filter((r): r is string => r !== undefined);
  const stickyMaxAgeSeconds = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : 0;
  // apiservice.ExternallyAccessible / ExternalPolicyLocal / NeedsHealthCheck.
  const accessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && externalIPs.length > 0);
  const externalPolicyLocal = accessible && spec.externalTrafficPolicy === 'Local';
  const healthCheckNodePort = type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local' ? (spec.healthCheckNodePort ?? 0) : 0;
  const ports = (spec.ports ?? []).map((p): ServicePortInfo => {
    const portName = p.name ?? '';
    return {
      namespace,
      name,
      portName,
      protocol: protocolOf(p.protocol),
      servicePortName: servicePortNameOf(namespace, name, portName),
      clusterIP,
      port: p.port,
      nodePort: p.nodePort ?? 0,
      externalIPs,
      loadBalancerIPs,
      loadBalancerSourceRanges,
      stickyMaxAgeSeconds,
      externalPolicyLocal,
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
      healthCheckNodePort,
    };
  });
  return ports.sort(compareServicePorts);
}

/** The DesiredState order: servicePortName, then protocol. */
export function compareServicePorts(a: Pick<ServicePortState, 'servicePortName' | 'protocol'>, b: Pick<ServicePortState, 'servicePortName' | 'protocol'>): number {
  if (a.servicePortName !== b.servicePortName) return a.servicePortName < b.servicePortName ? -1 : 1;
  return a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0;
}
