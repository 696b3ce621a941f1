/**
 * @module A Service's ports as kube-proxy's ServicePortMap holds them (pkg/proxy/serviceport.go
 * `newBaseServiceInfo`, servicechangetracker.go `serviceToServiceMap`): which Services are
 * skipped, the IPv4 cluster IP, external IPs and LoadBalancer VIPs of the family, affinity,
 * traffic policies and the health-check node port. Pure.
 */
import type { Protocol, ServicePortState } from '../types.js';
import { DEFAULT_AFFINITY_SECONDS, LABEL_SERVICE_PROXY_NAME, type ProxyService } from './views.js';

/** A service port before its endpoints are known. */
export type ServicePortInfo = Omit<ServicePortState, 'endpoints' | 'clusterEndpoints' | 'externalEndpoints' | 'triggerTimeMs' | 'policy'>;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

function isIPv4CIDR(text: string): boolean {
  const [ip, bits, extra] = text.split('/');
  return extra === undefined && isIPv4(ip) && /^\d{1,2}$/.test(bits ?? '') && Number(bits) <= 32;
}

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
  const clusterIP = [spec.clusterIP ?? '', ...(spec.clusterIPs ?? [])].find(isIPv4);
  if (!clusterIP) return [];
  const namespace = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name ?? '';
  const type = spec.type ?? 'ClusterIP';
  const externalIPs = [...new Set((spec.externalIPs ?? []).filter(isIPv4))];
  const loadBalancerIPs = [
    ...new Set((svc.status?.loadBalancer?.ingress ?? []).filter((i) => i.ip && (i.ipMode === undefined || i.ipMode === 'VIP')).map((i) => i.ip!).filter(isIPv4)),
  ];
  const loadBalancerSourceRanges = (spec.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter(isIPv4CIDR);
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
