/**
 * @module Which changes a pod's spec may take after it was created, as upstream's
 * ValidatePodUpdate decides (pkg/apis/core/validation/validation.go): container and init
 * container images, activeDeadlineSeconds (set, or lowered), tolerations (only added; their
 * tolerationSeconds may change), schedulingGates (only removed), terminationGracePeriodSeconds
 * from a negative value to 1. Anything else is `spec: Forbidden: pod updates may not change
 * fields other than ...` followed by what differs.
 *
 * Deliberate difference: upstream appends go-cmp's diff of the internal Go structs
 * (`core.PodSpec{ ... }`); kubito lists the differing JSON paths with their old (`-`) and new
 * (`+`) values, which says the same in the API's own field names.
 */
import type { FieldError } from '../errors.js';
import { child, forbidden, index, invalid, required } from '../validation/field-errors.js';
import { isZero, semanticEqual } from '../validation/semantic.js';

export { semanticEqual };

type Json = unknown;
type Spec = Record<string, Json>;

/** The fields a pod update may change, as upstream lists them in its message. */
const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

const MAX_INT32 = 2147483647;

/** Field errors of a pod spec update by a client (the main resource, not status or binding). */
export function validatePodSpecUpdate(next: Spec, prev: Spec): FieldError[] {
  const errs: FieldError[] = [];
  for (const list of ['containers', 'initContainers'] as const) {
    const found = validateContainerUpdates(arrayOf(next[list]), arrayOf(prev[list]), child('spec', list));
    errs.push(...found.errs);
    if (found.stop) return errs;
  }
  const deadline = checkActiveDeadline(next.activeDeadlineSeconds, prev.activeDeadlineSeconds);
  if (deadline) {
    errs.push(deadline.error);
    if (deadline.stop) return errs;
  }
  errs.push(...onlyAddedTolerations(arrayOf(next.tolerations), arrayOf(prev.tolerations)));
  errs.push(...onlyDeletedSchedulingGates(arrayOf(next.schedulingGates), arrayOf(prev.schedulingGates)));
  if (semanticEqual(next, prev)) return errs;

  // Put back what may change, then whatever still differs may not.
  const munged: Spec = { ...next };
  for (const list of ['containers', 'initContainers'] as const) {
    const before = arrayOf(prev[list]);
    if (Array.isArray(next[list])) munged[list] = arrayOf(next[list]).map((c, i) => withImage(c, before[i]));
  }
  setOrDelete(munged, 'activeDeadlineSeconds', prev.activeDeadlineSeconds);
  setOrDelete(munged, 'schedulingGates', prev.schedulingGates);
  setOrDelete(munged, 'tolerations', prev.tolerations);
  const grace = prev.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = grace;
  const diff = specDiff(prev, munged);
  if (diff.length) {
    errs.push(forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${diffText(diff, 'spec')}`));
  }
  return errs;
}

/** ValidateContainerUpdates: same count, and every image present without surrounding spaces. */
function validateContainerUpdates(next: Json[], prev: Json[], path: string): { errs: FieldError[]; stop: boolean } {
  if (next.length !== prev.length) return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  next.forEach((c, i) => {
    const image = isObject(c) && typeof c.image === 'string' ? c.image : '';
    if (image.length === 0) errs.push(required(child(index(path, i), 'image')));
    if (image.trim().length !== image.length) errs.push(invalid(child(index(path, i), 'image'), image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

/** Set from nothing to 0..MaxInt32, or lowered; never removed. */
function checkActiveDeadline(next: Json, prev: Json): { error: FieldError; stop: boolean } | undefined {
  const path = 'spec.activeDeadlineSeconds';
  if (typeof next === 'number') {
    if (next < 0 || next > MAX_INT32) return { error: invalid(path, next, `must be between 0 and ${MAX_INT32}, inclusive`), stop: true };
    if (typeof prev === 'number' && prev < next) return { error: invalid(path, next, 'must be less than or equal to previous value'), stop: true };
    return undefined;
  }
  if (typeof prev === 'number') return { error: invalid(path, null, 'must not update from a positive integer to nil value'), stop: false };
  return undefined;
}

/** validateOnlyAddedTolerations: each existing toleration stays, tolerationSeconds aside. */
function onlyAddedTolerations(next: Json[], prev: Json[]): FieldError[] {
  for (const old of prev) {
    const kept = next.some((t) => isObject(t) && isObject(old) && semanticEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!kept) return [forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

/** validateOnlyDeletedSchedulingGates: no gate may appear that was not there. */
function onlyDeletedSchedulingGates(next: Json[], prev: Json[]): FieldError[] {
  if (next.length === 0) return [];
  const before = new Set(prev.map((g) => (isObject(g) ? g.name : undefined)));
  for (const gate of next) {
    const name = isObject(gate) ? gate.name : undefined;
    if (!before.has(name)) return [forbidden('spec.schedulingGates', `only deletion is allowed, but found new scheduling gate '${String(name ?? '')}'`)];
  }
  return [];
}

function withImage(container: Json, old: Json): Json {
  if (!isObject(container)) return container;
  const copy = { ...container };
  setOrDelete(copy, 'image', isObject(old) ? old.image : undefined);
  return copy;
}

function setOrDelete(obj: Record<string, Json>, key: string, value: Json): void {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}

interface Difference {
  path: string;
  before: Json;
  after: Json;
}

/** The leaves where two specs differ, in the order of the old spec's fields then the new one's. */
function specDiff(before: Json, after: Json, path = ''): Difference[] {
  if (semanticEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => specDiff(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((x, i) => specDiff(x, after[i], `${path}[${i}]`));
  }
  return [{ path, before, after }];
}

/**
 * What differs between two values, as the lines of kubito's stand-in for go-cmp's diff:
 * `  <head>{`, then `- \t<path>: <old JSON>` / `+ \t<path>: <new JSON>` per differing leaf, `  }`.
 */
export function describeDiff(before: Json, after: Json, head: string): string {
  return diffText(specDiff(before, after), head);
}

function diffText(diff: Difference[], head: string): string {
  const lines = [`  ${head}{`];
  for (const d of diff) {
    if (!isZero(d.before)) lines.push(`- \t${d.path}: ${JSON.stringify(d.before)}`);
    if (!isZero(d.after)) lines.push(`+ \t${d.path}: ${JSON.stringify(d.after)}`);
  }
  lines.push('  }');
  return lines.join('\n') + '\n';
}

function arrayOf(v: Json): Json[] {
  return Array.isArray(v) ? v : [];
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
