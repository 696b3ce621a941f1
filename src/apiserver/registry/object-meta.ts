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

/** Whether two objects differ in anything but resourceVersion and managedFields timestamps. */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  return canonical(a) === canonical(b);
}

function canonical(obj: KubeObject): string {
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = obj.metadata;
  return stableStringify({ ...obj, metadata: meta });
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
  const strip = (o: KubeObject): string => {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
    return stableStringify(rest);
  };
  return strip(next) !== strip(prev);
}
