/**
 * @module The apimachinery types whose JSON form differs from their protobuf message:
 * metav1.Time and MicroTime (`{seconds, nanos}` <-> RFC 3339 string, zero <-> null),
 * resource.Quantity (`{string}` <-> string), intstr.IntOrString (`{type, intVal, strVal}`
 * <-> number or string), metav1.FieldsV1 (`{Raw}` <-> the JSON it holds) and the reviews'
 * ExtraValue (`type ExtraValue []string`: `{repeated items}` <-> an array of strings).
 * Decoding empty bytes gives the zero value's JSON, as Go prints a zero value struct.
 */
import { newInternalError } from '../errors.js';
import type { SpecialType } from './descriptor.js';
import { Reader, WIRE, Writer, protoError } from './wire.js';

/** Seconds of 0001-01-01T00:00:00Z (Go's zero time) and of 9999-12-31T23:59:59Z. */
const MIN_SECONDS = -62135596800;
const MAX_SECONDS = 253402300799;

/** Generated (gogo) messages merge when repeated on the wire; hand-written ones replace. */
export function mergesOnWire(type: SpecialType): boolean {
  return type === 'intstr' || type === 'fieldsv1';
}

/** The JSON form of a special type's message bytes; `path` names the field in errors. */
export function decodeSpecial(bytes: Uint8Array, o: { type: SpecialType; path: string }): unknown {
  const { type, path } = o;
  switch (type) {
    case 'time':
      return decodeTime(bytes, { micro: false, path });
    case 'microtime':
      return decodeTime(bytes, { micro: true, path });
    case 'quantity':
      return decodeQuantity(bytes, path);
    case 'intstr':
      return decodeIntOrString(bytes, path);
    case 'fieldsv1':
      return decodeFieldsV1(bytes, path);
    case 'extravalue':
      return decodeExtraValue(bytes, path);
  }
}

/** The message bytes Go writes for a special type's JSON value (`undefined`/`null`: the zero value). */
export function encodeSpecial(value: unknown, o: { type: SpecialType; path: string }): Uint8Array {
  const { type, path } = o;
  switch (type) {
    case 'time':
      return encodeTime(value, { micro: false, path });
    case 'microtime':
      return encodeTime(value, { micro: true, path });
    case 'quantity':
      return encodeQuantity(value, path);
    case 'intstr':
      return encodeIntOrString(value, path);
    case 'fieldsv1':
      return encodeFieldsV1(value, path);
    case 'extravalue':
      return encodeExtraValue(value, path);
  }
}

function expectWire(wire: number, o: { want: number; path: string }): void {
  const { want, path } = o;
  if (wire !== want) throw protoError(`proto: wrong wireType = ${wire} for field ${path}`);
}

/** Timestamp {1 seconds, 2 nanos}. Time keeps seconds (as upstream does); MicroTime keeps microseconds. */
function decodeTime(bytes: Uint8Array, o: { micro: boolean; path: string }): string | null {
  const { micro, path } = o;
  if (bytes.length === 0) return null;
  const r = new Reader(bytes);
  let seconds = 0;
  let nanos = 0;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(wire, { want: WIRE.varint, path: `${path}.seconds` });
      seconds = r.int64();
    } else if (field === 2) {
      expectWire(wire, { want: WIRE.varint, path: `${path}.nanos` });
      nanos = r.int32();
    } else r.skip(wire);
  }
  let micros = micro ? Math.trunc(nanos / 1000) : 0;
  seconds += Math.floor(micros / 1_000_000);
  micros = ((micros % 1_000_000) + 1_000_000) % 1_000_000;
  if (seconds === MIN_SECONDS && micros === 0) return null;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw protoError(`${path}: timestamp ${seconds} is out of range`);
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${base}.${String(micros).padStart(6, '0')}Z` : `${base}Z`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function encodeTime(value: unknown, o: { micro: boolean; path: string }): Uint8Array {
  const { micro, path } = o;
  if (value === null || value === undefined) return new Uint8Array(0);
  const m = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!m) throw encodeError(path, { expected: 'an RFC 3339 time', got: value });
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60) : 0;
  const seconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000 - offset;
  const nanos = micro && frac ? Number(frac.padEnd(9, '0').slice(0, 6)) * 1000 : 0;
  return new Writer().tag(1, WIRE.varint).int(seconds).tag(2, WIRE.varint).int(nanos).finish();
}

/** What resource.ParseQuantity accepts: a signed decimal, then a known suffix or an exponent. */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

function decodeQuantity(bytes: Uint8Array, path: string): string {
  const r = new Reader(bytes);
  let s = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(wire, { want: WIRE.bytes, path: `${path}.string` });
      s = r.string();
    } else r.skip(wire);
  }
  if (bytes.length === 0) return '0';
  if (!QUANTITY.test(s)) {
    throw protoError(`${path}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  }
  return s;
}

