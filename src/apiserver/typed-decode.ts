/**
 * @module What decoding into Go's typed structs does to a body, which a JSON parse alone does
 * not: kube-apiserver decodes every create, update and patched object into its Go type
 * (sigs.k8s.io/json, a fork of Go 1.18's encoding/json), so a value of the wrong JSON type is a
 * decode error before any defaulting or validation sees it, and a `null` becomes the field's
 * zero value. Without this, `"labels": {"tier": 5}` or `"ports": [7]` reached kubito's
 * defaulting and validation as values of a type they never expect (a TypeError, answered 500)
 * and could have been stored for every controller and node agent to trip on.
 *
 * `decodeTypeError` answers encoding/json's error: the first error an UnmarshalJSON method
 * returns (Time, Quantity, IntOrString: it ends the decode), else the first it saved and decoded
 * past (a type mismatch, base64 that does not decode), in document order, with its text:
 * `json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type
 * int32` — the innermost struct's type name, then the JSON names of the struct fields from the
 * root (list indexes and map keys are not in it), then the Go type. `asGoDecodes` removes what
 * Go's decode and encode again leave out (a `null` field, as `omitempty`; a field whose Go type
 * is `omitempty` and not a pointer or struct, at its zero value: `labels: {}`, `stdin: false`)
 * and turns a `null` in a list or map of strings into "", as Go does.
 * The special types decode as their UnmarshalJSON methods do: IntOrString (a string, else an
 * int32), Quantity (a string or a number), Time and MicroTime (a string), FieldsV1 and
 * RawExtension (anything).
 */
import { DEFINITIONS } from '../api/schema/registry.js';
import { GO_OMITEMPTY, type GoZeroKind } from '../api/schema/go-omitempty.js';
import { INT_OR_STRING, QUANTITY, RAW_EXTENSION } from '../api/schema/names.js';
import type { Schema } from '../api/schema/types.js';
import { decodedQuantityText } from '../api/validation/quantity.js';
import { goTimeParseError, RFC3339, RFC3339_MICRO } from './go-time.js';

const FIELDS_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';

/** The regular expression resource.ParseQuantity's error names. */
const QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const QUANTITY_FORMAT = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_SUFFIXES = new Set(['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E']);

/**
 * Why resource.ParseQuantity refuses a quantity's text (its ErrFormatWrong, ErrNumeric,
 * ErrSuffix), or undefined when it parses: `100m`, `64Mi`, `1.5`, `2e3`, `+1`. An empty text is
 * ErrFormatWrong too (`""` decodes only through Quantity's own "null" case).
 */
export function quantityProblem(text: string): string | undefined {
  const m = QUANTITY_FORMAT.exec(text);
  if (!m) return QUANTITY_ERROR;
  const digits = m[1].replace(/^[+-]/, '');
  if (digits === '' || digits === '.' || (digits.match(/\./g) ?? []).length > 1) return 'unable to parse numeric part of quantity';
  const suffix = m[2];
  if (!QUANTITY_SUFFIXES.has(suffix) && !/^[eE][-+]?[0-9]+$/.test(suffix)) return "unable to parse quantity's suffix";
  return undefined;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES: ReadonlyMap<number, number> = new Map([...BASE64_ALPHABET].map((c, i) => [c.charCodeAt(0), i]));

/**
 * Why Go's base64.StdEncoding.Decode refuses `text` (what encoding/json does with a JSON string
 * for a []byte field: Secret data, ConfigMap binaryData): `illegal base64 data at input byte N`,
 * N a byte offset in the UTF-8 text as Go's decodeQuantum computes it (newlines skipped, padding
 * required, trailing bits not checked); undefined when it decodes.
 */
export function base64Problem(text: string): string | undefined {
  const src = Buffer.from(text, 'utf8');
  const corrupt = (at: number): string => `illegal base64 data at input byte ${at}`;
  const newline = (b: number): boolean => b === 0x0a || b === 0x0d;
  let si = 0;
  while (si < src.length) {
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return undefined;
        return corrupt(si - j);
      }
      const c = src[si++];
      if (BASE64_VALUES.has(c)) continue;
      if (newline(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d /* = */ || j < 2) return corrupt(si - 1);
      if (j === 2) {
        // "==" is expected; the first "=" is consumed.
        while (si < src.length && newline(src[si])) si++;
        if (si === src.length) return corrupt(src.length);
        if (src[si] !== 0x3d) return corrupt(si - 1);
        si++;
      }
      while (si < src.length && newline(src[si])) si++;
      return si < src.length ? corrupt(si) : undefined;
    }
  }
  return undefined;
}

