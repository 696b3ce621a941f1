/**
 * @module The two entry points the API handlers call, layered as kube-apiserver's field
 * manager is (managedfields/internal: versioncheck, lastappliedupdater, lastappliedmanager,
 * skipnonapplied, capmanagers, buildmanagerinfo, managedfieldsupdater, stripmeta,
 * structuredmerge): `recordUpdate` keeps managedFields for create/update/patch, and
 * `applyConfiguration` performs a server-side apply.
 */
import { StatusError, newBadRequest } from '../../api/errors.js';
import type { Schema } from '../../api/schema/types.js';
import { TOTAL_ANNOTATION_SIZE_LIMIT } from '../../api/validation/object-meta.js';
import type { KubeObject, ManagedFieldsEntry } from '../../api/types.js';
import { goJson } from '../patch/go-format.js';
import type { SchemaLookup } from '../patch/schema-lookup.js';
import { newApplyConflict } from './conflict.js';
import { FieldSet } from './field-set.js';
import { type Path, fieldElement } from './fieldpath.js';
import { type Managed, capUpdateManagers, decodeManagedFields, emptyManaged, encodeManagedFields, managerId } from './managed-fields.js';
import { type UpdaterContext, ConflictsError, apply, update } from './updater.js';
import { Types } from './typed.js';
import { compare } from './compare-merge.js';
import { toFieldSet, validate } from './typed-walk.js';
import { withTypedShape } from './typed-shape.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

export interface FieldManagerOptions {
  /** The field manager (`fieldManager`, or the user agent's program name); '' becomes "unknown". */
  manager: string;
  /** Definitions; without them every value is handled as unstructured data. */
  schema?: SchemaLookup;
  /** The kind's definition name, e.g. `io.k8s.api.core.v1.Service`. */
  root?: string;
  /** The time to record: an RFC 3339 string (`2024-05-01T10:00:00Z`) or a Date. */
  now: string | Date;
  /** Set when writing through a subresource (`status`); recorded in the entry. */
  subresource?: string;
  /**
   * Fields the endpoint's strategy resets, so nobody owns them through it, as paths of field
   * names. Default: `[['status']]` on the main resource, `[['spec']]` on `status`, none otherwise.
   */
  resetFields?: string[][];
}

export interface ApplyOptions extends FieldManagerOptions {
  /** `force=true`: take conflicting fields instead of failing. */
  force?: boolean;
}

export interface UpdateOptions extends FieldManagerOptions {
  operation?: 'Update';
}

const STRIPPED = FieldSet.of(
  ...[['apiVersion'], ['kind'], ['metadata'], ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['metadata', f])].map(
    (p): Path => p.map(fieldElement),
  ),
);

function formatTime(now: string | Date): string {
  return typeof now === 'string' ? now : now.toISOString().replace(/\.\d+Z$/, 'Z');
}

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

function parseGvk(apiVersion: unknown, kind: unknown): Gvk {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = av.lastIndexOf('/');
  return { group: slash < 0 ? '' : av.slice(0, slash), version: slash < 0 ? av : av.slice(slash + 1), kind: typeof kind === 'string' ? kind : '' };
}

function gvkString(g: Gvk): string {
  return `${g.group}/${g.version}, Kind=${g.kind}`;
}

function groupVersion(g: Gvk): string {
  return g.group ? `${g.group}/${g.version}` : g.version;
}

/** The kind being written: from its definition's GVK, else from the object. */
function kindOf(schema: Schema | undefined, fallback: KubeObject | undefined): Gvk | undefined {
  const declared = schema?.['x-kubernetes-group-version-kind']?.[0];
  if (declared) return declared;
  return fallback?.apiVersion ? parseGvk(fallback.apiVersion, fallback.kind) : undefined;
}

/**
 * Types (with their cache of resolved atoms) per lookup and root definition object. A kind's
 * writes share one, instead of resolving the same schemas again on every write. Keyed by the
 * definition object: a lookup that serves a new definition for a name (a CRD's new schema)
 * hands out a new object, and so gets new Types.
 */
