/**
 * @module SetDefaults_ResourceList (pkg/apis/core/v1/defaults.go) over the v1 JSON: every
 * quantity of a resource list rounded up to the milli (away from zero, as Quantity.RoundUp does)
 * and kept as the text upstream stores and returns for it (Quantity.String(): `0.5` is `500m`,
 * `1024Mi` is `1Gi`).
 */
import { canonicalQuantity, parseQuantity } from '../validation/quantity.js';
import { isObj, listOf } from '../validation/json-view.js';

const MILLI_IN_NANOS = 1_000_000n;

/** The stored text of one quantity: rounded up to the milli, canonical. Unparsable values stay. */
export function defaultedQuantity(value: unknown): unknown {
  const q = parseQuantity(value);
  if (!q) return value;
  const rest = q.nanos % MILLI_IN_NANOS;
  if (rest !== 0n) q.nanos += (q.nanos < 0n ? -MILLI_IN_NANOS : MILLI_IN_NANOS) - rest;
  return canonicalQuantity(q);
}

/** SetDefaults_ResourceList in place (only checking, with `check`); true when a value changes. */
export function defaultResourceList(list: unknown, check = false): boolean {
  if (!isObj(list)) return false;
  let changed = false;
  for (const [name, value] of Object.entries(list)) {
    const text = defaultedQuantity(value);
    if (text === value) continue;
    if (check) return true;
    list[name] = text;
    changed = true;
  }
  return changed;
}

/** The resource lists of a pod spec: each container's (all three kinds), overhead, pod-level resources. */
function podSpecResourceLists(spec: Record<string, unknown>): unknown[] {
  const lists: unknown[] = [];
  for (const kind of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of listOf(spec[kind])) {
      if (isObj(c) && isObj(c.resources)) lists.push(c.resources.limits, c.resources.requests);
    }
  }
  lists.push(spec.overhead);
  if (isObj(spec.resources)) lists.push(spec.resources.limits, spec.resources.requests);
  return lists;
}

/** SetDefaults_ResourceList over a pod spec's resource lists, in place; true when a value changed. */
export function defaultPodSpecResources(spec: Record<string, unknown>): boolean {
  let changed = false;
  for (const list of podSpecResourceLists(spec)) changed = defaultResourceList(list) || changed;
  return changed;
}

/** Whether defaulting would change a quantity of this pod spec (which is left as it is). */
export function podSpecResourcesNeedDefaults(spec: Record<string, unknown>): boolean {
  return podSpecResourceLists(spec).some((list) => defaultResourceList(list, true));
}
