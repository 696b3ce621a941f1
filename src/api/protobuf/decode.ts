/**
 * @module Decodes one protobuf message into the JSON object Go's encoding/json would print
 * for the same Go struct: omitempty zero values dropped, pointers kept exactly when
 * present, value structs always shown, embedded structs inlined, bytes in base64.
 * Unknown fields are skipped. Every malformed input throws a StatusError BadRequest.
 */
import { type FieldDesc, type MessageDesc, type ScalarType, type SpecialType, messageOf } from './descriptor.js';
import { decodeSpecial, mergesOnWire } from './special.js';
import { Reader, WIRE, protoError } from './wire.js';

/** Deeper nesting than any Kubernetes type has; a guard against hostile input. */
const MAX_DEPTH = 64;

type Json = Record<string, unknown>;

/** Where a value sits: its path for error messages (`Service.spec.ports[0].port`) and its nesting depth. */
export interface At {
  path: string;
  depth: number;
}

/** What the wire gave for one field before it is turned into JSON. */
type Slot =
  | { label: 'single'; value: unknown; chunks: Uint8Array[] }
  | { label: 'repeated'; items: unknown[] }
  | { label: 'map'; entries: Map<string, unknown> };

const EMPTY = new Uint8Array(0);

/** Decodes `bytes` as message `desc`. */
export function decodeMessage(desc: MessageDesc, bytes: Uint8Array, at: At = { path: desc.name, depth: 0 }): Json {
  if (at.depth > MAX_DEPTH) throw protoError(`${at.path}: message nesting exceeds ${MAX_DEPTH}`);
  const slots = new Map<number, Slot>();
  const r = new Reader(bytes);
  while (!r.done) {
    const { field, wire } = r.tag();
    const f = desc.byNumber.get(field);
    if (f) readField(r, { field: f, wire, slots, path: fieldPath(at.path, f) });
    else r.skip(wire);
  }
  const out: Json = {};
  for (const f of desc.fields) emit(out, { field: f, slot: slots.get(f.number), at: { path: fieldPath(at.path, f), depth: at.depth } });
  return out;
}

function fieldPath(parent: string, f: FieldDesc): string {
  return f.presence === 'inline' ? parent : `${parent}.${f.json}`;
}

function wireOf(f: FieldDesc): number {
  if (f.kind !== 'scalar') return WIRE.bytes;
  return f.type === 's' || f.type === 'y' ? WIRE.bytes : WIRE.varint;
}

function wrongWire(wire: number, path: string): Error {
  return protoError(`proto: wrong wireType = ${wire} for field ${path}`);
}

function readScalar(r: Reader, type: ScalarType): unknown {
  switch (type) {
    case 's':
      return r.string();
    case 'y':
      return r.bytes();
    case 'b':
      return r.bool();
    case 'i32':
      return r.int32();
    case 'i64':
      return r.int64();
  }
}

/** One occurrence of a known field, added to its slot (messages stay bytes until `emit`). */
function readField(r: Reader, o: { field: FieldDesc; wire: number; slots: Map<number, Slot>; path: string }): void {
  const { field: f, wire, slots, path } = o;
  const want = wireOf(f);
  const slot = slots.get(f.number);
  if (f.label === 'map') {
    if (wire !== WIRE.bytes) throw wrongWire(wire, path);
    const entries = slot?.label === 'map' ? slot.entries : new Map<string, unknown>();
    if (!slot) slots.set(f.number, { label: 'map', entries });
    const [key, value] = readMapEntry(r.bytes(), { field: f, path });
    entries.set(key, value);
  } else if (f.label === 'repeated') {
    const items = slot?.label === 'repeated' ? slot.items : [];
    if (!slot) slots.set(f.number, { label: 'repeated', items });
    if (wire === want) items.push(f.kind === 'scalar' ? readScalar(r, f.type as ScalarType) : r.bytes());
    else if (wire === WIRE.bytes && want === WIRE.varint) {
      // A packed run of varints, which Go's decoder also accepts.
      const packed = new Reader(r.bytes());
      while (!packed.done) items.push(readScalar(packed, f.type as ScalarType));
    } else throw wrongWire(wire, `${path}[${items.length}]`);
  } else {
    if (wire !== want) throw wrongWire(wire, path);
    const single = slot?.label === 'single' ? slot : { label: 'single' as const, value: undefined, chunks: [] };
    if (!slot) slots.set(f.number, single);
    if (f.kind === 'scalar') single.value = readScalar(r, f.type as ScalarType);
    else single.chunks.push(r.bytes());
  }
}

