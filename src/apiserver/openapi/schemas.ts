/**
 * @module Registry schemas rendered as JSON Schema for Swagger 2.0 (`#/definitions/<name>`) and
 * OpenAPI 3.0 (`#/components/schemas/<name>`), in upstream's shape: keys sorted, and in v3 a
 * reference with a description beside it wrapped in `allOf`, as kube-openapi writes it.
 */
import { DEFINITIONS, GO_DEFAULTS, type Schema } from '../../api/schema/index.js';

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
   * Write `default`s: the registry's and openapi-gen's (GO_DEFAULTS: `+default` markers, `{}` on
   * struct fields, `""`/`0`/`false` on fields without omitempty, list items and map values
   * alike). kube-apiserver's v2 document has none (kube-openapi's `PruneDefaults`); the v3
   * documents have them all.
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

/**
 * A copy of a definition with openapi-gen's defaults set, by field path: `ports` (the field),
 * `ports[]` (its items), `labels{}` (a map's values), nested as `x{}[]`.
 */
function withGoDefaults(def: Schema, defaults: Readonly<Record<string, unknown>> | undefined): Schema {
  if (!defaults || !def.properties) return def;
  const properties: Record<string, Schema> = { ...def.properties };
  for (const [path, value] of Object.entries(defaults)) {
    const [, field, rest] = /^([^[{]+)(.*)$/.exec(path) as RegExpExecArray;
    const steps = (rest.match(/\[\]|\{\}/g) ?? []) as Array<'[]' | '{}'>;
    const set = (s: Schema, i: number): Schema => {
      if (i === steps.length) return { ...s, default: value };
      const key = steps[i] === '[]' ? 'items' : 'additionalProperties';
      const inner = s[key];
      if (!inner) throw new Error(`openapi: default at ${path}: no ${key}`);
      return { ...s, [key]: set(inner, i + 1) };
    };
    const property = properties[field];
    if (!property) throw new Error(`openapi: default for unknown field ${path}`);
    properties[field] = set(property, 0);
  }
  return { ...def, properties };
}

/** The named definitions rendered, keys sorted. */
export function renderDefinitions(names: readonly string[], opts: RenderOptions): Record<string, JsonSchema> {
  return Object.fromEntries(names.map((name) => {
    const def = opts.defaults ? withGoDefaults(DEFINITIONS[name], GO_DEFAULTS[name]) : DEFINITIONS[name];
    return [name, sortKeys(renderSchema(def, opts))];
  }));
}
