/**
 * @module Strict field checks for `fieldValidation=Strict|Warn`, as kube-apiserver's strict JSON
 * decoding (sigs.k8s.io/json) reports them: `unknown field "spec.portz"` for a field the type
 * does not declare, `duplicate field "metadata.name"` for a key an object names twice. Paths are
 * fields joined by `.`, list indexes as `[i]`, map keys as plain segments, no leading dot.
 *
 * The walk reads a plain decoded value or a `Members` tree (src/api/json-members.ts, which keeps
 * duplicate keys), in Go's order: each key in turn, its own error before the errors inside its
 * value; an unknown field's value is skipped. `goDecode` makes the value Go's decode makes of a
 * text with duplicate keys (a struct or map named twice is merged, not replaced).
 */
import { Members, type JsonNode, lastWins, setOwn } from '../json-members.js';
import { goQuote } from '../validation/go-format.js';
import type { Schema } from './types.js';
import { resolveSchema } from './registry.js';

/** Upstream stops collecting strict errors after this many. */
const MAX_ERRORS = 100;

/**
 * The shape `interface{}` takes (a patch decoded into `map[string]interface{}`, a JSON patch's
 * `value`): objects are maps of anything, lists lists of anything. Duplicates count, nothing is
 * unknown.
 */
export const ANY: Schema = Object.freeze({});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Members);
}

/** An object's members in order (a Members tree keeps its duplicates), or undefined for a non-object. */
function membersOf(value: unknown): Array<[string, unknown]> | undefined {
  if (value instanceof Members) return value.entries;
  if (isPlainObject(value)) return Object.entries(value);
  return undefined;
}

/**
 * The path of a field as text, from the segments of its parents (keys, and list indexes as
 * numbers) and its own key. Made only for an error: a walk over a clean object builds no path
 * strings at all.
 */
function pathText(segments: readonly (string | number)[], key: string): string {
  let out = '';
  for (const s of segments) out = typeof s === 'number' ? `${out}[${s}]` : out === '' ? s : `${out}.${s}`;
  return out === '' ? key : `${out}.${key}`;
}

/** How a schema decodes an object: as a struct (declared fields), a map, or opaquely. */
type ObjectShape = { kind: 'struct'; fields: Record<string, Schema>; rest?: Schema; preserve: boolean } | { kind: 'map'; values: Schema } | { kind: 'opaque' };

function objectShape(s: Schema): ObjectShape {
  if (s === ANY) return { kind: 'map', values: ANY };
  if (s.properties) return { kind: 'struct', fields: s.properties, rest: s.additionalProperties, preserve: s['x-kubernetes-preserve-unknown-fields'] === true };
  if (s.additionalProperties) return { kind: 'map', values: s.additionalProperties };
  // An object without declared fields (FieldsV1, RawExtension) takes any content through its own
  // UnmarshalJSON; a scalar type (IntOrString, Quantity, Time) meeting an object is a type error.
  return { kind: 'opaque' };
}

function itemsOf(s: Schema): Schema | undefined {
  if (s === ANY) return ANY;
  return s.type === 'array' && s.items ? s.items : undefined;
}

export interface StrictFieldOptions {
  /**
   * Visit each object's keys in byte order, as when the value was encoded from a Go map (a
   * patched object is JSON that encoding/json wrote, keys sorted) rather than sent.
   */
  sortKeys?: boolean;
}

interface Walk {
  /** The errors in the order found, each once (as upstream dedupes them). */
  out: Set<string>;
  sortKeys: boolean;
}

function add(walk: Walk, kind: 'unknown' | 'duplicate', path: string): void {
  if (walk.out.size >= MAX_ERRORS) return;
  walk.out.add(kind === 'unknown' ? unknownFieldMessage(path) : `duplicate field ${goQuote(path)}`);
}