const typesByRoot = new WeakMap<SchemaLookup, WeakMap<Schema, Types>>();

function typesFor(lookup: SchemaLookup | undefined, rootDef: Schema | undefined): Types {
  if (!lookup || !rootDef) return new Types(lookup ?? { definition: () => undefined });
  let byRoot = typesByRoot.get(lookup);
  if (!byRoot) typesByRoot.set(lookup, (byRoot = new WeakMap()));
  let types = byRoot.get(rootDef);
  if (!types) byRoot.set(rootDef, (types = new Types(lookup)));
  return types;
}

function resetSet(paths: string[][]): FieldSet {
  return FieldSet.of(...paths.map((p): Path => p.map(fieldElement)));
}

/** The fields a write through the main resource, `status`, or another subresource resets (built once: sets are never changed once built). */
const RESET_STATUS = resetSet([['status']]);
const RESET_SPEC = resetSet([['spec']]);
const RESET_NONE = resetSet([]);

function context(opts: FieldManagerOptions, obj: KubeObject | undefined): { ctx: UpdaterContext; gvk: Gvk | undefined } {
  const rootDef = opts.root !== undefined ? opts.schema?.definition(opts.root) : undefined;
  const types = typesFor(opts.schema, rootDef);
  const gvk = kindOf(rootDef, obj);
  const ctx: UpdaterContext = {
    kind: { types, ref: rootDef ? { schema: { ref: opts.root! } } : 'deduced' },
    apiVersion: gvk ? groupVersion(gvk) : String(obj?.apiVersion ?? ''),
    ignored: opts.resetFields ? resetSet(opts.resetFields) : opts.subresource === undefined ? RESET_STATUS : opts.subresource === 'status' ? RESET_SPEC : RESET_NONE,
  };
  return { ctx, gvk };
}

/** A plain error reaching kube-apiserver's response writer: 500, no reason. */
function internalError(message: string): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
}

function withoutManagedFields(obj: KubeObject | undefined): KubeObject {
  const copy = structuredClone(obj ?? ({ metadata: {} } as KubeObject));
  copy.metadata ??= {};
  delete copy.metadata.managedFields;
  return copy;
}

function tryDecode(entries: ManagedFieldsEntry[] | undefined): Managed | undefined {
  try {
    return decodeManagedFields(entries);
  } catch {
    return undefined;
  }
}

function isReset(entries: ManagedFieldsEntry[] | null | undefined): boolean {
  if (!Array.isArray(entries)) return false;
  return entries.length === 0 || (entries.length === 1 && Object.keys(entries[0]).length === 0);
}

/** managedFieldsUpdater + stripMeta for an Update: the writer owns what it changed, merged with what it owned. */
function recordWriter(ctx: UpdaterContext, write: { live: KubeObject; next: KubeObject; managed: Managed; id: string; now: string }): Managed {
  const before = write.managed.fields.get(write.id)?.set;
  const { managed, changed } = update(ctx, write);
  const own = changed.difference(STRIPPED);
  if (!own.isEmpty()) {
    const previous = managed.fields.get(write.id)?.set ?? new FieldSet();
    let set = own.union(previous);
    // A writer that changes fields it already owns (a controller's repeated updates) ends up
    // with the set it had: keep that FieldSet object, whose encoding managed-fields.ts cached.
    if (before !== undefined && set.equals(before)) set = before;
    managed.fields.set(write.id, { set, apiVersion: ctx.apiVersion, applied: false });
    managed.times.set(write.id, write.now);
  }
  return capUpdateManagers(managed);
}

function withManaged(obj: KubeObject, managed: Managed): KubeObject {
  const entries = encodeManagedFields(managed);
  if (entries) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
  return obj;
}

