/**
 * @module The shape Go's typed objects always have. kube-apiserver compares typed objects, in
 * which a non-pointer struct field is never absent (it is `{}` at worst) and a list or map
 * field without `omitempty` is `null` rather than missing. That decides whether a new field
 * counts as "added" at its own level, and so whether managedFields gets a `.: {}` entry for
 * it: `kubectl create deployment` owns `f:spec: {f:replicas: ...}` (spec was already there,
 * empty) but `f:labels: {.: {}, f:app: {}}` (labels were absent). kubito stores plain JSON,
 * so before comparing two versions both are overlaid with these skeletons, taken from the
 * Go types (k8s.io/api) of the kinds kubito serves. Only containers matter here; scalars
 * are left out.
 */
import type { Schema } from '../../api/schema/types.js';
import type { Json } from './fieldpath.js';
import { type TypeRef, type Typed, type Types, deduceAtom, isMapValue } from './typed.js';

const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';

/** Per definition: the fields its Go zero value carries (`{}` for structs, null for non-omitempty slices). */
export const ZERO_SHAPES: Readonly<Record<string, Readonly<Record<string, Json>>>> = {
  [CORE + 'ConfigMap']: { metadata: {} },
  [CORE + 'Secret']: { metadata: {} },
  [CORE + 'ServiceAccount']: { metadata: {} },
  [CORE + 'Endpoints']: { metadata: {} },
  [CORE + 'Event']: { metadata: {}, involvedObject: {}, source: {} },
  [CORE + 'Namespace']: { metadata: {}, spec: {}, status: {} },
  [CORE + 'Node']: { metadata: {}, spec: {}, status: {} },
  [CORE + 'NodeStatus']: { daemonEndpoints: {}, nodeInfo: {} },
  [CORE + 'NodeDaemonEndpoints']: { kubeletEndpoint: {} },
  [CORE + 'Pod']: { metadata: {}, spec: {}, status: {} },
  [CORE + 'PodTemplateSpec']: { metadata: {}, spec: {} },
  [CORE + 'PodSpec']: { containers: null },
  [CORE + 'Container']: { resources: {} },
  [CORE + 'Service']: { metadata: {}, spec: {}, status: {} },
  [CORE + 'ServiceStatus']: { loadBalancer: {} },
  [APPS + 'Deployment']: { metadata: {}, spec: {}, status: {} },
  [APPS + 'DeploymentSpec']: { selector: null, template: {}, strategy: {} },
  [APPS + 'ReplicaSet']: { metadata: {}, spec: {}, status: {} },
  [APPS + 'ReplicaSetSpec']: { selector: null, template: {} },
  'io.k8s.api.discovery.v1.EndpointSlice': { metadata: {}, endpoints: null, ports: null },
  'io.k8s.api.discovery.v1.Endpoint': { addresses: null, conditions: {} },
  'io.k8s.api.coordination.v1.Lease': { metadata: {}, spec: {} },
  'io.k8s.api.events.v1.Event': { metadata: {}, regarding: {}, deprecatedSource: {} },
};

/**
 * The zero-value fields of the definitions `ref` names (its $ref chain), in that order, as
 * [field, zero] pairs; empty for a ref without any. Kept per schema object: a kind's writes
 * shape the same schemas over and over.
 */
const zerosBySchema = new WeakMap<Schema, ReadonlyArray<readonly [string, Json]>>();
const NO_ZEROS: ReadonlyArray<readonly [string, Json]> = [];

function zeroFields(types: Types, ref: TypeRef): ReadonlyArray<readonly [string, Json]> {
  if (typeof ref !== 'object') return NO_ZEROS;
  let zeros = zerosBySchema.get(ref.schema);
  if (zeros === undefined) {
    const out: Array<readonly [string, Json]> = [];
    let s: Schema | undefined = ref.schema;
    for (let depth = 0; s?.ref !== undefined && depth < 8; depth++) {
      const shape = ZERO_SHAPES[s.ref];
      if (shape !== undefined) for (const k of Object.keys(shape)) out.push([k, shape[k]]);
      s = types.lookup.definition(s.ref);
    }
    zeros = out.length === 0 ? NO_ZEROS : out;
    // A lookup serving a new definition for a name hands out a new schema object (field-manager.ts, typesFor).
    zerosBySchema.set(ref.schema, zeros);
  }
  return zeros;
}

/**
 * `value` with the zero-value fields of every typed struct inside it filled in. Parts that need
 * no filling are returned as they are (not copied): the result shares them with `value`, so
 * it is for reading (the comparisons read it); a map or list is copied only when something
 * under it was filled in.
 */
export function withTypedShape(t: Typed, value: Json): Json {
  return shapeAt(t.types, value, t.ref);
}

function shapeAt(types: Types, value: Json, ref: TypeRef): Json {
  // Scalars are never filled in (only maps and lists are): most of a walk's values.
  if (value === null || typeof value !== 'object') return value;
  const atom = deduceAtom(types.atom(ref), value);
  if (Array.isArray(value)) {
    if (!atom.list || atom.list.atomic) return value;
    let out: Json[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const shaped = shapeAt(types, value[i], atom.list.elem);
      if (shaped !== value[i]) (out ??= value.slice())[i] = shaped;
    }
    return out ?? value;
  }
  if (!isMapValue(value) || !atom.map || atom.map.atomic) return value;
  let out: Record<string, Json> | undefined;
  for (const [k, zero] of zeroFields(types, ref)) if (!Object.hasOwn(out ?? value, k)) (out ??= { ...value })[k] = zeroCopy(zero);
  // Filled-in zeros are shaped too (a struct's `{}` may carry zero fields of its own).
  for (const k of Object.keys(out ?? value)) {
    const v = (out ?? value)[k];
    const shaped = shapeAt(types, v, types.fieldType(atom.map, k) ?? 'deduced');
    if (shaped !== v) (out ??= { ...value })[k] = shaped;
  }
  return out ?? value;
}

/** A fresh copy of a zero value: they are `{}` and null, which need no structuredClone (~1 µs each). */
function zeroCopy(zero: Json): Json {
  if (zero === null) return null;
  if (isMapValue(zero) && Object.keys(zero).length === 0) return {};
  return structuredClone(zero);
}
