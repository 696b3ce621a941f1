/**
 * @module The ownership algorithm of server-side apply (structured-merge-diff merge.Updater):
 * `update` records who owns what after an ordinary write, `apply` merges an applied
 * configuration, prunes what its manager applied before and no longer does, and reports the
 * fields it would take from other managers as conflicts unless forced.
 */
import { FieldSet } from './field-set.js';
import type { Json, Path } from './fieldpath.js';
import { type Comparison, compare, merge } from './compare-merge.js';
import { type Managed, type VersionedSet, cloneManaged } from './managed-fields.js';
import { type TypeRef, type Types, jsonEqual } from './typed.js';
import { ensureNamedFieldsAreMembers, removeItems, toFieldSet } from './typed-walk.js';
import { withTypedShape } from './typed-shape.js';

/** What the algorithm works against: the kind's types, the API version, and fields nobody owns. */
export interface UpdaterContext {
  types: Types;
  root: TypeRef;
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

/** Compare two versions as typed objects (see typed-shape.ts), minus ignored fields. */
function compareObjects(ctx: UpdaterContext, live: Json, next: Json): Comparison {
  const c = compare(ctx.types, withTypedShape(ctx.types, live, ctx.root), withTypedShape(ctx.types, next, ctx.root), ctx.root);
  return { added: filter(ctx, c.added), modified: filter(ctx, c.modified), removed: filter(ctx, c.removed) };
}

function withSet(vs: VersionedSet, set: FieldSet): VersionedSet {
  return { set, apiVersion: vs.apiVersion, applied: vs.applied };
}

/**
 * Take changed fields away from every manager but `workflow` (or report them as conflicts
 * when not forced), and drop removed fields from all of them.
 */
function takeOwnership(ctx: UpdaterContext, live: Json, next: Json, managed: Managed, opts: { workflow: string | undefined; force: boolean }): Comparison {
  const c = compareObjects(ctx, live, next);
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
export function update(ctx: UpdaterContext, live: Json, next: Json, managed: Managed): { managed: Managed; changed: FieldSet } {
  const out = cloneManaged(managed);
  const c = takeOwnership(ctx, live, next, out, { workflow: undefined, force: true });
  return { managed: out, changed: filter(ctx, c.modified.union(c.added)) };
}

/**
 * Apply `config` over `live` for `manager`. Returns the new object (undefined when nothing
 * changed) and the new ownership, or throws ConflictsError when `force` is false and other
 * managers own fields the configuration changes.
 */
export function apply(ctx: UpdaterContext, live: Json, config: Json, opts: { managed: Managed; manager: string; force: boolean }): { object: Json | undefined; managed: Managed } {
  const out = cloneManaged(opts.managed);
  const merged = merge(ctx.types, live, config, ctx.root) ?? {};
  const last = out.fields.get(opts.manager);
  out.fields.set(opts.manager, { set: filter(ctx, toFieldSet(ctx.types, config, ctx.root)), apiVersion: ctx.apiVersion, applied: true });
  const pruned = last && !last.set.isEmpty() ? prune(ctx, merged, out, last.set) : merged;
  takeOwnership(ctx, live, pruned, out, { workflow: opts.manager, force: opts.force });
  return { object: jsonEqual(live, pruned) ? undefined : pruned, managed: out };
}

/**
 * Remove what the applier applied last time and not this time, unless another manager (or
 * the applier's new configuration) owns it; leave alone what it never applied.
 */
function prune(ctx: UpdaterContext, merged: Json, managed: Managed, lastSet: FieldSet): Json {
  const { types, root } = ctx;
  const named = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(types, s, root);
  const fieldsOf = (v: Json): FieldSet => named(toFieldSet(types, v ?? {}, root));
  const last = named(lastSet);
  let pruned = removeItems(types, merged, last, root);
  // addBackOwnedItems: restore anything some manager owns.
  let owned = new FieldSet();
  for (const vs of managed.fields.values()) owned = owned.union(vs.set);
  const mergedSet = fieldsOf(merged);
  pruned = removeItems(types, merged, mergedSet.difference(fieldsOf(pruned).union(named(owned))), root);
  // addBackDanglingItems: only what the applier owned last time may go.
  return removeItems(types, merged, mergedSet.difference(fieldsOf(pruned)).intersection(last), root) ?? {};
}