/** A decode failure: its text, as the Go decoder words it. */
export class DecodeTypeError extends Error {}

interface Context {
  /** The innermost struct's Go type name (without its package), '' at the root of a non-struct. */
  struct: string;
  /** JSON names of the struct fields from the root. */
  fields: string[];
}

/** The JSON type word encoding/json puts in an UnmarshalTypeError. */
function jsonWord(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  return Array.isArray(value) ? 'array' : 'object';
}

/** A definition's Go type name: `io.k8s.api.core.v1.ServicePort` -> `v1.ServicePort`. */
function goDefinitionName(ref: string): string {
  if (ref === INT_OR_STRING) return 'intstr.IntOrString';
  if (ref === QUANTITY) return 'resource.Quantity';
  const parts = ref.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

/** The Go type a schema decodes into, as reflect.Type.String() prints it. */
function goTypeName(schema: Schema): string {
  if (schema.ref !== undefined) return goDefinitionName(schema.ref);
  switch (schema.type) {
    case 'array':
      return `[]${schema.items ? goTypeName(schema.items) : 'interface {}'}`;
    case 'object':
      return schema.additionalProperties ? `map[string]${goTypeName(schema.additionalProperties)}` : 'map[string]interface {}';
    case 'integer':
      return schema.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return schema.format === 'byte' ? '[]uint8' : 'string';
  }
}

function mismatchText(context: Context, valueWord: string, type: string): string {
  const at = context.struct !== '' || context.fields.length > 0 ? `Go struct field ${context.struct}.${context.fields.join('.')}` : 'Go value';
  return `json: cannot unmarshal ${valueWord} into ${at} of type ${type}`;
}

/** An error an UnmarshalJSON method returns (IntOrString, Quantity, Time): it ends the decode. */
function fail(context: Context, valueWord: string, type: string): never {
  throw new DecodeTypeError(mismatchText(context, valueWord, type));
}

/**
 * While decodeTypeError walks a body: the first error encoding/json saves and decodes on past (a
 * value of the wrong JSON type, base64 that does not decode). It is the decode's error unless an
 * UnmarshalJSON method fails later (thrown), which ends the decode and wins, as in Go.
 */
let saved: { error?: string } | undefined;

function save(text: string): void {
  if (!saved) throw new DecodeTypeError(text);
  saved.error ??= text;
}

/** A type mismatch encoding/json saves (the value is skipped, the decode goes on). */
function mismatch(context: Context, valueWord: string, type: string): void {
  save(mismatchText(context, valueWord, type));
}

/** An integer of this width, as strconv.ParseInt then reflect's OverflowInt accept it. */
/** `immediate`: inside an UnmarshalJSON method (IntOrString), whose error ends the decode. */
function checkInteger(value: number, bits: 32 | 64, context: Context, immediate = false): void {
  const limit = 2 ** (bits - 1);
  // JSON.parse reads 9223372036854775807 (int64's largest) as 2^63: the two can't be told apart.
  const tooLarge = bits === 64 ? value > limit : value >= limit;
  if (!Number.isInteger(value) || value < -limit || tooLarge) (immediate ? fail : mismatch)(context, `number ${String(value)}`, bits === 32 ? 'int32' : 'int64');
}

/** The types whose UnmarshalJSON method decodes them (its error ends a decode). */
const UNMARSHALERS: ReadonlySet<string> = new Set([INT_OR_STRING, QUANTITY, TIME, MICRO_TIME]);

/**
 * What the UnmarshalJSON method of IntOrString, Quantity or Time/MicroTime says of `value`: a
 * quoted IntOrString is a string, anything else an int32; a Quantity a string or a bare number
 * ParseQuantity parses; a Time a string time.Parse parses (RFC3339; MicroTime RFC3339Micro, six
 * digits of fraction) unless it is the stored value (`prev`). Its error ends the decode (thrown).
 * `context` names the field: a JSON decode adds it to a type error; the unstructured converter,
 * which hands the method the value marshalled back to JSON, does not ("Go value").
 */
function unmarshalSpecial(ref: string, value: unknown, prev: unknown, context: Context): void {
  if (ref === INT_OR_STRING) {
    if (typeof value === 'string') return;
    if (typeof value === 'number') return checkInteger(value, 32, context, true);
    return fail(context, jsonWord(value), 'int32');
  }
  if (ref === TIME || ref === MICRO_TIME) {
    if (typeof value !== 'string') fail(context, jsonWord(value), 'string');
    const problem = value === prev ? undefined : goTimeParseError(ref === TIME ? RFC3339 : RFC3339_MICRO, value as string);
    if (problem) throw new DecodeTypeError(problem);
    return;
  }
  // QUANTITY
  if (typeof value !== 'string' && typeof value !== 'number') throw new DecodeTypeError(QUANTITY_ERROR);
  const problem = quantityProblem(typeof value === 'number' ? String(value) : value.trim());
  if (problem) throw new DecodeTypeError(problem);
}

/** The value at `key` of a stored object's part, if it has one (the previous value of a field). */
function childAt(prev: unknown, key: string | number): unknown {
  return prev !== null && typeof prev === 'object' ? (prev as Record<string | number, unknown>)[key] : undefined;
}

/**
 * `prev`: the same part of the stored object, on an update. A []byte or time value left as it is
 * stored is not checked again: kubito before this check stored such values, and upstream never
 * refuses to keep what it holds (it decodes what it stored without error).
 */
function walk(value: unknown, schema: Schema, context: Context, prev?: unknown): void {
  if (value === null) return; // a zero value; asGoDecodes removes it
  const ref = schema.ref;
  if (ref !== undefined) {
    if (ref === FIELDS_V1 || ref === RAW_EXTENSION) return;
    if (UNMARSHALERS.has(ref)) return unmarshalSpecial(ref, value, prev, context);
    const target = DEFINITIONS[ref];
    if (!target) return;
    if (target.properties) {
      if (typeof value !== 'object' || Array.isArray(value)) return mismatch(context, jsonWord(value), goDefinitionName(ref));
      const name = ref.slice(ref.lastIndexOf('.') + 1);
      return walkStruct(value as Record<string, unknown>, target, { struct: name, fields: context.fields }, prev);
    }
    return walk(value, { ...target, ref: undefined }, context, prev);
  }
  switch (schema.type) {
    case 'array': {
      if (!Array.isArray(value)) return mismatch(context, jsonWord(value), goTypeName(schema));
      if (schema.items) for (let i = 0; i < value.length; i++) walk(value[i], schema.items, context, childAt(prev, i));
      return;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return mismatch(context, jsonWord(value), goTypeName(schema));
      if (schema.properties) return walkStruct(value as Record<string, unknown>, schema, context, prev);
      const values = schema.additionalProperties;
      if (values) for (const key in value) if (Object.hasOwn(value, key)) walk((value as Record<string, unknown>)[key], values, context, childAt(prev, key));
      return;
    }
    case 'integer':
      if (typeof value !== 'number') return mismatch(context, jsonWord(value), goTypeName(schema));
      return checkInteger(value, schema.format === 'int32' ? 32 : 64, context);
    case 'number':
      if (typeof value !== 'number') mismatch(context, jsonWord(value), 'float64');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') mismatch(context, jsonWord(value), 'bool');
      return;
    case 'string': {
      if (typeof value !== 'string') return mismatch(context, jsonWord(value), goTypeName(schema));
      // A []byte field: encoding/json base64-decodes the string, and saves that error as it is.
      const problem = schema.format === 'byte' && value !== prev ? base64Problem(value) : undefined;
      if (problem) save(problem);
      return;
    }
    default:
      return; // no type: anything (x-kubernetes-preserve-unknown-fields)
  }
}

function walkStruct(value: Record<string, unknown>, schema: Schema, context: Context, prev?: unknown): void {
  const properties = schema.properties!;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || !Object.hasOwn(properties, key)) continue; // unknown: field validation's
    context.fields.push(key);
    walk(value[key], properties[key], context, childAt(prev, key));
    context.fields.pop();
  }
}

