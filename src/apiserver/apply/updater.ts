/**
 * @module The ownership algorithm of server-side apply (structured-merge-diff merge.Updater):
 * `update` records who owns what after an ordinary write, `apply` merges an applied
 * configuration, prunes what its manager applied before and no longer does, and reports the
 * fields it would take from other managers as conflicts unless forced.
 */
import { FieldSet } from './field-set.js';
import { type Json, type Path, fieldElement } from './fieldpath.js';
import { type Comparison, compare, merge } from './compare-merge.js';
import { type Managed, type VersionedSet, cloneManaged } from './managed-fields.js';
import { type Typed, isMapValue, jsonEqual } from './typed.js';
import { ensureNamedFieldsAreMembers, removeItems, toFieldSet } from './typed-walk.js';
import { withTypedShape } from './typed-shape.js';

/** What the algorithm works against: the kind's types, the API version, and fields nobody owns. */
export interface UpdaterContext {
  /** The kind's type (its root definition). */
  kind: Typed;
  apiVersion: string;
  /** Reset fields (e.g. `status` through the main resource): excluded from every set, with their children. */
  ignored: FieldSet;
}

/** One field another manager owns that an apply would change. */
export interface Conflict {
  manager: string;
  path: Path;
}

/** merge.Conflicts: the apply was refused. */
export class ConflictsError extends Error {
  readonly conflicts: Conflict[];

  constructor(conflicts: Conflict[]) {
    super(`${conflicts.length} conflict(s)`);
    this.name = 'ConflictsError';
    this.conflicts = conflicts;
  }
}

function filter(ctx: UpdaterContext, set: FieldSet): FieldSet {
  return set.recursiveDifference(ctx.ignored);
}

/**
 * Compare two versions as typed objects (see typed-shape.ts), minus ignored fields. Top-level
 * fields that are ignored as a whole, or equal in both versions, are left out of the walk: they
 * yield no difference (equal values compare as unchanged, and the filter drops everything under
 * an ignored field), so a status write costs what its status costs, not the whole object.
 */
function compareObjects(ctx: UpdaterContext, live: Json, next: Json): Comparison {
  [live, next] = withoutUnchanged(ctx, live, next);
  const c = compare(ctx.kind, { lhs: withTypedShape(ctx.kind, live), rhs: withTypedShape(ctx.kind, next) });
  return { added: filter(ctx, c.added), modified: filter(ctx, c.modified), removed: filter(ctx, c.removed) };
}

/** Shallow copies of two objects without their shared top-level fields (equal or ignored); others as they are. */
function withoutUnchanged(ctx: UpdaterContext, live: Json, next: Json): [Json, Json] {
  if (!isMapValue(live) || !isMapValue(next)) return [live, next];
  let l: Record<string, Json> | undefined;
  let r: Record<string, Json> | undefined;
  for (const k of new Set([...Object.keys(live), ...Object.keys(next)])) {
    const ignored = ctx.ignored.hasMember(fieldElement(k));
    if (!ignored && !(Object.hasOwn(live, k) && Object.hasOwn(next, k) && jsonEqual(live[k], next[k]))) continue;
    l ??= { ...live };
    r ??= { ...next };
    delete l[k];
    delete r[k];
  }
  // metadata (a struct, never reset) changes by a field or two (a label, an annotation): its
  // equal fields are left out too, by the same argument, so that the walk skips the others.
  const lm = (l ?? live).metadata;
  const rm = (r ?? next).metadata;
  if (isMapValue(lm) && isMapValue(rm)) {
    const [lmOut, rmOut] = withoutEqual(lm, rm);
    if (lmOut !== lm) {
      l = { ...(l ?? live), metadata: lmOut };
      r = { ...(r ?? next), metadata: rmOut };
    }
  }
  return [l ?? live, r ?? next];
}

/** Shallow copies of two maps without the keys both have with equal values; the maps themselves when there are none. */
function withoutEqual(live: Record<string, Json>, next: Record<string, Json>): [Record<string, Json>, Record<string, Json>] {
  let l: Record<string, Json> | undefined;
  let r: Record<string, Json> | undefined;
  for (const k of Object.keys(live)) {
    if (!Object.hasOwn(next, k) || !jsonEqual(live[k], next[k])) continue;
    l ??= { ...live };
    r ??= { ...next };
    delete l[k];
    delete r[k];
  }
  return [l ?? live, r ?? next];
}

