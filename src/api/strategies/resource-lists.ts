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

/**
 * SetDefaults_Pod's first rule (pods only, not templates): a container whose limits name a
 * resource its requests do not requests that much of it. In place (only checking, with
 * `check`, as defaultResourceList); true when a request is (would be) added.
 */
export function defaultRequestsToLimits(spec: Record<string, unknown>, check = false): boolean {
  let changed = false;
  for (const kind of ['containers', 'initContainers']) {
    for (const c of listOf(spec[kind])) {
      // An empty limits map adds nothing (Go's empty requests map is omitted from the JSON too).
      if (!isObj(c) || !isObj(c.resources) || !isObj(c.resources.limits)) continue;
      const resources = c.resources as Record<string, unknown>;
      const missing = Object.keys(resources.limits as Record<string, unknown>).filter((name) => !isObj(resources.requests) || !Object.hasOwn(resources.requests, name));
      if (!missing.length) continue;
      if (check) return true;
      const requests = isObj(resources.requests) ? (resources.requests as Record<string, unknown>) : (resources.requests = {} as Record<string, unknown>);
      for (const name of missing) requests[name] = (resources.limits as Record<string, unknown>)[name];
      changed = true;
    }
  }
  return changed;
}

/**
 * ComputePodQOS (pkg/apis/core/helper/qos): BestEffort without a positive cpu or memory request
 * or limit anywhere; Guaranteed when every container (init ones too) limits both cpu and memory
 * and the summed requests equal the summed limits for each; else Burstable.
 */
export function podQOSClass(spec: Record<string, unknown>): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  const add = (sums: Map<string, bigint>, list: unknown): Set<string> => {
    const found = new Set<string>();
    if (!isObj(list)) return found;
    for (const [name, value] of Object.entries(list)) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = parseQuantity(value);
      if (!q || q.nanos <= 0n) continue;
      found.add(name);
      sums.set(name, (sums.get(name) ?? 0n) + q.nanos);
    }
    return found;
  };
  for (const kind of ['containers', 'initContainers']) {
    for (const c of listOf(spec[kind])) {
      const resources = isObj(c) && isObj(c.resources) ? (c.resources as Record<string, unknown>) : {};
      add(requests, resources.requests);
      const limited = add(limits, resources.limits);
      if (!limited.has('cpu') || !limited.has('memory')) guaranteed = false;
    }
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) for (const [name, value] of requests) if (limits.get(name) !== value) guaranteed = false;
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

