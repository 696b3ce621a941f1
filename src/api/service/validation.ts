/**
 * @module Service spec validation with kube-apiserver 1.33's field paths and texts
 * (pkg/apis/core/validation/validation.go: ValidateService, validateServicePort,
 * validateClientIPAffinityConfig, validateServiceExternalTrafficPolicy, the internal traffic
 * policy and trafficDistribution checks), ValidateServiceUpdate and ValidateServiceStatusUpdate,
 * in upstream's order.
 * Metadata is the registry's (meta-validation.ts); the clusterIPs/ipFamilies rules live in
 * validation-ips.ts.
 */
import type { FieldError } from '../errors.js';
import {
  duplicate,
  forbidden,
  goQuote,
  goRendered,
  goStruct,
  inclusiveRangeError,
  invalid,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
  maxLenError,
  notSupported,
  required,
  validateLabels,
} from '../validation/index.js';
export { isValidPortName, isValidPortNum } from '../validation/index.js';
import { isValidCIDRSloppy, parseIP, specialIPKind } from './net.js';
import { clusterIPs, externallyAccessible, ipFamilies, isHeadless, needsHealthCheck, ports, type ServicePortView, type ServiceView } from './service-view.js';
import {
  validateClusterIPsRelatedFields,
  validateHealthCheckNodePortUpdate,
  validateUpgradeDowngradeClusterIPs,
  validateUpgradeDowngradeIPFamilies,
} from './validation-ips.js';

/** sets.List order (sorted) of each enum upstream checks against. */
export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
export const SESSION_AFFINITIES = ['ClientIP', 'None'];
export const TRAFFIC_POLICIES = ['Cluster', 'Local'];
/** core.MaxClientIPServiceAffinitySeconds: 1 day. */
export const MAX_CLIENT_IP_TIMEOUT_SECONDS = 86400;

const TOPOLOGY_MODE = 'service.kubernetes.io/topology-mode';
const TOPOLOGY_HINTS = 'service.kubernetes.io/topology-aware-hints';
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
/** IsValidIPForLegacyField's text for an address that does not parse. */
export const VALID_IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const VALID_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

function isInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n);
}

/** ValidatePortNumOrName. */
export function validatePortNumOrName(port: number | string | undefined, path: string): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  const n = isInt(port) ? port : 0;
  return isValidPortNum(n).map((m) => invalid(path, n, m));
}

/** `%#v` of the core.ServicePort key upstream reports a duplicate (protocol, port) with. */
export function goServicePortKey(protocol: string, port: number): string {
  return goStruct('core.ServicePort', [
    ['Name', '""'],
    ['Protocol', goQuote(protocol)],
    ['AppProtocol', '(*string)(nil)'],
    ['Port', String(port)],
    ['TargetPort', 'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}'],
    ['NodePort', '0'],
  ]);
}

function validateServicePort(sp: ServicePortView, opts: { requireName: boolean; names: Set<string>; path: string }): FieldError[] {
  const errs: FieldError[] = [];
  const { path } = opts;
  const name = sp.name ?? '';
  if (opts.requireName && !name) errs.push(required(`${path}.name`));
  else if (name) {
    errs.push(...isDNS1123Label(name).map((m) => invalid(`${path}.name`, name, m)));
    if (opts.names.has(name)) errs.push(duplicate(`${path}.name`, name));
    else opts.names.add(name);
  }
  const port = isInt(sp.port) ? sp.port : 0;
  errs.push(...isValidPortNum(port).map((m) => invalid(`${path}.port`, port, m)));
  if (!sp.protocol) errs.push(required(`${path}.protocol`));
  else if (!PORT_PROTOCOLS.includes(sp.protocol)) errs.push(notSupported(`${path}.protocol`, sp.protocol, PORT_PROTOCOLS));
  errs.push(...validatePortNumOrName(sp.targetPort, `${path}.targetPort`));
  if (typeof sp.appProtocol === 'string') {
    errs.push(...isQualifiedName(sp.appProtocol).map((m) => invalid(`${path}.appProtocol`, sp.appProtocol!, m)));
  }
  return errs;
}

