/**
 * @module The registry's IP family initialisation (pkg/registry/core/service/storage/alloc.go
 * `initIPFamilyFields`, 1.33) for a cluster configured with some IP families (kubito: IPv4
 * only): infer ipFamilyPolicy and ipFamilies, refuse families the cluster lacks, allow
 * releasing a secondary only with SingleStack. Runs before allocation; its errors are a
 * Status of their own (kube-apiserver returns them without the rest of validation).
 */
import type { FieldError } from '../errors.js';
import { invalid } from '../validation/index.js';
import { parseIP, type IPFamily } from './net.js';
import { clusterIPs, ipFamilies, sameStrings, type ServiceView } from './service-view.js';
import { goClusterIPs, validateClusterIPsRelatedFields } from './validation-ips.js';

function otherFamily(f: string): IPFamily {
  return f === 'IPv4' ? 'IPv6' : 'IPv4';
}

function selectorless(svc: ServiceView): boolean {
  return Object.keys(svc.spec.selector ?? {}).length === 0;
}

/** A PreferDualStack Service whose IP fields did not change is left as it is. */
function isMatchingPreferDualStack(next: ServiceView, prev: ServiceView | undefined): boolean {
  if (!prev || next.spec.ipFamilyPolicy === undefined || next.spec.ipFamilyPolicy === null) return false;
  if (prev.spec.type !== next.spec.type) return false;
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(next.spec.type ?? '')) return false;
  if (next.spec.ipFamilyPolicy !== 'PreferDualStack') return false;
  if (prev.spec.ipFamilyPolicy && prev.spec.ipFamilyPolicy !== 'PreferDualStack') return false;
  return sameStrings(clusterIPs(prev), clusterIPs(next)) && sameStrings(ipFamilies(prev), ipFamilies(next));
}

function policyErrors(next: ServiceView, prev: ServiceView | undefined): FieldError[] {
  const el: FieldError[] = [];
  const policy = next.spec.ipFamilyPolicy!;
  const ips = clusterIPs(next);
  const fams = ipFamilies(next);
  if (prev) {
    if (policy === 'SingleStack') {
      // Setting SingleStack with unchanged fields is clear intent to drop the secondary.
      if (sameStrings(clusterIPs(prev), ips) && ips.length > 1) next.spec.clusterIPs = ips.slice(0, 1);
      if (sameStrings(ipFamilies(prev), fams) && fams.length > 1) next.spec.ipFamilies = fams.slice(0, 1);
    } else {
      if (ips.length && ips.length < clusterIPs(prev).length) {
        el.push(invalid('spec.ipFamilyPolicy', policy, "must be 'SingleStack' to release the secondary cluster IP"));
      }
      if (fams.length && fams.length < ipFamilies(prev).length) {
        el.push(invalid('spec.ipFamilyPolicy', policy, "must be 'SingleStack' to release the secondary IP family"));
      }
    }
  }
  if (policy === 'SingleStack') {
    if (clusterIPs(next).length === 2) {
      el.push(invalid('spec.ipFamilyPolicy', policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    }
    if (ipFamilies(next).length === 2) {
      el.push(invalid('spec.ipFamilyPolicy', policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
    }
  }
  return el;
}

/**
 * Fills spec.ipFamilyPolicy and spec.ipFamilies of `next` (in place) and returns the errors
 * kube-apiserver would answer with, or [] when allocation may go on. `prev` is the stored
 * object on update; `configured` lists the cluster's families, primary first.
 */
export function initIPFamilyFields(next: ServiceView, options: { prev?: ServiceView; configured: readonly IPFamily[] }): FieldError[] {
  const { prev, configured } = options;
  if (next.spec.type === 'ExternalName') return [];
  if (isMatchingPreferDualStack(next, prev)) return [];
  const spec = next.spec;
  if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) {
    if (prev?.spec.ipFamilyPolicy) spec.ipFamilyPolicy = prev.spec.ipFamilyPolicy;
    else if (spec.clusterIP === 'None' && selectorless(next)) spec.ipFamilyPolicy = 'RequireDualStack';
    else spec.ipFamilyPolicy = 'SingleStack';
  }
  const loose = validateClusterIPsRelatedFields(next);
  if (loose.length) return loose;
  const el = policyErrors(next, prev);
  const fams = [...ipFamilies(next)];
  clusterIPs(next).some((ip, i) => {
    if (ip === 'None') return true;
    const fam = parseIP(ip)?.family ?? 'unknown';
    if (i >= fams.length) {
      if (!configured.includes(fam as IPFamily)) el.push(invalid(`spec.clusterIPs[${i}]`, goClusterIPs(next), `${fam} is not configured on this cluster`));
      else fams.push(fam);
    }
    return false;
  });
  if (fams.length !== ipFamilies(next).length) spec.ipFamilies = fams;
  if (el.length) return el;
  // Headless without a selector may carry families the cluster lacks (its endpoints are the user's).
  if (spec.clusterIP === 'None' && selectorless(next)) {
    const list = ipFamilies(next).length ? [...ipFamilies(next)] : [configured[0]];
    if (list.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') list.push(otherFamily(list[0]));
    spec.ipFamilies = list;
    return [];
  }
  if (spec.ipFamilyPolicy === 'RequireDualStack' && configured.length < 2) {
    el.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
  }
  ipFamilies(next).forEach((f, i) => {
    if (!configured.includes(f as IPFamily)) el.push(invalid(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
  });
  if (el.length) return el;
  if (!ipFamilies(next).length) spec.ipFamilies = [configured[0]];
  if (spec.ipFamilyPolicy !== 'SingleStack' && ipFamilies(next).length === 1 && configured.length === 2) {
    spec.ipFamilies = [...ipFamilies(next), otherFamily(ipFamilies(next)[0])];
  }
  return [];
}
