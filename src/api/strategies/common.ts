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

/** Sets `target[key] = value` when the key is absent (API defaulting never overrides). */
export function defaultTo(target: Record<string, unknown>, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}
