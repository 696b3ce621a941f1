/**
 * @module Unknown-field detection for `fieldValidation=Strict|Warn`, reporting paths the way
 * kube-apiserver's strict JSON decoding (sigs.k8s.io/json) does: fields joined by `.`, list
 * indexes as `[i]`, map keys as plain segments, no leading dot (`spec.ports[0].foo`).
 */
import type { Schema } from './types.js';
import { DEFINITIONS, resolveSchema } from './registry.js';

/** Upstream stops collecting strict errors after this many. */
const MAX_ERRORS = 100;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The path of a field as text, from the segments of its parents (keys, and list indexes as
 * numbers) and its own key. Made only for an unknown field: a walk over a known object builds
 * no path strings at all.
 */
function pathText(segments: readonly (string | number)[], key: string): string {
  let out = '';
  for (const s of segments) out = typeof s === 'number' ? `${out}[${s}]` : out === '' ? s : `${out}.${s}`;
  return out === '' ? key : `${out}.${key}`;
}

function walk(value: unknown, schema: Schema, segments: (string | number)[], out: Set<string>): void {
  if (out.size >= MAX_ERRORS) return;
  const s = resolveSchema(schema);
  if (!s) return;
  if (Array.isArray(value)) {
    if (s.type !== 'array' || !s.items) return;
    const items = s.items as Schema;
    for (let i = 0; i < value.length; i++) {
      segments.push(i);
      walk(value[i], items, segments, out);
      segments.pop();
    }
    return;
  }
  if (!isPlainObject(value)) return;
  if (s.properties) {
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const child = Object.hasOwn(s.properties, key) ? s.properties[key] : s.additionalProperties;
      if (child) {
        segments.push(key);
        walk(value[key], child as Schema, segments, out);
        segments.pop();
      } else if (!preserve && out.size < MAX_ERRORS) out.add(pathText(segments, key));
    }
    return;
  }
  if (s.additionalProperties) {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      segments.push(key);
      walk(value[key], s.additionalProperties as Schema, segments, out);
      segments.pop();
    }
  }
  // Anything else is opaque here: an object without declared fields (FieldsV1, RawExtension)
  // takes any content, and a scalar type (IntOrString, Quantity, Time) meeting an object is a
  // type error, not an unknown field.
}

/**
 * The paths of the fields in `obj` that definition `defName` does not declare, in input order,
 * deduplicated, at most 100 (as upstream). `x-kubernetes-preserve-unknown-fields` keeps a level's
 * unknown fields; maps accept any key; objects with no declared fields accept anything. Empty if
 * `defName` is not in the registry.
 */
export function unknownFields(obj: unknown, defName: string): string[] {
  const schema = DEFINITIONS[defName];
  return schema ? unknownFieldsOf(obj, schema) : [];
}

/** As `unknownFields`, against a schema given directly (its refs resolve in the registry). */
export function unknownFieldsOf(obj: unknown, schema: Schema): string[] {
  const out = new Set<string>();
  walk(obj, schema, [], out);
  return [...out];
}

/** One strict error as upstream words it: `unknown field "spec.portz"`. */
export function unknownFieldMessage(path: string): string {
  return `unknown field ${JSON.stringify(path)}`;
}

/**
 * The text of a strict decoding failure: `strict decoding error: unknown field "a", unknown
 * field "b"`. kube-apiserver prefixes it for create/update with `<Kind> in version "<v>" cannot be
 * handled as a <Kind>: `; with `Warn`, each `unknownFieldMessage` becomes one warning instead.
 */
export function strictDecodingMessage(paths: readonly string[]): string {
  return `strict decoding error: ${paths.map(unknownFieldMessage).join(', ')}`;
}
