/**
 * @module Node validation as kube-apiserver 1.33 has it (pkg/apis/core/validation:
 * ValidateNode, ValidateNodeUpdate, validateNodeTaints, validateTaintEffect,
 * ValidateNodeResources), without the ObjectMeta parts (the registry's). Objects are v1 JSON:
 * `spec.podCIDR` stands for `spec.podCIDRs` when that is empty (Convert_v1_NodeSpec_To_core_NodeSpec).
 *
 * Bug for bug, the taints are reported under `metadata.taints` (upstream builds their path from
 * the metadata path). Not checked: the taints and prefer-avoid-pods annotations, the deprecated
 * `spec.configSource` / `status.config`, and `must be an integer` for integer resources.
 */
import type { FieldError } from '../errors.js';
import { isValidCIDRSloppy, parseIP } from '../service/net.js';
import { child, duplicate, forbidden, goRendered, index, internalError, invalid, notSupported, required } from './field-errors.js';
import { goPointer, goQuote, goStringSlice, goStruct } from './go-format.js';
import { listOf, type Obj, objOf, strOf } from './json-view.js';
import { isValidLabelValue } from './names.js';
import { IS_NEGATIVE, validateLabelName } from './object-meta.js';
import { canonicalQuantity, parseQuantity } from './quantity.js';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const VALID_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const CIDR_CHANGE = 'node updates may not change podCIDR except from "" to valid';

/** `%#v` of a core.Taint. */
function goTaint(taint: Obj): string {
  return goStruct('core.Taint', [
    ['Key', goQuote(strOf(taint.key))],
    ['Value', goQuote(strOf(taint.value))],
    ['Effect', goQuote(strOf(taint.effect))],
    ['TimeAdded', goPointer('v1.Time', !!taint.timeAdded)],
  ]);
}

/** validateNodeTaints. */
export function validateNodeTaints(taints: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  taints.forEach((t, i) => {
    const taint = objOf(t);
    const at = index(path, i);
    const k = strOf(taint.key);
    const value = strOf(taint.value);
    const effect = strOf(taint.effect);
    errs.push(...validateLabelName(k, child(at, 'key')));
    const msgs = isValidLabelValue(value);
    if (msgs.length) errs.push(invalid(child(at, 'value'), value, msgs.join(';')));
    // validateTaintEffect(&effect, false, ...).
    if (effect === '') errs.push(required(child(at, 'effect')));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(notSupported(child(at, 'effect'), effect, TAINT_EFFECTS));
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(k)) {
      const dup = duplicate(at, goRendered(goTaint(taint)));
      errs.push({ ...dup, detail: `${dup.detail}: taints must be unique by key and effect pair` });
      return;
    }
    keys.add(k);
    seen.set(effect, keys);
  });
  return errs;
}

/** The node's pod CIDRs as the internal object holds them. */
export function podCIDRsOf(node: Obj): string[] {
  const spec = objOf(node.spec);
  const cidrs = listOf(spec.podCIDRs).map(strOf);
  if (cidrs.length === 0 && strOf(spec.podCIDR) !== '') return [strOf(spec.podCIDR)];
  return cidrs;
}

/** ValidateNodeResources: capacity and allocatable quantities not negative (at `status.capacity.<name>`). */
function validateNodeResources(node: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const status = objOf(node.status);
  for (const list of ['capacity', 'allocatable']) {
    const resources = objOf(status[list]);
    for (const name of Object.keys(resources).sort()) {
      const q = parseQuantity(resources[name]);
      if (q && q.nanos < 0n) errs.push(invalid(child('status', list, name), canonicalQuantity(q), IS_NEGATIVE));
    }
  }
  return errs;
}

/** IsDualStackCIDRStrings' error (ParseCIDRs), or the families found. */
function cidrFamilies(cidrs: string[]): { error?: string; v4: boolean; v6: boolean } {
  let v4 = false;
  let v6 = false;
  for (const cidr of cidrs) {
    if (!isValidCIDRSloppy(cidr)) return { error: `failed to parse cidr value:${goQuote(cidr)} with error:invalid CIDR address: ${cidr}`, v4, v6 };
    if (parseIP(cidr.slice(0, cidr.indexOf('/')))?.family === 'IPv4') v4 = true;
    else v6 = true;
  }
  return { v4, v6 };
}

/** ValidateNode without ValidateObjectMeta. */
export function validateNode(node: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const taints = listOf(objOf(node.spec).taints);
  if (taints.length > 0) errs.push(...validateNodeTaints(taints, 'metadata.taints'));
  errs.push(...validateNodeResources(node));
  const cidrs = podCIDRsOf(node);
  if (cidrs.length > 0) {
    const path = 'spec.podCIDRs';
    cidrs.forEach((cidr, i) => {
      if (!isValidCIDRSloppy(cidr)) errs.push(invalid(index(path, i), cidr, VALID_CIDR));
    });
    if (cidrs.length > 1) {
      const families = cidrFamilies(cidrs);
      if (families.error) errs.push(internalError(path, `invalid PodCIDRs. failed to check with dual stack with error:${families.error}`));
      if (!(families.v4 && families.v6) || families.error || cidrs.length > 2) {
        errs.push(invalid(path, goRendered(goStringSlice(cidrs)), 'may specify no more than one CIDR for each IP family'));
      }
      const seen = new Set<string>();
      cidrs.forEach((cidr, i) => {
        if (seen.has(cidr)) errs.push(duplicate(index(path, i), cidr));
        seen.add(cidr);
      });
    }
  }
  return errs;
}

/** `%#v` of a core.NodeAddress. */
function goNodeAddress(address: Obj): string {
  return goStruct('core.NodeAddress', [
    ['Type', goQuote(strOf(address.type))],
    ['Address', goQuote(strOf(address.address))],
  ]);
}

/**
 * ValidateNodeUpdate without ValidateObjectMetaUpdate: resources, no repeated status address,
 * podCIDRs and providerID fixed once set, taints, externalID fixed. Upstream's node strategy
 * runs ValidateNode before it on a main-resource update, the status strategy only this.
 */
export function validateNodeUpdate(next: Obj, prev: Obj): FieldError[] {
  const errs = validateNodeResources(next);
  const seen = new Set<string>();
  listOf(objOf(next.status).addresses).forEach((a, i) => {
    const address = objOf(a);
    const id = `${strOf(address.type)}\u0000${strOf(address.address)}`;
    if (seen.has(id)) errs.push(duplicate(index('status.addresses', i), goRendered(goNodeAddress(address))));
    seen.add(id);
  });
  const oldCIDRs = podCIDRsOf(prev);
  const newCIDRs = podCIDRsOf(next);
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== newCIDRs.length) errs.push(forbidden('spec.podCIDRs', CIDR_CHANGE));
    else oldCIDRs.forEach((cidr, i) => cidr !== newCIDRs[i] && errs.push(forbidden('spec.podCIDRs', CIDR_CHANGE)));
  }
  const oldProvider = strOf(objOf(prev.spec).providerID);
  if (oldProvider !== '' && oldProvider !== strOf(objOf(next.spec).providerID)) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  const taints = listOf(objOf(next.spec).taints);
  if (taints.length > 0) errs.push(...validateNodeTaints(taints, 'metadata.taints'));
  if (strOf(objOf(next.spec).externalID) !== strOf(objOf(prev.spec).externalID)) errs.push(forbidden('spec.externalID', 'may not be updated'));
  return errs;
}
