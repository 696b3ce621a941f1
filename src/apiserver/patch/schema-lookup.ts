/**
 * @module The narrow view of the schema registry that patching and server-side apply need:
 * find a definition by name, follow `ref`s, and read the merge extensions of a field.
 * Kept here (not in src/api/schema) so that patch logic does not depend on how the registry
 * is built; any object with a `definition(name)` method will do.
 */
import type { Schema } from '../../api/schema/types.js';

/** Definitions by fully qualified name (`io.k8s.api.core.v1.Service`). */
export interface SchemaLookup {
  /** The definition called `name`, or undefined when the registry has none. */
  definition(name: string): Schema | undefined;
}

/** A SchemaLookup over a plain record of definitions (tests, fixtures). */
export function lookupFromRecord(definitions: Record<string, Schema>): SchemaLookup {
  return { definition: (name) => definitions[name] };
}

const MAX_REF_DEPTH = 32;

/**
 * Follow `ref` until a schema without one. Returns undefined when a ref names no definition
 * (the caller then treats the value as unknown, like upstream does for unstructured data).
 */
export function resolve(lookup: SchemaLookup, schema: Schema | undefined): Schema | undefined {
  let current = schema;
  for (let depth = 0; current?.ref !== undefined && depth < MAX_REF_DEPTH; depth++) {
    current = lookup.definition(current.ref);
  }
  return current;
}

/**
 * The unresolved schema of field `key` of an object schema: a declared property, else the
 * map value schema (`additionalProperties`). Undefined when the schema says nothing.
 */
export function fieldSchema(resolved: Schema | undefined, key: string): Schema | undefined {
  if (!resolved) return undefined;
  return resolved.properties?.[key] ?? resolved.additionalProperties;
}

/** Strategic-merge-patch metadata of a field: its strategies and merge key. */
export interface PatchMeta {
  /** `x-kubernetes-patch-strategy` split on commas; empty when absent. */
  strategies: string[];
  /** `x-kubernetes-patch-merge-key`, or '' when absent. */
  mergeKey: string;
}

/**
 * Read the patch extensions of a field schema. The extensions sit on the field (beside its
 * `ref`), but a registry may also put them on the resolved schema, so both are consulted.
 */
export function patchMeta(lookup: SchemaLookup, field: Schema | undefined): PatchMeta {
  const resolved = resolve(lookup, field);
  const strategy = field?.['x-kubernetes-patch-strategy'] ?? resolved?.['x-kubernetes-patch-strategy'];
  const mergeKey = field?.['x-kubernetes-patch-merge-key'] ?? resolved?.['x-kubernetes-patch-merge-key'] ?? '';
  return { strategies: strategy ? strategy.split(',') : [], mergeKey };
}

/** The element schema of an array schema, resolved. */
export function itemsSchema(lookup: SchemaLookup, resolvedArray: Schema | undefined): Schema | undefined {
  return resolve(lookup, resolvedArray?.items);
}
