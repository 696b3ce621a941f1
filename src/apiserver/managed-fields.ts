/**
 * @module Keeps `metadata.managedFields` for ordinary writes (create, update, patch): the
 * fields a write changed become owned by its field manager, as kube-apiserver's fieldmanager
 * records them. Server-side apply keeps its own entries in apply/.
 *
 * Creates are memoized: what a create records depends on the object's field paths, not on
 * the values of its scalar fields (see `createShape`), so objects of one shape written in the
 * same second (a controller's Pods, a client's Services) share one computation. The one path
 * a value names in a controller's objects, its owner's `k:{"uid":...}`, is a template slot.
 */
import { updatedManagedFields } from './apply/index.js';
import type { KubeObject, ManagedFieldsEntry } from '../api/types.js';
import type { Scope } from './handlers/scope.js';
import { schemaLookup, definitionFor } from './schema-lookup.js';
import { formatTime } from './registry/object-meta.js';
import { ephemeralResetFields } from '../api/strategies/pod-ephemeral.js';

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
  const { managedFields, ownerReferences, ...meta } = metadata ?? {};
  const owners = ownerSlot(obj) === undefined ? JSON.stringify(ownerReferences ?? null) : `[${shapeOf({ ...ownerReferences![0], uid: undefined })}]`;
  return `${JSON.stringify([apiVersion ?? null, kind ?? null, managedFields ?? null])}${owners}${shapeOf(meta)}${shapeOf(rest)}`;
}

/** Stands for the owner's uid in a memoized entry (a uid never looks like this). */
const OWNER_SLOT = '@kubito-owner-uid@';

/**
 * The uid of an object's only owner when it can be a template slot: ownerReferences are a list
 * keyed by uid alone, so their recorded paths are `k:{"uid":<uid>}` and the item's keys. Only
 * uids that JSON leaves as they are, so the slot is plain text in the entry's JSON.
 */
function ownerSlot(obj: KubeObject): string | undefined {
  const owners = obj.metadata?.ownerReferences;
  if (!Array.isArray(owners) || owners.length !== 1) return undefined;
  const owner = owners[0] as unknown;
  if (owner === null || typeof owner !== 'object' || Array.isArray(owner)) return undefined;
  const uid = (owner as { uid?: unknown }).uid;
  return typeof uid === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(uid) ? uid : undefined;
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
 * The entry (managedFields as JSON) with OWNER_SLOT for the owner's uid, or undefined unless
 * the uid appears exactly once, as the owner's key `k:{"uid":"<uid>"}` (JSON-escaped here).
 */
function withOwnerSlot(entry: string, uid: string): string | undefined {
  const before = 'k:{\\"uid\\":\\"';
  const at = entry.indexOf(uid);
  if (at < before.length || entry.slice(at - before.length, at) !== before || entry.indexOf(uid, at + 1) >= 0) return undefined;
  return `${entry.slice(0, at)}${OWNER_SLOT}${entry.slice(at + uid.length)}`;
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
    // pods/ephemeralcontainers records spec.ephemeralContainers alone (its resetFieldsFilter).
    resetFields: scope.request.subresource === 'ephemeralcontainers' ? ephemeralResetFields(prev, next) : undefined,
  };
  let key: string | undefined;
  const uid = prev === undefined ? ownerSlot(next) : undefined;
  if (prev === undefined) {
    const shape = createShape(next);
    if (shape.length <= MAX_SHAPE_LENGTH) {
      key = JSON.stringify([options.manager, options.subresource ?? '', options.now, options.root]) + shape;
      const hit = createMemo.get(key);
      if (hit !== undefined) {
        next.metadata.managedFields = hit === '' ? undefined : (JSON.parse(uid === undefined ? hit : hit.replace(OWNER_SLOT, uid)) as ManagedFieldsEntry[]);
        return;
      }
    }
  }
  next.metadata.managedFields = updatedManagedFields(prev, next, options);
  if (key !== undefined) {
    const entry = next.metadata.managedFields === undefined ? '' : JSON.stringify(next.metadata.managedFields);
    const kept = uid === undefined ? entry : withOwnerSlot(entry, uid);
    if (createMemo.size >= CREATE_MEMO_ENTRIES) createMemo.clear();
    if (kept !== undefined) createMemo.set(key, kept);
  }
}
