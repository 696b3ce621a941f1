/**
 * @module System-owned metadata: what the registry stamps on every object (uid, creation time,
 * resourceVersion, generation), as `rest.FillObjectMetaSystemFields` and the generic store do.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../api/types.js';

/** The last second formatTime formatted, and its text: a busy server asks for the same second many times. */
let lastSecond = Number.NaN;
let lastText = '';

/** metav1.Time's wire form: RFC 3339 with second precision. */
export function formatTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastText;
}

/** Stamps fields that only the server sets on create. */
export function fillSystemFields(obj: KubeObject, now: string): void {
  const meta = obj.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = now;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  delete meta.resourceVersion;
}

/** Keeps fields a client may not change on update from the stored object. */
export function keepSystemFields(next: KubeObject, prev: KubeObject): void {
  const meta = next.metadata;
  const old = prev.metadata;
  meta.uid = old.uid;
  meta.creationTimestamp = old.creationTimestamp;
  if (old.deletionTimestamp) meta.deletionTimestamp = old.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (old.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  if (old.generation !== undefined) meta.generation = old.generation;
  else delete meta.generation;
  delete meta.selfLink;
}

/**
 * Whether two objects differ in anything but resourceVersion and managedFields timestamps, as
 * upstream's IgnoreManagedFieldsTimestampsTransformer decides a write is a no-op: the
 * managedFields entries must still be pairwise equal but for their `time` (an entry added,
 * removed or reordered, another manager now sharing a field, is a write), absent equal to empty.
 */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  // Compared in place, as their canonical JSON (stableStringify) would compare, without building it.
  const { resourceVersion: _ra, managedFields: ma, ...metaA } = a.metadata ?? {};
  const { resourceVersion: _rb, managedFields: mb, ...metaB } = b.metadata ?? {};
  return sameEntries(ma, mb) && sameJson({ ...a, metadata: metaA }, { ...b, metadata: metaB });
}

function sameEntries(a: readonly object[] | undefined, b: readonly object[] | undefined): boolean {
  if (a === b) return true;
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const { time: _tx, ...ex } = x[i] as { time?: unknown };
    const { time: _ty, ...ey } = y[i] as { time?: unknown };
    if (!sameJson(ex, ey)) return false;
  }
  return true;
}

/**
 * Whether stableStringify(a) === stableStringify(b), decided without encoding: members whose
 * value is undefined do not count, key order does not matter, an undefined list item equals null.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return a === b || (typeof a === typeof b && JSON.stringify(a) === JSON.stringify(b));
  }
  const listA = Array.isArray(a);
  if (listA !== Array.isArray(b)) return false;
  if (listA) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameJson(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const key in x) {
    const v = x[key];
    if (v === undefined) continue;
    count++;
    const w = y[key];
    if (w === undefined || !Object.hasOwn(y, key) || !sameJson(v, w)) return false;
  }
  for (const key in y) if (y[key] !== undefined) count--;
  return count === 0;
}

/** JSON with object keys sorted, so that key order never makes two equal objects differ. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The spec-ish part of an object whose change bumps `metadata.generation`: all but metadata and status. */
export function specChanged(next: KubeObject, prev: KubeObject): boolean {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...a } = next;
  const { metadata: _n, status: _t, apiVersion: _b, kind: _l, ...b } = prev;
  return !sameJson(a, b);
}
