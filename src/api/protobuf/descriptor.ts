/**
 * @module Message descriptors: what each protobuf field of a Kubernetes type is called in
 * JSON and how Go's JSON encoder treats it. The tables in `schema/` are generated from
 * upstream (testdata-gen/gen-tables.ts) in a one-line-per-message notation:
 *
 *   `NUM:jsonName:TYPE[*][MODE]` separated by spaces, in upstream's field order, where
 *   TYPE is a scalar (`s` string, `b` bool, `i32`, `i64`, `y` bytes), a special type with a
 *   JSON form of its own (`time`, `microtime`, `quantity`, `intstr`, `fieldsv1`), a message
 *   `pkg.Name`, or a map `{VALUE}` (keys are strings); `*` marks a repeated field; MODE is
 *   empty (Go `omitempty`: a zero value is left out of JSON), `!` (no omitempty: always in
 *   JSON; an empty list or map is `null`), `?` (a Go pointer: in JSON exactly when present
 *   on the wire), or `^` (an embedded struct, inlined into its parent; jsonName is empty).
 *   A message or special field without `?` is a Go value struct: always in JSON, its zero
 *   form when absent.
 */
import { APPS_V1 } from './schema/apps-v1.js';
import { COORDINATION_V1 } from './schema/coordination-v1.js';
import { CORE_V1 } from './schema/core-v1.js';
import { DISCOVERY_V1 } from './schema/discovery-v1.js';
import { META_V1 } from './schema/meta-v1.js';
import { AUTHENTICATION_V1 } from './schema/authentication-v1.js';
import { AUTHORIZATION_V1 } from './schema/authorization-v1.js';

export type ScalarType = 's' | 'b' | 'i32' | 'i64' | 'y';
export type SpecialType = 'time' | 'microtime' | 'quantity' | 'intstr' | 'fieldsv1' | 'extravalue';

const SCALARS: ReadonlySet<string> = new Set<ScalarType>(['s', 'b', 'i32', 'i64', 'y']);
const SPECIALS: ReadonlySet<string> = new Set<SpecialType>(['time', 'microtime', 'quantity', 'intstr', 'fieldsv1', 'extravalue']);

export interface FieldDesc {
  readonly number: number;
  /** The JSON key; '' for an inlined embedded struct. */
  readonly json: string;
  /** Of the field, or of the map value. */
  readonly kind: 'scalar' | 'special' | 'message';
  /** A ScalarType, a SpecialType, or a qualified message name such as `core.PodSpec`. */
  readonly type: string;
  readonly label: 'single' | 'repeated' | 'map';
  readonly presence: 'omitempty' | 'always' | 'pointer' | 'inline';
}

export interface MessageDesc {
  /** Qualified name, e.g. `core.Service`. */
  readonly name: string;
  /** In upstream's order, which is the order of keys in the JSON form. */
  readonly fields: readonly FieldDesc[];
  /** By ascending field number: the order Go's marshaller writes them in. */
  readonly byNumberOrder: readonly FieldDesc[];
  readonly byNumber: ReadonlyMap<number, FieldDesc>;
}

/** Every table, under the package alias its message references use. */
const TABLES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  core: CORE_V1,
  apps: APPS_V1,
  discovery: DISCOVERY_V1,
  coordination: COORDINATION_V1,
  authorization: AUTHORIZATION_V1,
  authentication: AUTHENTICATION_V1,
  meta: META_V1,
};

const FIELD = /^(\d+):(\w*):(\{([\w.]+)\}|[\w.]+)(\*?)([!?^]?)$/;

/** Parses one table line; throws a plain Error for a malformed table (a bug, not input). */
export function parseMessage(name: string, line: string): MessageDesc {
  const fields: FieldDesc[] = [];
  for (const token of line.split(' ').filter(Boolean)) {
    const m = FIELD.exec(token);
    if (!m) throw new Error(`protobuf table ${name}: bad field ${JSON.stringify(token)}`);
    const type = m[4] ?? m[3];
    const label = m[4] !== undefined ? 'map' : m[5] ? 'repeated' : 'single';
    const mode = m[6];
    const kind = SCALARS.has(type) ? 'scalar' : SPECIALS.has(type) ? 'special' : 'message';
    if (kind === 'message' && !type.includes('.')) throw new Error(`protobuf table ${name}: unknown type ${type}`);
    const presence = mode === '!' ? 'always' : mode === '?' ? 'pointer' : mode === '^' ? 'inline' : 'omitempty';
    if ((presence === 'inline') !== (m[2] === '')) throw new Error(`protobuf table ${name}: ${token}: only inlined fields lack a name`);
    fields.push({ number: Number(m[1]), json: m[2], kind, type, label, presence });
  }
  const byNumberOrder = [...fields].sort((a, b) => a.number - b.number);
  return { name, fields, byNumberOrder, byNumber: new Map(fields.map((f) => [f.number, f])) };
}

function buildRegistry(): Map<string, MessageDesc> {
  const all = new Map<string, MessageDesc>();
  for (const [pkg, table] of Object.entries(TABLES)) {
    for (const [name, line] of Object.entries(table)) all.set(`${pkg}.${name}`, parseMessage(`${pkg}.${name}`, line));
  }
  for (const desc of all.values()) {
    for (const f of desc.fields) {
      if (f.kind === 'message' && !all.has(f.type)) throw new Error(`protobuf table ${desc.name}: ${f.json} refers to missing ${f.type}`);
    }
  }
  return all;
}

const REGISTRY = buildRegistry();

/** The descriptor of a qualified message name, or undefined. */
export function findMessage(name: string): MessageDesc | undefined {
  return REGISTRY.get(name);
}

/** The descriptor of a message a table refers to (always present: checked at load). */
export function messageOf(field: FieldDesc): MessageDesc {
  return REGISTRY.get(field.type)!;
}

/** Every message name, for tests. */
export function messageNames(): string[] {
  return [...REGISTRY.keys()];
}

/** A `<Kind>List`: ListMeta and the items, as every upstream list type has them. */
export function listOf(item: string): MessageDesc {
  return parseMessage(`${item}List`, `1:metadata:meta.ListMeta 2:items:${item}*!`);
}
