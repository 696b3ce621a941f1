/**
 * @module The clusterIP / clusterIPs / ipFamilies / ipFamilyPolicy rules of kube-apiserver 1.33
 * (ValidateServiceClusterIPsRelatedFields, validateUpgradeDowngradeClusterIPs,
 * validateUpgradeDowngradeIPFamilies) and the health check port's update rule
 * (validateServiceExternalTrafficFieldsUpdate).
 */
import type { FieldError } from '../errors.js';
import { duplicate, forbidden, goQuote, goRendered, goSlice, goStringSlice, invalid, notSupported, required } from '../validation/index.js';
import { parseIP } from './net.js';
import { clusterIPs, ipFamilies, isHeadless, needsHealthCheck, type ServiceView } from './service-view.js';

export const IP_FAMILIES = ['IPv4', 'IPv6'];
export const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

/** `%#v` of spec.clusterIPs. */
export function goClusterIPs(svc: ServiceView): ReturnType<typeof goRendered> {
  return goRendered(goStringSlice(Array.isArray(svc.spec.clusterIPs) ? svc.spec.clusterIPs : null));
}

/** `%#v` of spec.ipFamilies ([]core.IPFamily). */
function goIPFamilies(svc: ServiceView): ReturnType<typeof goRendered> {
  const list = Array.isArray(svc.spec.ipFamilies) ? svc.spec.ipFamilies.map(goQuote) : null;
  return goRendered(goSlice('core.IPFamily', list));
}

/** A *IPFamilyPolicy as 1.33's ErrorBody prints it: the value, or "null" (quoted) for nil. */
export function policyValue(svc: ServiceView): string {
  return svc.spec.ipFamilyPolicy ?? 'null';
}

/** ValidateServiceClusterIPsRelatedFields (nothing for ExternalName: its own rules forbid the fields). */
export function validateClusterIPsRelatedFields(svc: ServiceView): FieldError[] {
  if (svc.spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const path = 'spec.clusterIPs';
  const ips = clusterIPs(svc);
  const families = ipFamilies(svc);
  let badIPs = false;
  // clusterIP and clusterIPs[0] must agree; the strategy keeps them in sync for most clients.
  if (svc.spec.clusterIP) {
    if (!ips.length) errs.push(required(path));
    else if (ips[0] !== svc.spec.clusterIP) errs.push(invalid(path, goClusterIPs(svc), 'first value must match `clusterIP`'));
  } else if (ips.length) {
    errs.push(invalid(path, goClusterIPs(svc), 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  families.forEach((family, i) => {
    if (!IP_FAMILIES.includes(family)) errs.push(notSupported(`spec.ipFamilies[${i}]`, family, IP_FAMILIES));
    if (seen.has(family)) errs.push(duplicate(`spec.ipFamilies[${i}]`, family));
    seen.add(family);
  });
  const policy = svc.spec.ipFamilyPolicy;
  if (policy !== undefined && policy !== null && !IP_FAMILY_POLICIES.includes(policy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', policy, IP_FAMILY_POLICIES));
  }
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalid(path, goClusterIPs(svc), "'None' must be the first and only value"));
      }
      return;
    }
    if (!parseIP(ip)) {
      badIPs = true;
      errs.push(invalid(`${path}[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    }
  });
  if (ips.length > 2) errs.push(invalid(path, goClusterIPs(svc), 'may only hold up to 2 values'));
  // A bad address would skew the messages below (bad index, dual-stackness of bad IPs).
  if (badIPs) return errs;
  if (ips.length > 1) {
    const fams = new Set(ips.map((ip) => parseIP(ip)?.family));
    if (fams.size < 2) errs.push(invalid(path, goClusterIPs(svc), 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(svc) && ips.length && families.length) {
    for (let i = 0; i < ips.length && i < families.length; i++) {
      const v6 = parseIP(ips[i])?.family === 'IPv6';
      if (families[i] === 'IPv4' && v6) errs.push(invalid(`${path}[${i}]`, ips[i], `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === 'IPv6' && !v6) errs.push(invalid(`${path}[${i}]`, ips[i], `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    }
  }
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: clusterIPs may gain or lose a secondary, never change. */
export function validateUpgradeDowngradeClusterIPs(prev: ServiceView, next: ServiceView): FieldError[] {
  if (next.spec.type === 'ExternalName' || prev.spec.type === 'ExternalName') return [];
  if (isHeadless(prev) && isHeadless(next)) return [];
  const errs: FieldError[] = [];
  const before = clusterIPs(prev);
  const after = clusterIPs(next);
  const changed = (i: number): FieldError => invalid(`spec.clusterIPs[${i}]`, goClusterIPs(next), 'may not change once set');
  if (before.length === after.length) {
    before.forEach((ip, i) => {
      if (ip !== after[i]) errs.push(changed(i));
    });
  } else if (before.length > after.length) {
    if (!after.length) errs.push(invalid('spec.clusterIPs[0]', goClusterIPs(next), 'primary clusterIP can not be unset'));
    if (before.length && after.length && after[0] !== before[0]) errs.push(changed(0));
    if (after.length === 1 && next.spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalid('spec.ipFamilyPolicy', policyValue(next), "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (before.length && after[0] !== before[0]) {
    errs.push(changed(0));
  }
  return errs;
}

/** validateUpgradeDowngradeIPFamilies: the primary family never changes (headless may). */
export function validateUpgradeDowngradeIPFamilies(prev: ServiceView, next: ServiceView): FieldError[] {
  if (next.spec.type === 'ExternalName' || prev.spec.type === 'ExternalName') return [];
  if (isHeadless(prev) !== isHeadless(next) || isHeadless(next)) return [];
  const errs: FieldError[] = [];
  const before = ipFamilies(prev);
  const after = ipFamilies(next);
  if (before.length === after.length) {
    before.forEach((family, i) => {
      // Upstream reports every difference at index 0.
      if (family !== after[i]) errs.push(invalid('spec.ipFamilies[0]', goIPFamilies(next), 'may not change once set'));
    });
  } else if (before.length > after.length) {
    // Bug for bug: upstream tests clusterIPs here, and reports clusterIPs as the value below.
    if (!clusterIPs(next).length) errs.push(invalid('spec.ipFamilies[0]', goIPFamilies(next), 'primary ipFamily can not be unset'));
    if (after.length && after[0] !== before[0]) errs.push(invalid('spec.ipFamilies[0]', goClusterIPs(next), 'may not change once set'));
    if (after.length === 1 && next.spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalid('spec.ipFamilyPolicy', policyValue(next), "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (before.length && after.length && after[0] !== before[0]) {
    errs.push(invalid('spec.ipFamilies[0]', goClusterIPs(next), 'may not change once set'));
  }
  return errs;
}

/** validateServiceExternalTrafficFieldsUpdate: a needed health check port never changes. */
export function validateHealthCheckNodePortUpdate(prev: ServiceView, next: ServiceView): FieldError[] {
  if (needsHealthCheck(prev) && needsHealthCheck(next) && (prev.spec.healthCheckNodePort ?? 0) !== (next.spec.healthCheckNodePort ?? 0)) {
    return [forbidden('spec.healthCheckNodePort', 'field is immutable')];
  }
  return [];
}