function validateClientIPAffinityConfig(svc: ServiceView): FieldError[] {
  const path = 'spec.sessionAffinityConfig';
  const why = 'when session affinity type is ClientIP';
  const config = svc.spec.sessionAffinityConfig;
  if (!config) return [required(path, why)];
  if (!config.clientIP) return [required(`${path}.clientIP`, why)];
  const timeout = config.clientIP.timeoutSeconds;
  if (timeout === undefined || timeout === null) return [required(`${path}.clientIP.timeoutSeconds`, why)];
  if (timeout <= 0 || timeout > MAX_CLIENT_IP_TIMEOUT_SECONDS) {
    return [invalid(`${path}.clientIP.timeoutSeconds`, timeout, `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT_SECONDS}`)];
  }
  return [];
}

/** ValidateNonSpecialIP, for an address that already parsed. */
export function validateNonSpecialIP(ip: string, path: string): FieldError[] {
  switch (specialIPKind(ip)) {
    case 'unspecified':
      return [invalid(path, ip, `may not be unspecified (${ip})`)];
    case 'loopback':
      return [invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)')];
    case 'link-local':
      return [invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)')];
    case 'link-local-multicast':
      return [invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)')];
    default:
      return [];
  }
}

function validateTypeSpecific(svc: ServiceView): FieldError[] {
  const spec = svc.spec;
  const errs: FieldError[] = [];
  if ((spec.type === 'LoadBalancer' || spec.type === 'NodePort') && isHeadless(svc)) {
    errs.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${spec.type} services`));
  }
  if (spec.type === 'ExternalName') {
    if (clusterIPs(svc).length) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (ipFamilies(svc).length) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    // A CNAME may end in a dot to mark it fully qualified.
    const cname = (spec.externalName ?? '').replace(/\.$/, '');
    if (cname) errs.push(...isDNS1123Subdomain(cname).map((m) => invalid('spec.externalName', cname, m)));
    else errs.push(required('spec.externalName'));
  }
  return errs;
}

function validatePortsAndNodePorts(svc: ServiceView): FieldError[] {
  const errs: FieldError[] = [];
  const list = ports(svc);
  if (svc.spec.type === 'ClusterIP') {
    list.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  list.forEach((p, i) => {
    if (!p.nodePort) return;
    const k = `${p.protocol ?? ''}/${p.nodePort}`;
    if (nodePorts.has(k)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(k);
  });
  const seen = new Set<string>();
  list.forEach((p, i) => {
    const port = isInt(p.port) ? p.port : 0;
    const k = `${p.protocol ?? ''}/${port}`;
    if (seen.has(k)) errs.push(duplicate(`spec.ports[${i}]`, goRendered(goServicePortKey(p.protocol ?? '', port))));
    seen.add(k);
  });
  return errs;
}

function validateSourceRanges(svc: ServiceView): FieldError[] {
  const errs: FieldError[] = [];
  const ranges = svc.spec.loadBalancerSourceRanges ?? [];
  const isLB = svc.spec.type === 'LoadBalancer';
  if (ranges.length) {
    const path = 'spec.LoadBalancerSourceRanges';
    if (!isLB) errs.push(forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((raw, i) => {
      // Space-padded values are tolerated (a leftover of the annotation's days).
      const value = raw.trim();
      if (!isValidCIDRSloppy(value)) errs.push(invalid(`${path}[${i}]`, value, VALID_CIDR));
    });
    return errs;
  }
  const annotation = svc.metadata.annotations?.[SOURCE_RANGES_ANNOTATION];
  if (annotation !== undefined) {
    const path = `metadata.annotations[${SOURCE_RANGES_ANNOTATION}]`;
    if (!isLB) errs.push(forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
    const value = annotation.trim();
    if (value) {
      for (const part of value.split(',')) {
        const cidr = part.trim();
        if (!isValidCIDRSloppy(cidr)) errs.push(invalid(path, cidr, VALID_CIDR));
      }
    }
  }
  return errs;
}

/** validateLoadBalancerClassField; with `prev`, also the update rule. */
export function validateLoadBalancerClass(svc: ServiceView, prev?: ServiceView): FieldError[] {
  const errs: FieldError[] = [];
  const cls = svc.spec.loadBalancerClass ?? null;
  if (prev && prev.spec.type === 'LoadBalancer' && svc.spec.type === 'LoadBalancer' && (prev.spec.loadBalancerClass ?? null) !== cls) {
    // A nil *string prints as "null" (quoted) in 1.33's ErrorBody.
    errs.push(invalid('spec.loadBalancerClass', cls ?? 'null', 'may not change once set'));
  }
  if (svc.spec.type === 'LoadBalancer') {
    if (cls !== null) errs.push(...isQualifiedName(cls).map((m) => invalid('spec.loadBalancerClass', cls, m)));
  } else if (cls !== null) {
    errs.push(forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

function validateExternalTrafficPolicy(svc: ServiceView): FieldError[] {
  const errs: FieldError[] = [];
  const policy = svc.spec.externalTrafficPolicy ?? '';
  if (!externallyAccessible(svc)) {
    if (policy) errs.push(invalid('spec.externalTrafficPolicy', policy, 'may only be set for externally-accessible services'));
  } else if (!policy) {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(policy)) {
    errs.push(notSupported('spec.externalTrafficPolicy', policy, TRAFFIC_POLICIES));
  }
  const hc = isInt(svc.spec.healthCheckNodePort) ? svc.spec.healthCheckNodePort : 0;
  if (!needsHealthCheck(svc)) {
    if (hc !== 0) {
      errs.push(invalid('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (hc === 0) {
    errs.push(required('spec.healthCheckNodePort'));
  } else {
    errs.push(...isValidPortNum(hc).map((m) => invalid('spec.healthCheckNodePort', hc, m)));
  }
  return errs;
}

function validateTrafficFields(svc: ServiceView): FieldError[] {
  const errs: FieldError[] = [...validateExternalTrafficPolicy(svc)];
  const itp = svc.spec.internalTrafficPolicy;
  if (itp === undefined || itp === null) {
    // Not required for ExternalName, for historical reasons.
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(svc.spec.type ?? '')) errs.push(required('spec.internalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(itp)) {
    errs.push(notSupported('spec.internalTrafficPolicy', itp, TRAFFIC_POLICIES));
  }
  const td = svc.spec.trafficDistribution;
  if (td !== undefined && td !== null && td !== 'PreferClose') errs.push(notSupported('spec.trafficDistribution', td, ['PreferClose']));
  return errs;
}

/** ValidateService without ValidateObjectMeta (the registry runs that first). */
export function validateService(svc: ServiceView): FieldError[] {
  const errs: FieldError[] = [];
  const spec = svc.spec;
  const annotations = svc.metadata.annotations ?? {};
  if (TOPOLOGY_MODE in annotations && TOPOLOGY_HINTS in annotations && annotations[TOPOLOGY_MODE] !== annotations[TOPOLOGY_HINTS]) {
    errs.push(invalid(`metadata.annotations[${TOPOLOGY_MODE}]`, annotations[TOPOLOGY_MODE], `must match annotations[${TOPOLOGY_HINTS}] when both are specified`));
  }
  const list = ports(svc);
  if (!list.length && !isHeadless(svc) && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  errs.push(...validateTypeSpecific(svc));
  const names = new Set<string>();
  list.forEach((p, i) => errs.push(...validateServicePort(p, { requireName: list.length > 1, names, path: `spec.ports[${i}]` })));
  if (spec.selector !== undefined && spec.selector !== null) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (!spec.sessionAffinity) errs.push(required('spec.sessionAffinity'));
  else if (!SESSION_AFFINITIES.includes(spec.sessionAffinity)) errs.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, SESSION_AFFINITIES));
  if (spec.sessionAffinity === 'ClientIP') errs.push(...validateClientIPAffinityConfig(svc));
  else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPsRelatedFields(svc));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const path = `spec.externalIPs[${i}]`;
    if (!parseIP(ip)) errs.push(invalid(path, ip, VALID_IP));
    else errs.push(...validateNonSpecialIP(ip, path));
  });
  if (!spec.type) errs.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(notSupported('spec.type', spec.type, SERVICE_TYPES));
  errs.push(...validatePortsAndNodePorts(svc));
  errs.push(...validateSourceRanges(svc));
  const alloc = spec.allocateLoadBalancerNodePorts;
  if (alloc !== undefined && alloc !== null && spec.type !== 'LoadBalancer') {
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  // Upstream's path really lacks the `spec.` prefix here.
  if (spec.type === 'LoadBalancer' && (alloc === undefined || alloc === null)) errs.push(required('allocateLoadBalancerNodePorts'));
  errs.push(...validateLoadBalancerClass(svc));
  errs.push(...validateTrafficFields(svc));
  return errs;
}

/**
 * ValidateServiceUpdate minus ValidateObjectMetaUpdate: clusterIPs and the primary ipFamily
 * may not change (ExternalName transitions aside), nor loadBalancerClass while LoadBalancer,
 * nor a needed healthCheckNodePort; then ValidateService on the new object. The
 * loadBalancerClass format check runs twice, as upstream's does (the message drops repeats).
 */
export function validateServiceUpdate(next: ServiceView, prev: ServiceView): FieldError[] {
  return [
    ...validateUpgradeDowngradeClusterIPs(prev, next),
    ...validateUpgradeDowngradeIPFamilies(prev, next),
    ...validateLoadBalancerClass(next, prev),
    ...validateHealthCheckNodePortUpdate(prev, next),
    ...validateService(next),
  ];
}

/** supportedLoadBalancerIPMode, in sets.List order. */
export const LOAD_BALANCER_IP_MODES = ['Proxy', 'VIP'];

interface IngressView {
  ip?: string;
  ipMode?: string | null;
  hostname?: string;
}

/**
 * ValidateLoadBalancerStatus with 1.33's default gates (AllowServiceLBStatusOnNonLB off,
 * LoadBalancerIPMode on): ingress only on a LoadBalancer; each entry's IP parses, ipMode is
 * set exactly when the IP is and is VIP or Proxy, a hostname is a DNS subdomain and no IP.
 */
function validateLoadBalancerStatus(svc: ServiceView): FieldError[] {
  const path = 'status.loadBalancer.ingress';
  const raw = (svc.status?.loadBalancer as { ingress?: unknown } | undefined)?.ingress;
  const ingress = Array.isArray(raw) ? (raw as IngressView[]) : [];
  if (svc.spec.type !== 'LoadBalancer' && ingress.length) return [forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")];
  const errs: FieldError[] = [];
  ingress.forEach((ing, i) => {
    const at = `${path}[${i}]`;
    const ip = ing?.ip ?? '';
    const mode = ing?.ipMode;
    if (ip && !parseIP(ip)) errs.push(invalid(`${at}.ip`, ip, VALID_IP));
    if (mode === undefined || mode === null) {
      if (ip) errs.push(required(`${at}.ipMode`, 'must be specified when `ip` is set'));
    } else if (!ip) errs.push(forbidden(`${at}.ipMode`, 'may not be specified when `ip` is not set'));
    else if (!LOAD_BALANCER_IP_MODES.includes(mode)) errs.push(notSupported(`${at}.ipMode`, mode, LOAD_BALANCER_IP_MODES));
    const hostname = ing?.hostname ?? '';
    if (hostname) {
      errs.push(...isDNS1123Subdomain(hostname).map((m) => invalid(`${at}.hostname`, hostname, m)));
      if (parseIP(hostname)) errs.push(invalid(`${at}.hostname`, hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

/**
 * ValidateServiceStatusUpdate minus ValidateObjectMetaUpdate: only the load balancer status
 * (a status write keeps the stored spec and does not validate it again).
 */
export function validateServiceStatusUpdate(next: ServiceView): FieldError[] {
  return validateLoadBalancerStatus(next);
}
