/**
 * @module A container's resources as kube-apiserver 1.33 validates them
 * (pkg/apis/core/validation/validation.go: ValidateContainerResourceRequirements ->
 * validateResourceRequirements, validateContainerResourceName, ValidateResourceQuantityValue,
 * validateResourceQuantityHugePageValue; pkg/apis/core/helper: IsNativeResource,
 * IsOvercommitAllowed, IsHugePageResourceValueDivisible). Go walks the limits and requests maps
 * in random order; here in sorted key order.
 *
 * Not checked: `must be an integer` for extended resources (upstream prints the Quantity
 * struct with %#v there, internals and all) and pod-level `spec.resources` (the
 * PodLevelResources gate is off in 1.33).
 */
import type { FieldError } from '../errors.js';
import { child, forbidden, invalid, key, required } from './field-errors.js';
import { type Obj, objOf } from './json-view.js';
import { isQualifiedName } from './names.js';
import { validateQualifiedName } from './name-fields.js';
import { IS_NEGATIVE } from './object-meta.js';
import { canonicalQuantity, compareQuantities, parseQuantity, type Quantity, quantityValue } from './quantity.js';

/** standardResources (IsStandardResourceName, besides the hugepages prefixes). */
const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const HUGEPAGES_PREFIX = 'hugepages-';

/** helper.IsNativeResource: unprefixed, or in the kubernetes.io/ namespace. */
function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** helper.IsExtendedResourceName. */
function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** helper.IsHugePageResourceName. */
function isHugePages(name: string): boolean {
  return name.startsWith(HUGEPAGES_PREFIX);
}

/** helper.IsOvercommitAllowed: native resources but hugepages. */
function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePages(name);
}

/** validateContainerResourceName (validateResourceName first). */
function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateQualifiedName(name, path);
  if (errs.length) return errs;
  const unprefixed = !name.includes('/');
  if (unprefixed && !STANDARD_RESOURCES.has(name) && !name.startsWith(HUGEPAGES_PREFIX) && !name.startsWith('requests.hugepages-')) {
    return [invalid(path, name, 'must be a standard resource type or fully qualified'), invalid(path, name, 'must be a standard resource for containers')];
  }
  if (unprefixed) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith(HUGEPAGES_PREFIX)) return [invalid(path, name, 'must be a standard resource for containers')];
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    return [invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return [];
}

/** ValidateNonnegativeQuantity: the value printed as Quantity.String() prints it. */
function nonNegative(q: Quantity | undefined, path: string): FieldError[] {
  return q && q.nanos < 0n ? [invalid(path, canonicalQuantity(q), IS_NEGATIVE)] : [];
}

/** validateResourceQuantityHugePageValue without AllowIndivisibleHugePagesValues (IsHugePageResourceValueDivisible). */
function hugePageValue(name: string, q: Quantity | undefined, path: string): FieldError[] {
  if (!q || !isHugePages(name)) return [];
  const pageSize = parseQuantity(name.slice(HUGEPAGES_PREFIX.length));
  const divisible = !!pageSize && pageSize.nanos > 0n && pageSize.nanos % 1_000_000_000n === 0n && quantityValue(q) % quantityValue(pageSize) === 0n;
  return divisible ? [] : [invalid(path, canonicalQuantity(q), `${canonicalQuantity(q)} is not positive integer multiple of ${name}`)];
}

/** The quantities of a resource list, parsed, under sorted names. */
function quantities(list: unknown): Array<[string, Quantity | undefined]> {
  const map = objOf(list);
  return Object.keys(map)
    .sort()
    .map((name) => [name, parseQuantity(map[name])]);
}

/** ValidateContainerResourceRequirements. */
export function validateContainerResourceRequirements(resources: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = new Map(quantities(resources.limits));
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, q] of limits) {
    const p = key(limPath, name);
    errs.push(...validateContainerResourceName(name, p), ...nonNegative(q, p));
    if (isHugePages(name)) {
      hugePages = true;
      errs.push(...hugePageValue(name, q, p));
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const [name, q] of quantities(resources.requests)) {
    const p = key(reqPath, name);
    errs.push(...validateContainerResourceName(name, p), ...nonNegative(q, p));
    const limit = limits.get(name);
    if (limits.has(name)) {
      if (q && limit) {
        const cmp = compareQuantities(q, limit);
        if (cmp !== 0 && !isOvercommitAllowed(name)) {
          errs.push(invalid(reqPath, canonicalQuantity(q), `must be equal to ${name} limit of ${canonicalQuantity(limit)}`));
        } else if (cmp > 0) {
          errs.push(invalid(reqPath, canonicalQuantity(q), `must be less than or equal to ${name} limit of ${canonicalQuantity(limit)}`));
        }
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePages(name)) {
      hugePages = true;
      errs.push(...hugePageValue(name, q, p));
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (!cpuOrMemory && hugePages) errs.push(forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}
