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

/** SetDefaults_ResourceList in place; true when a value changed. */
export function defaultResourceList(list: unknown): boolean {
  if (!isObj(list)) return false;
  let changed = false;
  for (const [name, value] of Object.entries(list)) {
    const text = defaultedQuantity(value);
    if (text !== value) {
      list[name] = text;
      changed = true;
    }
  }
  return changed;
}

/** The resource lists of a pod spec: each container's (all three kinds), overhead, pod-level resources. */
export function defaultPodSpecResources(spec: Record<string, unknown>): boolean {
  let changed = false;
  for (const kind of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of listOf(spec[kind])) {
      if (!isObj(c) || !isObj(c.resources)) continue;
      changed = defaultResourceList(c.resources.limits) || changed;
      changed = defaultResourceList(c.resources.requests) || changed;
    }
  }
  changed = defaultResourceList(spec.overhead) || changed;
  if (isObj(spec.resources)) {
    changed = defaultResourceList(spec.resources.limits) || changed;
    changed = defaultResourceList(spec.resources.requests) || changed;
  }
  return changed;
}
