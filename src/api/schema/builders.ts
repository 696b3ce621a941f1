/**
 * @module Compact builders for the definition tables. Each returns a plain `Schema` (types.ts);
 * the tables read like the Go types they describe: `ports: arr(ref(C + 'ServicePort'), '...',
 * { listType: 'map', mapKeys: ['port', 'protocol'], mergeKey: 'port', strategy: 'merge' })`.
 */
import type { Schema } from './types.js';

/** The list and patch extensions a property can carry, in short form. */
export interface Ext {
  /** `x-kubernetes-list-type`. */
  listType?: 'atomic' | 'set' | 'map';
  /** `x-kubernetes-list-map-keys`. */
  mapKeys?: string[];
  /** `x-kubernetes-patch-merge-key`. */
  mergeKey?: string;
  /** `x-kubernetes-patch-strategy`: `merge`, `retainKeys` or `merge,retainKeys`. */
  strategy?: string;
  /** `x-kubernetes-map-type`. */
  mapType?: 'atomic' | 'granular';
}

export interface ObjOptions extends Ext {
  required?: string[];
  /** `x-kubernetes-group-version-kind`, for top-level kinds. */
  gvk?: Array<{ group: string; version: string; kind: string }>;
  /** `x-kubernetes-unions`, for a `+union` struct. */
  unions?: Schema['x-kubernetes-unions'];
}

function withExt(schema: Schema, ext: Ext | undefined): Schema {
  if (!ext) return schema;
  if (ext.listType) schema['x-kubernetes-list-type'] = ext.listType;
  if (ext.mapKeys) schema['x-kubernetes-list-map-keys'] = ext.mapKeys;
  if (ext.mergeKey) schema['x-kubernetes-patch-merge-key'] = ext.mergeKey;
  if (ext.strategy) schema['x-kubernetes-patch-strategy'] = ext.strategy;
  if (ext.mapType) schema['x-kubernetes-map-type'] = ext.mapType;
  return schema;
}

function described(schema: Schema, description: string | undefined): Schema {
  if (description !== undefined) schema.description = description;
  return schema;
}

/** A string; `enum` lists the values of an upstream `+enum` type (its description names them). */
export function str(description?: string, opts: { format?: string; default?: string; enum?: string[] } = {}): Schema {
  const schema: Schema = described({ type: 'string' }, description);
  if (opts.format) schema.format = opts.format;
  if (opts.default !== undefined) schema.default = opts.default;
  if (opts.enum) schema.enum = opts.enum;
  return schema;
}

/**
 * A scalar type that takes more than one JSON type (IntOrString, Quantity): `type` as the v2
 * document writes it, and the types of the v3 document's `oneOf`.
 */
export function oneOfScalar(description: string, opts: { type: 'string'; v3OneOf: Array<'integer' | 'number' | 'string'>; format?: string }): Schema {
  const schema: Schema = described({ type: opts.type }, description);
  if (opts.format) schema.format = opts.format;
  schema.v3OneOf = opts.v3OneOf;
  return schema;
}

/** A base64 byte string (`[]byte` in Go). */
export function bytes(description?: string): Schema {
  return str(description, { format: 'byte' });
}

export function int32(description?: string): Schema {
  return described({ type: 'integer', format: 'int32' }, description);
}

export function int64(description?: string): Schema {
  return described({ type: 'integer', format: 'int64' }, description);
}

export function num(description?: string): Schema {
  return described({ type: 'number', format: 'double' }, description);
}

export function bool(description?: string): Schema {
  return described({ type: 'boolean' }, description);
}

/** A reference to another definition, by its full name. */
export function ref(name: string, description?: string, ext?: Ext): Schema {
  return withExt(described({ ref: name }, description), ext);
}

export function arr(items: Schema, description?: string, ext?: Ext): Schema {
  return withExt(described({ type: 'array', items }, description), ext);
}

/** `map[string]T`: an object whose every value has the given schema. */
export function map(values: Schema, description?: string, ext?: Ext): Schema {
  return withExt(described({ type: 'object', additionalProperties: values }, description), ext);
}

/** A struct: its description, its fields, and (optionally) required fields, GVKs, map type. */
export function obj(description: string, properties: Record<string, Schema>, opts: ObjOptions = {}): Schema {
  const schema: Schema = described({ type: 'object' }, description);
  if (Object.keys(properties).length > 0) schema.properties = properties;
  if (opts.required) schema.required = opts.required;
  withExt(schema, opts);
  if (opts.gvk) schema['x-kubernetes-group-version-kind'] = opts.gvk;
  if (opts.unions) schema['x-kubernetes-unions'] = opts.unions;
  return schema;
}

/** The GVK list of a top-level kind. */
export function gvk(group: string, version: string, kind: string): Array<{ group: string; version: string; kind: string }> {
  return [{ group, version, kind }];
}

const API_VERSION_DESCRIPTION =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DESCRIPTION =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** `apiVersion` and `kind`, as every top-level kind has them. Spread into `obj` properties. */
export function typeMeta(): Record<'apiVersion' | 'kind', Schema> {
  return { apiVersion: str(API_VERSION_DESCRIPTION), kind: str(KIND_DESCRIPTION) };
}

/**
 * A top-level kind of the usual shape: `apiVersion`, `kind`, `metadata` (ObjectMeta, with the
 * description upstream gives it there) and `spec`/`status` references with theirs.
 */
export function kindSchema(description: string, parts: {
  gvk: [string, string, string];
  metadata: string;
  spec?: [ref: string, description: string];
  status?: [ref: string, description: string];
  required?: string[];
}): Schema {
  const properties: Record<string, Schema> = { ...typeMeta(), metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', parts.metadata) };
  if (parts.spec) properties.spec = ref(...parts.spec);
  if (parts.status) properties.status = ref(...parts.status);
  return obj(description, properties, { ...(parts.required && { required: parts.required }), gvk: gvk(...parts.gvk) });
}
