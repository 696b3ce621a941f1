/**
 * @module Small helpers the kind strategies share.
 */
import type { KubeObject } from '../types.js';

/** The object's field as a record, created when missing. */
export function section(obj: KubeObject, field: string): Record<string, unknown> {
  const current = obj[field];
  if (current && typeof current === 'object' && !Array.isArray(current)) return current as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  obj[field] = created;
  return created;
}

/** The object's spec, read without touching the object (`prev` may be shared); {} when absent. */
export function specOf(obj: KubeObject): Record<string, unknown> {
  const spec = obj.spec;
  return spec && typeof spec === 'object' && !Array.isArray(spec) ? (spec as Record<string, unknown>) : {};
}

/** The value as a record (a JSON object), or undefined. */
export function recordOf(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The members of a JSON list that are records; [] when it is not a list. */
export function records(list: unknown): Array<Record<string, unknown>> {
  return Array.isArray(list) ? list.filter((x): x is Record<string, unknown> => recordOf(x) !== undefined) : [];
}

/** Sets `target[key] = value` when the key is absent (API defaulting never overrides). */
export function defaultTo(target: Record<string, unknown>, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}

/**
 * Sets `target[key] = value` when the key holds its Go zero value (absent, null, "" or 0), as
 * SetDefaults_* functions do for plain (non-pointer) fields: `if obj.DNSPolicy == "" {...}`.
 */
export function defaultZero(target: Record<string, unknown>, key: string, value: unknown): void {
  const current = target[key];
  if (current === undefined || current === null || current === '' || current === 0) target[key] = value;
}

/**
 * The status subresource changes status only (upstream's default PrepareForUpdate for status).
 * Everything but status and metadata is `prev`'s own parts, shared, not copied: `prev` is the
 * registry's decode for this one write, and after this only next's metadata object (a copy of
 * its own) is changed.
 */
export function keepAllButStatus(next: KubeObject, prev: KubeObject): void {
  const status = next.status;
  // managedFields are the field manager's to record for the status writer (upstream keeps them).
  const managed = next.metadata.managedFields;
  for (const key of Object.keys(next)) delete next[key];
  Object.assign(next, prev, { metadata: { ...prev.metadata } });
  if (managed) next.metadata.managedFields = managed;
  if (status === undefined) delete next.status;
  else next.status = status;
}