function encodeQuantity(value: unknown, path: string): Uint8Array {
  const s = value === undefined || value === null ? '0' : typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string' || !QUANTITY.test(s)) throw encodeError(path, { expected: 'a quantity', got: value });
  return new Writer().tag(1, WIRE.bytes).string(s).finish();
}

function decodeIntOrString(bytes: Uint8Array, path: string): number | string {
  const r = new Reader(bytes);
  let type = 0;
  let intVal = 0;
  let strVal = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(wire, { want: WIRE.varint, path: `${path}.type` });
      type = r.int64();
    } else if (field === 2) {
      expectWire(wire, { want: WIRE.varint, path: `${path}.intVal` });
      intVal = r.int32();
    } else if (field === 3) {
      expectWire(wire, { want: WIRE.bytes, path: `${path}.strVal` });
      strVal = r.string();
    } else r.skip(wire);
  }
  if (type === 0) return intVal;
  if (type === 1) return strVal;
  throw protoError(`${path}: impossible IntOrString.Type ${type}`);
}

function encodeIntOrString(value: unknown, path: string): Uint8Array {
  const v = value ?? 0;
  const w = new Writer();
  if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) {
    return w.tag(1, WIRE.varint).int(0).tag(2, WIRE.varint).int(v).tag(3, WIRE.bytes).string('').finish();
  }
  if (typeof v === 'string') return w.tag(1, WIRE.varint).int(1).tag(2, WIRE.varint).int(0).tag(3, WIRE.bytes).string(v).finish();
  throw encodeError(path, { expected: 'an int32 or a string', got: value });
}

function decodeFieldsV1(bytes: Uint8Array, path: string): unknown {
  const r = new Reader(bytes);
  let raw: Uint8Array = new Uint8Array(0);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(wire, { want: WIRE.bytes, path: `${path}.Raw` });
      raw = r.bytes();
    } else r.skip(wire);
  }
  if (raw.length === 0) return null;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    throw protoError(`${path}: FieldsV1 does not hold JSON`);
  }
}

function encodeFieldsV1(value: unknown, path: string): Uint8Array {
  if (value === undefined || value === null) return new Uint8Array(0);
  if (typeof value !== 'object') throw encodeError(path, { expected: 'an object', got: value });
  return new Writer().tag(1, WIRE.bytes).string(JSON.stringify(value)).finish();
}

/** ExtraValue {1 repeated string}: the strings in order (Go's nil slice: null). */
function decodeExtraValue(bytes: Uint8Array, path: string): unknown {
  const r = new Reader(bytes);
  const items: string[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(wire, { want: WIRE.bytes, path });
      items.push(r.string());
    } else r.skip(wire);
  }
  return items.length ? items : null;
}

function encodeExtraValue(value: unknown, path: string): Uint8Array {
  if (value === undefined || value === null) return new Uint8Array(0);
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw encodeError(path, { expected: 'an array of strings', got: value });
  const w = new Writer();
  for (const item of value as string[]) w.tag(1, WIRE.bytes).string(item);
  return w.finish();
}

/** An object that does not fit its schema: a bug on the encoding side, hence InternalError. */
export function encodeError(path: string, o: { expected: string; got: unknown }): Error {
  const got = JSON.stringify(o.got) ?? typeof o.got;
  return newInternalError(new Error(`cannot encode ${path} as protobuf: expected ${o.expected}, got ${got}`));
}
