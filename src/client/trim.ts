/**
 * @module Informer objects without metadata.managedFields, as client-go's
 * `cache.TransformStripManagedFields` gives kube-controller-manager's and kube-proxy's
 * informers: no reader of an informer's cache needs them, and they are a third or more of an
 * object's text and most of its small objects (parse time, heap, garbage collection). A watch
 * event's line loses them before it is parsed; a list's items after.
 */
import { findMember, splitMember } from '../api/json-text.js';

/**
 * A watch event's text `{"type":...,"object":{...,"metadata":{...}}}` without
 * `object.metadata.managedFields`, cut unparsed; the text itself where the event has none or
 * is not compact JSON of that shape.
 */
export function watchEventWithoutManagedFields(text: string): string {
  const object = findMember(text, 0, 'object');
  if (!object || text.charCodeAt(object.valueAt) !== 0x7b /* { */) return text;
  const metadata = findMember(text, object.valueAt, 'metadata');
  if (!metadata || text.charCodeAt(metadata.valueAt) !== 0x7b) return text;
  return splitMember(text, metadata.valueAt, 'managedFields')?.rest ?? text;
}

/** Drops `metadata.managedFields` from a list answer's items (a `...List` kind), in place; other answers are left as they are. */
export function dropItemsManagedFields(answer: unknown): void {
  const list = answer as { kind?: unknown; items?: unknown } | null;
  if (typeof list?.kind !== 'string' || !list.kind.endsWith('List') || !Array.isArray(list.items)) return;
  const items: unknown[] = list.items;
  for (const item of items) {
    const metadata = (item as { metadata?: { managedFields?: unknown } } | null)?.metadata;
    if (metadata && 'managedFields' in metadata) delete metadata.managedFields;
  }
}