/**
 * What decoding `obj` into the Go type of definition `defName` says, as encoding/json's error
 * text (see the module comment for which error wins); undefined when it decodes (or `defName` is
 * unknown). `previous`: the stored object of an update (walk's `prev`).
 */
export function decodeTypeError(obj: unknown, defName: string, previous?: unknown): string | undefined {
  if (!DEFINITIONS[defName]) return undefined;
  saved = {};
  try {
    walk(obj, { ref: defName }, { struct: '', fields: [] }, previous);
    return saved.error;
  } catch (err) {
    if (err instanceof DecodeTypeError) return err.message;
    throw err;
  } finally {
    saved = undefined;
  }
}

/**
 * The kind reflect names for a value of unstructured content (what the JSON decoding of a
 * strategic merge patch's map holds): k8s.io/apimachinery's util/json makes an integral number
 * an int64, any other a float64 (JSON.parse cannot tell `1.0` from `1`: both read as int64).
 */
function unstructuredKind(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? 'int64' : 'float64';
  return Array.isArray(value) ? 'slice' : 'map';
}

/** Go's int32(v) of an int64: the low 32 bits, two's complement. */
function wrapInt32(value: number): number {
  return Number(BigInt.asIntN(32, BigInt(value)));
}

/**
 * A scalar field from unstructured content, as runtime.DefaultUnstructuredConverter's
 * fromUnstructured converts it: assignable (same kind), or convertible within JSON's groups
 * (integers to integers or floats, floats to floats, integral floats to integers — an int32
 * keeps the low 32 bits of an int64, silently), else `cannot convert int64 to string` where Go
 * could convert but JSON may not, else `unrecognized type: int32`. Returns the converted value.
 */
