/**
 * @module Keeps `metadata.managedFields` for ordinary writes (create, update, patch): the
 * fields a write changed become owned by its field manager, as kube-apiserver's fieldmanager
 * records them. Server-side apply keeps its own entries in apply/.
 *
 * Creates are memoized: what a create records depends on the object's field paths, not on
 * the values of its scalar fields (see `createShape`), so objects of one shape written in the
 * same second (a controller's Pods, a client's Services) share one computation.
 */
import { recordUpdate } from './apply/index.js';
import type { KubeObject, ManagedFieldsEntry } from '../api/types.js';
import type { Scope } from './handlers/scope.js';
import { schemaLookup, definitionFor } from './schema-lookup.js';
import { formatTime } from './registry/object-meta.js';

/**
 * The manager name upstream derives when a client sends none: the User-Agent's program name
 * (`kubectl`, `kube-controller-manager`), else "unknown".
 */
function defaultManager(scope: Scope): string {
  const agent = scope.http.headers['user-agent'] ?? '';
  const program = agent.split('/')[0].trim();
  return program || 'unknown';
}

export { defaultManager };

/** Entries kept for creates, by createShape key: the recorded managedFields as JSON ('' for none). */
const createMemo = new Map<string, string>();
const CREATE_MEMO_ENTRIES = 256;
/** Objects whose shape key is longer than this are not memoized (it would cost as much to keep as to compute). */
const MAX_SHAPE_LENGTH = 16_384;

/**
 * A key that is equal for two objects exactly when a create of either records the same
 * managedFields. The comparison of a new object with nothing yields its field paths: map keys,
 * and list items by their keys (associative lists) or values (sets). So a scalar directly in a
 * map stands for its type alone ('s', 'n', 'b'; null stays null), while lists are kept whole,
 * since their items' values name paths. apiVersion and kind stay whole (they name the entry's
 * version), and so does metadata.managedFields (what the client sent decides the entries).
 */
export function createShape(obj: KubeObject): string {
  const { metadata, apiVersion, kind, ...rest } = obj;
  const { managedFields, ...meta } = metadata ?? {};
  return `${JSON.stringify([apiVersion ?? null, kind ?? null, managedFields ?? null])}${shapeOf(meta)}${shapeOf(rest)}`;
}

function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return JSON.stringify(value);
  switch (typeof value) {
    case 'string':
      return 's';
    case 'number':
      return 'n';
    case 'boolean':
      return 'b';
    case 'object': {
      let out = '{';
      for (const key of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) continue;
        out += `${JSON.stringify(key)}:${shapeOf(v)},`;
      }
      return `${out}}`;
    }
    default:
      // Not JSON (undefined, functions...): never shared.
      return `?${Math.random()}`;
  }
}

/**
 * Updates next.metadata.managedFields in place for a write from prev to next. Call it on the
 * defaulted object, before the registry allocates (ClusterIPs, node ports), as upstream does.
 */
export function recordManagedFields(scope: Scope, prev: KubeObject | undefined, next: KubeObject, manager: string | undefined): void {
  if (scope.request.subresource === 'scale') return;
  const options = {
    manager: manager ?? defaultManager(scope),
    operation: 'Update' as const,
    subresource: scope.request.subresource || undefined,
    now: formatTime(scope.now),
    schema: schemaLookup,
    root: definitionFor(scope.info),
  };
  let key: string | undefined;
  if (prev === undefined) {
    const shape = createShape(next);
    if (shape.length <= MAX_SHAPE_LENGTH) {
      key = JSON.stringify([options.manager, options.subresource ?? '', options.now, options.root]) + shape;
      const hit = createMemo.get(key);
      if (hit !== undefined) {
        next.metadata.managedFields = hit === '' ? undefined : (JSON.parse(hit) as ManagedFieldsEntry[]);
        return;
      }
    }
  }
  const updated = recordUpdate(prev, next, options);
  next.metadata.managedFields = updated.metadata.managedFields;
  if (key !== undefined) {
    if (createMemo.size >= CREATE_MEMO_ENTRIES) createMemo.clear();
    createMemo.set(key, next.metadata.managedFields === undefined ? '' : JSON.stringify(next.metadata.managedFields));
  }
}