function walkValue(value: unknown, schema: Schema, segments: (string | number)[], walk: Walk): void {
  if (walk.out.size >= MAX_ERRORS) return;
  const s = schema === ANY ? ANY : resolveSchema(schema);
  if (!s) return;
  if (Array.isArray(value)) {
    const items = itemsOf(s);
    if (!items) return;
    for (let i = 0; i < value.length; i++) {
      segments.push(i);
      walkValue(value[i], items, segments, walk);
      segments.pop();
    }
    return;
  }
  let members = membersOf(value);
  if (!members) return;
  const shape = objectShape(s);
  if (shape.kind === 'opaque') return;
  if (walk.sortKeys) members = [...members].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  // Only an object that names a key twice needs the set (a plain object never does).
  const seen = value instanceof Members ? new Set<string>() : undefined;
  for (const [key, child] of members) {
    let childSchema: Schema | undefined;
    if (shape.kind === 'map') childSchema = shape.values;
    else childSchema = Object.hasOwn(shape.fields, key) ? shape.fields[key] : shape.rest;
    if (!childSchema) {
      if (shape.kind === 'struct' && !shape.preserve) add(walk, 'unknown', pathText(segments, key));
      continue;
    }
    if (seen) {
      if (seen.has(key)) add(walk, 'duplicate', pathText(segments, key));
      else seen.add(key);
    }
    segments.push(key);
    walkValue(child, childSchema, segments, walk);
    segments.pop();
  }
}

/**
 * The strict decoding errors of `value` (a plain value, or a Members tree that keeps duplicate
 * keys) read as `schema`: `unknown field "..."` and `duplicate field "..."`, in Go's order,
 * deduplicated, at most 100. `x-kubernetes-preserve-unknown-fields` keeps a level's unknown
 * fields; maps accept any key; objects with no declared fields accept anything; `ANY` is Go's
 * interface{}.
 */
export function strictFieldErrors(value: unknown, schema: Schema, options: StrictFieldOptions = {}): string[] {
  const walk: Walk = { out: new Set(), sortKeys: options.sortKeys === true };
  walkValue(value, schema, [], walk);
  return [...walk.out];
}

/** One strict error as upstream words it (strconv.Quote of the path): `unknown field "spec.portz"`. */
export function unknownFieldMessage(path: string): string {
  return `unknown field ${goQuote(path)}`;
}

/**
 * What Go's decode makes of `node` as `schema`, given `old`, what an earlier member with the
 * same key already decoded into the same place (undefined the first time). A struct or a map
 * decoded again keeps what it had and takes the new members over it; a list decodes its items
 * into the items it had (Go reuses them) and takes the new length; anything else, and
 * everything inside an opaque type, is replaced. Of an unknown field, as of JSON.parse, the
 * last value is kept (the registry drops unknown fields later).
 */
export function goDecode(node: JsonNode, schema: Schema, old?: unknown): unknown {
  const s = schema === ANY ? ANY : resolveSchema(schema);
  if (node instanceof Members) {
    const shape = s ? objectShape(s) : ({ kind: 'opaque' } as const);
    if (shape.kind === 'opaque' || schema === ANY) return lastWins(node);
    const out: Record<string, unknown> = isPlainObject(old) ? old : {};
    for (const [key, child] of node.entries) {
      if (shape.kind === 'map') {
        // A map's value is decoded fresh each time (Go zeroes its element before each key).
        setOwn(out, key, goDecode(child, shape.values));
        continue;
      }
      const childSchema = Object.hasOwn(shape.fields, key) ? shape.fields[key] : shape.rest;
      setOwn(out, key, childSchema ? goDecode(child, childSchema, Object.hasOwn(out, key) ? out[key] : undefined) : lastWins(child));
    }
    return out;
  }
  if (Array.isArray(node)) {
    const items = s ? itemsOf(s) : undefined;
    if (!items) return node.map(lastWins);
    const before = Array.isArray(old) ? old : [];
    return node.map((child, i) => goDecode(child, items, i < before.length ? before[i] : undefined));
  }
  return node;
}
