/**
 * @module Reading decoded JSON as Go reads the typed struct: a missing or mistyped member is the
 * Go zero value (`""`, `0`, an empty list or struct); a pointer is set when present and not null.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function objOf(v: unknown): Obj {
  return isObj(v) ? v : {};
}

export function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function strOf(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function numOf(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** A pointer field is set: present and not null. */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}
