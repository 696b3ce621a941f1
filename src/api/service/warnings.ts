/**
 * @module The warnings kube-apiserver 1.33 sends with a Service write (pkg/api/service/warnings.go,
 * GetWarningsForService, called by the Service strategy's WarningsOnCreate and WarningsOnUpdate):
 * kubectl prints them as `Warning: ...` and the write goes through.
 */
import { cidrWarnings, ipWarnings } from './ip-warnings.js';
import { clusterIPs, type ServiceView } from './service-view.js';

const DEPRECATED_TOPOLOGY_HINTS = 'service.kubernetes.io/topology-aware-hints';
const TOPOLOGY_MODE = 'service.kubernetes.io/topology-mode';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function serviceWarnings(svc: ServiceView): string[] {
  const warnings: string[] = [];
  const spec = svc.spec;
  if (svc.metadata.annotations && Object.hasOwn(svc.metadata.annotations, DEPRECATED_TOPOLOGY_HINTS)) {
    warnings.push(`annotation ${DEPRECATED_TOPOLOGY_HINTS} is deprecated, please use ${TOPOLOGY_MODE} instead`);
  }
  // helper.IsServiceIPSet: spec.clusterIP is neither "None" nor empty.
  if (spec.clusterIP !== 'None' && typeof spec.clusterIP === 'string' && spec.clusterIP !== '') {
    clusterIPs(svc).forEach((ip, i) => warnings.push(...ipWarnings(`spec.clusterIPs[${i}]`, ip)));
  }
  const externalIPs = strings(spec.externalIPs);
  externalIPs.forEach((ip, i) => warnings.push(...ipWarnings(`spec.externalIPs[${i}]`, ip)));
  if (typeof spec.loadBalancerIP === 'string' && spec.loadBalancerIP !== '') {
    warnings.push(...ipWarnings('spec.loadBalancerIP', spec.loadBalancerIP));
  }
  strings(spec.loadBalancerSourceRanges).forEach((cidr, i) => warnings.push(...cidrWarnings(`spec.loadBalancerSourceRanges[${i}]`, cidr)));
  if (spec.type === 'ExternalName' && externalIPs.length > 0) {
    warnings.push('spec.externalIPs is ignored when spec.type is "ExternalName"');
  }
  if (spec.type !== 'ExternalName' && typeof spec.externalName === 'string' && spec.externalName !== '') {
    warnings.push('spec.externalName is ignored when spec.type is not "ExternalName"');
  }
  return warnings;
}