/**
 * The object to store after an ordinary write (create when `prev` is undefined, update or
 * patch otherwise): `next` with metadata.managedFields updated so that the fields the write
 * changed belong to `opts.manager` and no longer to other managers. As upstream: managed
 * fields sent in `next` replace the live ones (an empty list resets them), an existing object
 * without managed fields is not tracked, and subresource writes ignore what the request sent.
 * Call it after defaulting and before the server fills in allocated values. Never throws for
 * bad managed fields: they are dropped, as upstream drops them.
 */
export function recordUpdate(prev: KubeObject | undefined, next: KubeObject, opts: UpdateOptions): KubeObject {
  const result = withoutManagedFields(next);
  const entries = updatedManagedFields(prev, next, opts);
  if (entries) result.metadata.managedFields = entries;
  return result;
}

/**
 * What recordUpdate records, without copying the objects: the managedFields entries for
 * `next` (undefined for none). Neither object is modified.
 */
export function updatedManagedFields(prev: KubeObject | undefined, next: KubeObject, opts: UpdateOptions): ManagedFieldsEntry[] | undefined {
  const { ctx } = context(opts, next);
  let managed: Managed;
  if (opts.subresource) managed = tryDecode(prev?.metadata?.managedFields) ?? emptyManaged();
  else if (isReset(next.metadata?.managedFields)) managed = emptyManaged();
  else {
    const sent = tryDecode(next.metadata?.managedFields);
    managed = sent && sent.fields.size > 0 ? sent : (tryDecode(prev?.metadata?.managedFields) ?? emptyManaged());
  }
  if (managed.fields.size === 0 && prev?.metadata?.uid) return undefined;
  const id = managerId({ manager: opts.manager || 'unknown', operation: 'Update', apiVersion: ctx.apiVersion, subresource: opts.subresource });
  // The comparison reads the objects and never writes them: shallow copies without managedFields do.
  const written = recordWriter(ctx, { live: untracked(prev), next: untracked(next), managed, id, now: formatTime(opts.now) });
  return encodeManagedFields(written);
}

/** A shallow copy of `obj` (its metadata copied too) without managedFields. */
function untracked(obj: KubeObject | undefined): KubeObject {
  const { managedFields: _m, ...metadata } = obj?.metadata ?? {};
  return { ...(obj ?? {}), metadata } as KubeObject;
}

/** The fields of the last-applied annotation that still match the live object (allowedConflictsFromLastApplied). */
function allowedFromLastApplied(ctx: UpdaterContext, live: KubeObject): FieldSet | undefined {
  const annotation = live.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!annotation) return undefined;
  let last: KubeObject;
  try {
    last = JSON.parse(annotation) as KubeObject;
  } catch {
    return undefined;
  }
  if (last?.apiVersion !== ctx.apiVersion || validate(ctx.kind, last).length > 0) return undefined;
  const c = compare(ctx.kind, { lhs: last, rhs: withTypedShape(ctx.kind, live) });
  return toFieldSet(ctx.kind, last).difference(c.modified).difference(c.added).difference(c.removed);
}

/**
 * Drop null-valued fields, recursively. The merged object is a typed object upstream, in
 * which a null (an explicit null in the configuration, or a map that pruning emptied) is
 * simply absent; kubito stores JSON, so the nulls are removed instead.
 */
function dropNullFields(v: unknown): void {
  if (Array.isArray(v)) v.forEach(dropNullFields);
  else if (v !== null && typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      if (obj[k] === null) delete obj[k];
      else dropNullFields(obj[k]);
    }
  }
}

/** The size ValidateAnnotationsSize limits: the bytes of every key and value. */
function annotationsSize(annotations: Record<string, string>): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) total += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ''));
  return total;
}

/** The last-applied annotation kubectl would write for `applied`: sorted JSON and a newline. */
function lastAppliedOf(applied: KubeObject): string {
  const copy = structuredClone(applied);
  if (copy.metadata?.annotations) delete copy.metadata.annotations[LAST_APPLIED_ANNOTATION];
  return `${goJson(copy)}\n`;
}

