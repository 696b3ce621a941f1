/**
 * @module Registry schemas rendered as JSON Schema for Swagger 2.0 (`#/definitions/<name>`) and
 * OpenAPI 3.0 (`#/components/schemas/<name>`), in upstream's shape: keys sorted, and in v3 a
 * reference with a description beside it wrapped in `allOf`, as kube-openapi writes it.
 */
import { DEFINITIONS, type Schema } from '../../api/schema/index.js';

export type JsonSchema = Record<string, unknown>;

export interface RenderOptions {
  /** `#/definitions/` (v2) or `#/components/schemas/` (v3). */
  refPrefix: string;
  /** v3 wraps `$ref` in `allOf` when the referring schema says more than the reference. */
  wrapRefs: boolean;
  /**
   * v3 writes a scalar of more than one JSON type (IntOrString, Quantity) as `oneOf` without a
   * `type`, as kube-openapi does; kubectl explain then names the type (`<IntOrString>`) instead
   * of printing `<string>`. v2 keeps `type` (and `format`).
   */
  oneOfTypes: boolean;
  /**
   * Keep `default`. kube-apiserver's v2 document has none (kube-openapi's `PruneDefaults`); the
   * v3 documents keep them.
   */
  defaults: boolean;
}

/** Returns a copy of `value` whose object keys are sorted, as Go's encoding/json writes maps. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out as T;
}

/** One registry schema as JSON Schema. */
export function renderSchema(schema: Schema, opts: RenderOptions): JsonSchema {
  const { ref, properties, items, additionalProperties, v3OneOf, default: defaultValue, ...rest } = schema;
  const out: JsonSchema = { ...rest };
  if (defaultValue !== undefined && opts.defaults) out.default = defaultValue;
  if (v3OneOf && opts.oneOfTypes) {
    delete out.type;
    out.oneOf = v3OneOf.map((type) => ({ type }));
  }
  if (properties) {
    out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, renderSchema(v, opts)]));
  }
  if (items) out.items = renderSchema(items, opts);
  if (additionalProperties) out.additionalProperties = renderSchema(additionalProperties, opts);
  if (ref !== undefined) {
    const pointer = { $ref: opts.refPrefix + ref };
    if (opts.wrapRefs && Object.keys(out).length > 0) out.allOf = [pointer];
    else Object.assign(out, pointer);
  }
  return out;
}

/** The names of every definition reachable from `roots`, sorted. */
export function definitionClosure(roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  const visit = (s: Schema | undefined): void => {
    if (!s) return;
    if (s.ref !== undefined) queue.push(s.ref);
    for (const p of Object.values(s.properties ?? {})) visit(p);
    visit(s.items);
    visit(s.additionalProperties);
  };
  while (queue.length) {
    const name = queue.shift() as string;
    if (seen.has(name)) continue;
    const def = DEFINITIONS[name];
    if (!def) throw new Error(`openapi: reference to unknown definition ${name}`);
    seen.add(name);
    visit(def);
  }
  return [...seen].sort();
}

/** The named definitions rendered, keys sorted. */
export function renderDefinitions(names: readonly string[], opts: RenderOptions): Record<string, JsonSchema> {
  return Object.fromEntries(names.map((name) => [name, sortKeys(renderSchema(DEFINITIONS[name], opts))]));
}