function convertScalar(value: unknown, goType: GoScalar): unknown {
  const kind = unstructuredKind(value);
  switch (goType) {
    case 'string':
      if (kind === 'string') return value;
      if (kind === 'int64') throw new DecodeTypeError('cannot convert int64 to string');
      break;
    case 'bool':
      if (kind === 'bool') return value;
      break;
    case 'float64':
      if (kind === 'int64' || kind === 'float64') return value;
      break;
    default:
      if (kind === 'int64' || (kind === 'float64' && Number.isInteger(value))) return goType === 'int32' ? wrapInt32(value as number) : value;
      if (kind === 'float64') throw new DecodeTypeError(`cannot convert float64 to ${goType}`);
  }
  throw new DecodeTypeError(`unrecognized type: ${goType}`);
}

type GoScalar = 'string' | 'int32' | 'int64' | 'float64' | 'bool';
const GO_SCALARS: ReadonlySet<string> = new Set<GoScalar>(['string', 'int32', 'int64', 'float64', 'bool']);

/** The Go scalar type of a resolved schema without properties, items or values, if it is one. */
function scalarType(schema: Schema): GoScalar | undefined {
  if (schema.type === undefined || schema.type === 'array' || schema.type === 'object') return undefined;
  const name = goTypeName(schema);
  return GO_SCALARS.has(name) ? (name as GoScalar) : undefined;
}

