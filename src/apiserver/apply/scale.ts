/**
 * @module Ownership of `spec.replicas` through the `scale` subresource, as upstream's
 * ScaleHandler (k8s.io/apimachinery managedfields/scalehandler.go) converts managedFields
 * between a workload and its autoscaling/v1 Scale: the Scale sees the managers that own the
 * workload's replicas field (as owning its own `spec.replicas`), the field manager records the
 * write on the Scale, and the result goes back to the workload, where whoever took replicas
 * through `scale` owns it with `subresource: scale`.
 */
import type { ManagedFieldsEntry } from '../../api/types.js';
import { FieldSet } from './field-set.js';
import { type Path, fieldElement } from './fieldpath.js';
import { type Managed, decodeManagedFields, emptyManaged, encodeManagedFields } from './managed-fields.js';

const SCALE_GROUP_VERSION = 'autoscaling/v1';
const REPLICAS_IN_SCALE: Path = [fieldElement('spec'), fieldElement('replicas')];

/**
 * The workload's replicas field by the API version an entry was recorded at (upstream's
 * ResourcePathMappings). Entries at a version not listed are dropped on the way back.
 */
export type ReplicasPaths = ReadonlyMap<string, Path>;

/** The replicas path `spec.replicas` of the built-in workloads, at their one served version. */
export function specReplicas(groupVersion: string): ReplicasPaths {
  return new Map([[groupVersion, [fieldElement('spec'), fieldElement('replicas')]]]);
}

/**
 * ToSubresource: the Scale's managedFields — every workload manager that owns the replicas
 * path, as owning the Scale's `spec.replicas` at autoscaling/v1 (its identifier, time and
 * operation kept). Throws Error on malformed workload entries.
 */
export function toScaleManagedFields(parent: ManagedFieldsEntry[] | undefined, paths: ReplicasPaths): ManagedFieldsEntry[] | undefined {
  const managed = decodeManagedFields(parent);
  const out = emptyManaged();
  for (const [id, vs] of managed.fields) {
    const path = paths.get(vs.apiVersion);
    if (path === undefined || !vs.set.has(path)) continue;
    out.fields.set(id, { set: FieldSet.of(REPLICAS_IN_SCALE), apiVersion: SCALE_GROUP_VERSION, applied: vs.applied });
    out.times.set(id, managed.times.get(id));
  }
  return encodeManagedFields(out);
}

/**
 * ToParent: the workload's managedFields after a write through `scale` recorded `scale`
 * (the Scale's entries). A workload manager that owned replicas and no longer owns the Scale's
 * keeps its other fields (and goes when it has none); one that still owns it is unchanged.
 * Scale managers new to the workload own the replicas path at `groupVersion`, with the time
 * the workload has for their identifier — none for an Update manager, whose identifier in the
 * Scale names autoscaling/v1 (upstream writes these entries without a time).
 */
export function toParentManagedFields(parent: ManagedFieldsEntry[] | undefined, scale: ManagedFieldsEntry[] | undefined, opts: { paths: ReplicasPaths; groupVersion: string }): ManagedFieldsEntry[] | undefined {
  const parentManaged = decodeManagedFields(parent);
  const scaleFields = new Map(decodeManagedFields(scale).fields);
  const out: Managed = { fields: new Map(), times: new Map(), sources: parentManaged.sources };
  const keep = (id: string, set = parentManaged.fields.get(id)!.set): void => {
    const vs = parentManaged.fields.get(id)!;
    out.fields.set(id, set === vs.set ? vs : { ...vs, set });
    out.times.set(id, parentManaged.times.get(id));
  };
  for (const [id, vs] of parentManaged.fields) {
    const path = opts.paths.get(vs.apiVersion);
    if (path === undefined) continue;
    if (!vs.set.has(path)) keep(id);
    else if (scaleFields.delete(id)) keep(id);
    else {
      const rest = vs.set.difference(FieldSet.of(path));
      if (!rest.isEmpty()) keep(id, rest);
    }
  }
  const replicas = opts.paths.get(opts.groupVersion);
  for (const [id, vs] of scaleFields) {
    if (replicas === undefined || !vs.set.has(REPLICAS_IN_SCALE)) continue;
    out.fields.set(id, { set: FieldSet.of(replicas), apiVersion: opts.groupVersion, applied: vs.applied });
    out.times.set(id, parentManaged.times.get(id));
  }
  return encodeManagedFields(out);
}
