/**
 * @module Encodes a JSON object as one protobuf message, byte for byte as Go's generated
 * (gogo) marshallers would write the same Go struct: fields by ascending number, value
 * scalars and value structs always written (zero when absent), pointers only when set,
 * list items one by one, map entries sorted by key. JSON keys the schema lacks are dropped.
 * An object that does not fit the schema throws a StatusError InternalError.
 */
import { type FieldDesc, type MessageDesc, type ScalarType, type SpecialType, messageOf } from './descriptor.js';
import { encodeError, encodeSpecial } from './special.js';
import { WIRE, Writer } from './wire.js';

type Json = Record<string, unknown>;

/** Encodes `obj` as message `desc`; `path` names it in error messages. */
export function encodeMessage(desc: MessageDesc, obj: Json, o: { path: string } = { path: desc.name }): Uint8Array {
  const w = new Writer();
  for (const f of desc.byNumberOrder) {
    if (f.presence === 'inline') {
      // An embedded struct: its fields sit in the same JSON object.
      w.tag(f.number, WIRE.bytes).bytes(encodeMessage(messageOf(f), obj, o));
      continue;
    }
    const path = `${o.path}.${f.json}`;
    const value = obj[f.json];
    if (f.label === 'map') writeMap(w, { field: f, value, path });
    else if (f.label === 'repeated') {
      if (value === undefined || value === null) continue;
      if (!Array.isArray(value)) throw encodeError(path, { expected: 'a list', got: value });
      value.forEach((item, i) => writeValue(w, { field: f, value: item, path: `${path}[${i}]` }));
    } else if (value === undefined || value === null) {
      // Go writes value fields even when zero, pointers and byte slices only when set.
      if (f.presence !== 'pointer' && f.type !== 'y') writeValue(w, { field: f, value: undefined, path });
    } else writeValue(w, { field: f, value, path });
  }
  return w.finish();
}

/** Go's sort.Strings order: by UTF-8 bytes. */
function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function writeMap(w: Writer, o: { field: FieldDesc; value: unknown; path: string }): void {
  const { field: f, value, path } = o;
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) throw encodeError(path, { expected: 'an object', got: value });
  const map = value as Json;
  for (const key of Object.keys(map).sort(utf8Compare)) {
    const entry = new Writer().tag(1, WIRE.bytes).string(key);
    writeValue(entry, { field: { ...f, number: 2 }, value: map[key], path: `${path}[${key}]` });
    w.tag(f.number, WIRE.bytes).bytes(entry.finish());
  }
}

/** One field occurrence; `undefined` writes the zero value. */
function writeValue(w: Writer, o: { field: FieldDesc; value: unknown; path: string }): void {
  const { field: f, value, path } = o;
  if (f.kind === 'message') {
    const v = value ?? {};
    if (typeof v !== 'object' || Array.isArray(v)) throw encodeError(path, { expected: 'an object', got: value });
    w.tag(f.number, WIRE.bytes).bytes(encodeMessage(messageOf(f), v as Json, { path }));
  } else if (f.kind === 'special') {
    w.tag(f.number, WIRE.bytes).bytes(encodeSpecial(value, { type: f.type as SpecialType, path }));
  } else writeScalar(w, { number: f.number, type: f.type as ScalarType, value, path });
}

function writeScalar(w: Writer, o: { number: number; type: ScalarType; value: unknown; path: string }): void {
  const { number, type, value, path } = o;
  switch (type) {
    case 's':
      if (value !== undefined && typeof value !== 'string') throw encodeError(path, { expected: 'a string', got: value });
      w.tag(number, WIRE.bytes).string(value ?? '');
      return;
    case 'y':
      if (value !== undefined && typeof value !== 'string') throw encodeError(path, { expected: 'base64 bytes', got: value });
      w.tag(number, WIRE.bytes).bytes(Buffer.from(value ?? '', 'base64'));
      return;
    case 'b':
      if (value !== undefined && typeof value !== 'boolean') throw encodeError(path, { expected: 'a boolean', got: value });
      w.tag(number, WIRE.varint).bool(value ?? false);
      return;
    case 'i32':
    case 'i64': {
      const v = value ?? 0;
      const limit = type === 'i32' ? 2 ** 31 : 2 ** 63;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -limit || v >= limit) {
        throw encodeError(path, { expected: type === 'i32' ? 'an int32' : 'an int64', got: value });
      }
      w.tag(number, WIRE.varint).int(v);
    }
  }
}