/** fromUnstructured of `value` into the Go type of `schema`; returns the value as converted. */
function convert(value: unknown, schema: Schema, prev?: unknown): unknown {
  if (value === null) return value; // the zero value; asGoDecodes removes it
  const ref = schema.ref;
  if (ref !== undefined) {
    if (ref === FIELDS_V1 || ref === RAW_EXTENSION) return value;
    if (UNMARSHALERS.has(ref)) {
      unmarshalSpecial(ref, value, prev, { struct: '', fields: [] });
      return value;
    }
    const target = DEFINITIONS[ref];
    return target ? convert(value, { ...target, ref: undefined }, prev) : value;
  }
  const kind = unstructuredKind(value);
  if (schema.properties) {
    if (kind !== 'map') throw new DecodeTypeError(`cannot restore struct from: ${kind}`);
    const record = value as Record<string, unknown>;
    for (const key in record) {
      if (Object.hasOwn(record, key) && Object.hasOwn(schema.properties, key)) record[key] = convert(record[key], schema.properties[key], childAt(prev, key));
    }
    return value;
  }
  if (schema.type === 'array') {
    if (kind !== 'slice') throw new DecodeTypeError(`cannot restore slice from ${kind}`);
    const list = value as unknown[];
    if (schema.items) for (let i = 0; i < list.length; i++) list[i] = convert(list[i], schema.items, childAt(prev, i));
    return value;
  }
  if (schema.type === 'object') {
    if (kind !== 'map') throw new DecodeTypeError(`cannot restore map from ${kind}`);
    const values = schema.additionalProperties;
    const record = value as Record<string, unknown>;
    if (values) for (const key in record) if (Object.hasOwn(record, key)) record[key] = convert(record[key], values, childAt(prev, key));
    return value;
  }
  if (schema.type === 'string' && schema.format === 'byte') {
    // sliceFromUnstructured: a string is marshalled to JSON and unmarshalled into the []byte.
    if (kind !== 'string') throw new DecodeTypeError(`cannot restore slice from ${kind}`);
    const problem = value === prev ? undefined : base64Problem(value as string);
    if (problem) throw new DecodeTypeError(`error decoding from json: ${problem}`);
    return value;
  }
  const goType = scalarType(schema);
  return goType ? convertScalar(value, goType) : value;
}

/**
 * What converting a strategic merge patch's result (unstructured content) into the Go type of
 * definition `defName` says of `obj`, as runtime.DefaultUnstructuredConverter words it
 * (`unrecognized type: int32`, `cannot convert int64 to string`, `cannot restore slice from
 * string`, an UnmarshalJSON's own error for IntOrString, Quantity and Time); undefined when
 * it converts. Converts in place as Go would: an int32 field given an int64 keeps its low 32
 * bits (4294967376 is 80) — upstream's converter truncates where a JSON decode refuses.
 */
export function convertTypeError(obj: unknown, defName: string, previous?: unknown): string | undefined {
  if (!DEFINITIONS[defName]) return undefined;
  try {
    convert(obj, { ref: defName }, previous);
    return undefined;
  } catch (err) {
    if (err instanceof DecodeTypeError) return err.message;
    throw err;
  }
}

/** A scalar's zero value where Go puts one for a `null` (a list's or a map's element). */
function zeroOf(schema: Schema): unknown {
  // Quantity.UnmarshalJSON("null") is the zero quantity, which marshals as "0".
  if (schema.ref === QUANTITY) return '0';
  const s = schema.ref !== undefined ? DEFINITIONS[schema.ref] : schema;
  if (!s || schema.ref === INT_OR_STRING) return schema.ref === INT_OR_STRING ? 0 : null;
  switch (s.type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'object':
      return s.properties ? {} : null;
    default:
      return null;
  }
}

function resolved(schema: Schema): Schema | undefined {
  if (schema.ref === undefined) return schema;
  if (schema.ref === FIELDS_V1 || schema.ref === RAW_EXTENSION) return undefined;
  return DEFINITIONS[schema.ref];
}

/**
 * A value as Go writes it back after decoding it: a []byte field's bytes base64 again (newlines
 * gone, unused trailing bits zero, as `YR==` is `YQ==`); a Quantity's text as its decode keeps
 * or prints it (`1000` is `1k`, `+1` stays: quantity.ts decodedQuantityText); other values as
 * they are.
 */