function withSet(vs: VersionedSet, set: FieldSet): VersionedSet {
  return { set, apiVersion: vs.apiVersion, applied: vs.applied };
}

/**
 * Take changed fields away from every manager but `workflow` (or report them as conflicts
 * when not forced), and drop removed fields from all of them.
 */
function takeOwnership(ctx: UpdaterContext, write: { live: Json; next: Json; managed: Managed }, opts: { workflow: string | undefined; force: boolean }): Comparison {
  const { managed } = write;
  const c = compareObjects(ctx, write.live, write.next);
  const changed = c.modified.union(c.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, vs] of managed.fields) {
    if (id === opts.workflow) continue;
    const conflict = vs.set.intersection(changed);
    if (!conflict.isEmpty()) conflicts.set(id, conflict);
  }
  if (!opts.force && conflicts.size > 0) {
    const list: Conflict[] = [];
    for (const [manager, set] of conflicts) for (const path of set.paths()) list.push({ manager, path });
    throw new ConflictsError(list);
  }
  for (const [id, vs] of managed.fields) {
    if (id === opts.workflow) continue;
    let set = vs.set;
    const conflict = conflicts.get(id);
    if (conflict) set = set.difference(conflict);
    if (!c.removed.isEmpty()) set = set.difference(c.removed);
    managed.fields.set(id, withSet(vs, set));
  }
  for (const [id, vs] of [...managed.fields]) if (vs.set.isEmpty()) managed.fields.delete(id);
  return c;
}

/**
 * After an ordinary write from `live` to `next`: every manager loses the fields that changed
 * or went away, and the changed fields are returned for the writer to own (the caller merges
 * them with what the writer owned before, as managedFieldsUpdater does).
 */
export function update(ctx: UpdaterContext, write: { live: Json; next: Json; managed: Managed }): { managed: Managed; changed: FieldSet } {
  const out = cloneManaged(write.managed);
  const c = takeOwnership(ctx, { live: write.live, next: write.next, managed: out }, { workflow: undefined, force: true });
  return { managed: out, changed: filter(ctx, c.modified.union(c.added)) };
}

/**
 * Apply `config` over `live` for `manager`. Returns the new object (undefined when nothing
 * changed) and the new ownership, or throws ConflictsError when `force` is false and other
 * managers own fields the configuration changes.
 */
export function apply(
  ctx: UpdaterContext,
  opts: { live: Json; config: Json; managed: Managed; manager: string; force: boolean },
): { object: Json | undefined; managed: Managed } {
  const out = cloneManaged(opts.managed);
  const merged = merge(ctx.kind, { lhs: opts.live, rhs: opts.config }) ?? {};
  const last = out.fields.get(opts.manager);
  out.fields.set(opts.manager, { set: filter(ctx, toFieldSet(ctx.kind, opts.config)), apiVersion: ctx.apiVersion, applied: true });
  const pruned = last && !last.set.isEmpty() ? prune(ctx, merged, { managed: out, lastSet: last.set }) : merged;
  takeOwnership(ctx, { live: opts.live, next: pruned, managed: out }, { workflow: opts.manager, force: opts.force });
  return { object: jsonEqual(opts.live, pruned) ? undefined : pruned, managed: out };
}

/**
 * Remove what the applier applied last time and not this time, unless another manager (or
 * the applier's new configuration) owns it; leave alone what it never applied.
 */
function prune(ctx: UpdaterContext, merged: Json, opts: { managed: Managed; lastSet: FieldSet }): Json {
  const { kind } = ctx;
  const named = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(kind, s);
  const fieldsOf = (v: Json): FieldSet => named(toFieldSet(kind, v ?? {}));
  const remove = (toRemove: FieldSet): Json => removeItems(kind, { value: merged, toRemove });
  const last = named(opts.lastSet);
  let pruned = remove(last);
  // addBackOwnedItems: restore anything some manager owns.
  let owned = new FieldSet();
  for (const vs of opts.managed.fields.values()) owned = owned.union(vs.set);
  const mergedSet = fieldsOf(merged);
  pruned = remove(mergedSet.difference(fieldsOf(pruned).union(named(owned))));
  // addBackDanglingItems: only what the applier owned last time may go.
  return remove(mergedSet.difference(fieldsOf(pruned)).intersection(last)) ?? {};
}