/**
 * Server-side apply of `applied` (the parsed `application/apply-patch+yaml` body) to `live`
 * (undefined: the object is being created). Returns the object to store, with
 * metadata.managedFields updated; the caller still fills in name/namespace on create, and
 * defaults and validates the result. Throws StatusError: 400 for a wrong kind or
 * managedFields in the configuration, 500 (upstream's plain error) for a configuration that
 * does not fit the schema, 409 Conflict when other managers own fields it changes and
 * `force` is not set.
 */
export function applyConfiguration(live: KubeObject | undefined, applied: KubeObject, opts: ApplyOptions): KubeObject {
  const { ctx, gvk } = context(opts, live ?? applied);
  const managed = (() => {
    try {
      return decodeManagedFields(live?.metadata?.managedFields);
    } catch (err) {
      throw internalError(`failed to decode managed fields: ${(err as Error).message}`);
    }
  })();
  const appliedGvk = parseGvk(applied.apiVersion, applied.kind);
  if (gvk && (appliedGvk.group !== gvk.group || appliedGvk.version !== gvk.version || appliedGvk.kind !== gvk.kind)) {
    throw newBadRequest(`invalid object type: ${gvkString(appliedGvk)}`);
  }
  const liveObj = withoutManagedFields(live);
  const now = formatTime(opts.now);

  const attempt = (force: boolean): KubeObject => {
    let m = managed;
    if (m.fields.size === 0) {
      const id = managerId({ manager: 'before-first-apply', operation: 'Update', apiVersion: ctx.apiVersion, subresource: opts.subresource });
      m = recordWriter(ctx, { live: withoutManagedFields(undefined), next: liveObj, managed: m, id, now });
    }
    if (applied.metadata?.managedFields !== undefined && applied.metadata.managedFields !== null) {
      throw newBadRequest('metadata.managedFields must be nil');
    }
    const errors = validate(ctx.kind, applied);
    if (errors.length > 0) {
      const meta = applied.metadata ?? {};
      const detail = errors.length === 1 ? errors[0] : ['errors:', ...errors.map((e) => `  ${e}`)].join('\n');
      throw internalError(`failed to create typed patch object (${meta.namespace ?? ''}/${meta.name ?? ''}; ${gvkString(appliedGvk)}): ${detail}`);
    }
    const id = managerId({ manager: opts.manager || 'unknown', operation: 'Apply', subresource: opts.subresource });
    const result = apply(ctx, { live: liveObj, config: applied, managed: m, manager: id, force });
    const mine = result.managed.fields.get(id);
    if (mine) {
      const stripped = mine.set.difference(STRIPPED);
      if (stripped.isEmpty()) result.managed.fields.delete(id);
      else result.managed.fields.set(id, { ...mine, set: stripped });
    }
    if (result.object !== undefined) result.managed.times.set(id, now);
    const obj = structuredClone((result.object ?? liveObj) as KubeObject);
    if (result.object !== undefined) dropNullFields(obj);
    obj.metadata ??= {};
    return withManaged(obj, result.managed);
  };

  let out: KubeObject;
  try {
    out = attempt(opts.force ?? false);
  } catch (err) {
    if (!(err instanceof ConflictsError)) throw err;
    // lastAppliedManager: kubectl moving from client-side to server-side apply may take the
    // fields its last-applied annotation still describes.
    const allowed = opts.manager === 'kubectl' && live ? allowedFromLastApplied(ctx, live) : undefined;
    if (!allowed) throw newApplyConflict(err.conflicts);
    const remaining = err.conflicts.filter((c) => !allowed.has(c.path));
    if (remaining.length > 0) throw newApplyConflict(remaining);
    out = attempt(true);
  }
  // lastAppliedUpdater: keep kubectl's annotation in step with what it applies; one that
  // would take the annotations past their size limit is dropped instead (SetLastApplied).
  const annotations = out.metadata.annotations;
  if (opts.manager === 'kubectl' && annotations?.[LAST_APPLIED_ANNOTATION]) {
    annotations[LAST_APPLIED_ANNOTATION] = lastAppliedOf(applied);
    if (annotationsSize(annotations) > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
  }
  return out;
}