function asWrittenBack(value: unknown, schema: Schema): unknown {
  if (schema.ref === QUANTITY) return decodedQuantityText(value) ?? value;
  const s = resolved(schema);
  if (typeof value !== 'string' || !s || s.type !== 'string' || s.format !== 'byte') return value;
  // Text that is not base64 was kept as stored (walk's `prev`): kept as it is.
  return base64Problem(value) === undefined ? Buffer.from(value, 'base64').toString('base64') : value;
}

const OMIT_EMPTY: ReadonlyMap<string, ReadonlyMap<string, GoZeroKind>> = new Map(Object.entries(GO_OMITEMPTY).map(([def, fields]) => [def, new Map(Object.entries(fields))]));

/** Whether a decoded value is the zero value of a field of this kind (encoding/json's isEmptyValue). */
function isGoZero(value: unknown, kind: GoZeroKind): boolean {
  switch (kind) {
    case 'string':
    case 'bytes':
      return value === '';
    case 'bool':
      return value === false;
    case 'number':
      return value === 0;
    case 'list':
      return Array.isArray(value) && value.length === 0;
    case 'map':
      if (typeof value !== 'object' || value === null) return false;
      for (const key in value) if (Object.hasOwn(value, key)) return false;
      return true;
  }
}

function dropIn(value: unknown, schema: Schema): void {
  const s = resolved(schema);
  if (!s || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (!s.items) return;
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null) {
        const zero = zeroOf(s.items);
        if (zero !== null) value[i] = zero;
      } else {
        value[i] = asWrittenBack(value[i], s.items);
        dropIn(value[i], s.items);
      }
    }
    return;
  }
  const record = value as Record<string, unknown>;
  if (s.properties) {
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    const omitEmpty = schema.ref !== undefined ? OMIT_EMPTY.get(schema.ref) : undefined;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const child = Object.hasOwn(s.properties, key) ? s.properties[key] : undefined;
      // A field the Go type does not have is not decoded: it is gone (strict validation warned).
      if (record[key] === null || (!child && !preserve)) delete record[key];
      else if (child) {
        record[key] = asWrittenBack(record[key], child);
        dropIn(record[key], child);
        // Go's encode leaves out an `omitempty` field at its zero value (its decode kept it).
        // The value is looked at first: most are not zero, and the table is not looked up.
        const v = record[key];
        if (omitEmpty !== undefined && (v === '' || v === 0 || v === false || typeof v === 'object')) {
          const zero = omitEmpty.get(key);
          if (zero !== undefined && isGoZero(v, zero)) delete record[key];
        }
      }
    }
    return;
  }
  if (s.additionalProperties) {
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      if (record[key] === null) {
        const zero = zeroOf(s.additionalProperties);
        if (zero === null) delete record[key];
        else record[key] = zero;
      } else {
        record[key] = asWrittenBack(record[key], s.additionalProperties);
        dropIn(record[key], s.additionalProperties);
      }
    }
  }
}

/**
 * Makes `obj`, in place, what a decode into the Go type and its encoding again would give:
 * an unknown field is dropped (the Go type has nowhere to keep it; strict field validation
 * warned or refused before); a `null` field goes (as Go's `omitempty` drops the zero value it
 * decoded to), a `null` element of a list or a map of scalars becomes the scalar's zero value
 * ("" for strings); a field Go's encoding leaves out at its zero value (`omitempty`, not a
 * pointer nor a struct: go-omitempty.ts, generated from k8s.io/api) goes when it holds that
 * value — `labels: {}`, `args: []`, `stdin: false`, `nodePort: 0`, `clusterIP: ""` — while a
 * pointer's (`terminationGracePeriodSeconds: 0`) and a struct's (`status: {}`) stay; a []byte
 * field's base64 and a Quantity's text are as Go writes them back (asWrittenBack). Run after `decodeTypeError` (or `convertTypeError`) found nothing.
 */
export function asGoDecodes(obj: unknown, defName: string): void {
  if (DEFINITIONS[defName]) dropIn(obj, { ref: defName });
}