/** A map entry is a message {1 key, 2 value}; a missing part is its zero value. */
function readMapEntry(bytes: Uint8Array, o: { field: FieldDesc; path: string }): [string, unknown] {
  const r = new Reader(bytes);
  let key = '';
  let value: unknown;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      if (wire !== WIRE.bytes) throw wrongWire(wire, `${o.path}.key`);
      key = r.string();
    } else if (field === 2) {
      if (wire !== wireOf(o.field)) throw wrongWire(wire, `${o.path}[${key}]`);
      value = o.field.kind === 'scalar' ? readScalar(r, o.field.type as ScalarType) : r.bytes();
    } else r.skip(wire);
  }
  return [key, value];
}

/** A message field repeated on the wire merges (generated types) or replaces (hand-written ones). */
function joined(f: FieldDesc, chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 0) return EMPTY;
  if (chunks.length === 1 || (f.kind === 'special' && !mergesOnWire(f.type as SpecialType))) return chunks[chunks.length - 1];
  return Buffer.concat(chunks);
}

/** One value (a list item, a map value or a single field) as JSON; `undefined` is the zero value. */
function toJson(raw: unknown, o: { field: FieldDesc; at: At }): unknown {
  const { field: f, at } = o;
  if (f.kind === 'message') return decodeMessage(messageOf(f), (raw as Uint8Array | undefined) ?? EMPTY, { path: at.path, depth: at.depth + 1 });
  if (f.kind === 'special') return decodeSpecial((raw as Uint8Array | undefined) ?? EMPTY, { type: f.type as SpecialType, path: at.path });
  if (raw === undefined) return f.type === 's' || f.type === 'y' ? '' : f.type === 'b' ? false : 0;
  return f.type === 'y' ? Buffer.from(raw as Uint8Array).toString('base64') : raw;
}

function isZeroScalar(value: unknown): boolean {
  return value === '' || value === 0 || value === false || (value instanceof Uint8Array && value.length === 0);
}

/** Adds one field to `out` as Go's JSON encoder would print it, or leaves it out. */
function emit(out: Json, o: { field: FieldDesc; slot: Slot | undefined; at: At }): void {
  const { field: f, slot, at } = o;
  const item = (index: string | number): At => ({ path: `${at.path}[${index}]`, depth: at.depth });
  if (f.label === 'map') {
    const entries = slot?.label === 'map' ? slot.entries : undefined;
    if (entries && entries.size > 0) {
      const obj: Json = {};
      for (const [k, v] of entries) obj[k] = toJson(v, { field: f, at: item(k) });
      out[f.json] = obj;
    } else if (f.presence === 'always') out[f.json] = null;
  } else if (f.label === 'repeated') {
    const items = slot?.label === 'repeated' ? slot.items : undefined;
    if (items && items.length > 0) out[f.json] = items.map((v, i) => toJson(v, { field: f, at: item(i) }));
    else if (f.presence === 'always') out[f.json] = null;
  } else {
    const single = slot?.label === 'single' ? slot : undefined;
    if (f.kind === 'scalar') {
      const value = single?.value;
      const omit = value === undefined ? f.presence !== 'always' : f.presence === 'omitempty' && isZeroScalar(value);
      if (!omit) out[f.json] = toJson(value, { field: f, at });
    } else if (single || f.presence !== 'pointer') {
      const value = toJson(joined(f, single?.chunks ?? []), { field: f, at });
      if (f.presence === 'inline') Object.assign(out, value);
      else out[f.json] = value;
    }
  }
}
