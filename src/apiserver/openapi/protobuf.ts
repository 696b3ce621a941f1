/**
 * @module A minimal protocol-buffers wire-format writer (proto3: zero values are omitted, as Go's
 * proto.Marshal does) and a reader that lists a message's fields, enough to encode and check
 * gnostic's OpenAPI v2 messages. No schema compiler, no reflection.
 */

const VARINT = 0;
const LENGTH_DELIMITED = 2;

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** Builds one message. Fields are written in call order; call in field-number order. */
export class ProtoWriter {
  #parts: Buffer[] = [];

  #tag(field: number, wireType: number): void {
    this.#parts.push(varint(field * 8 + wireType));
  }

  /** A `string` field; empty strings are omitted. */
  string(field: number, value: string | undefined): this {
    if (value) this.bytes(field, Buffer.from(value, 'utf8'));
    return this;
  }

  /** A `repeated string` field. */
  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) {
      this.#tag(field, LENGTH_DELIMITED);
      const buf = Buffer.from(v, 'utf8');
      this.#parts.push(varint(buf.length), buf);
    }
    return this;
  }

  /** A `bool` field; false is omitted. */
  bool(field: number, value: boolean | undefined): this {
    if (value) {
      this.#tag(field, VARINT);
      this.#parts.push(varint(1));
    }
    return this;
  }

  /** A `bytes` field (or a string already encoded). */
  bytes(field: number, value: Buffer): this {
    this.#tag(field, LENGTH_DELIMITED);
    this.#parts.push(varint(value.length), value);
    return this;
  }

  /** An embedded message; written even when empty (presence matters to Go's decoder). */
  message(field: number, value: ProtoWriter | undefined): this {
    if (value) this.bytes(field, value.finish());
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

export interface ProtoField {
  field: number;
  wireType: number;
  /** Varint value (wire type 0). */
  value?: number;
  /** Payload (wire type 2). */
  bytes?: Buffer;
}

/** The top-level fields of one encoded message, in order. Throws on malformed input. */
export function readFields(buf: Buffer): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const readVarint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error('protobuf: truncated varint');
      const b = buf[pos++];
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
  };
  while (pos < buf.length) {
    const key = readVarint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (wireType === VARINT) out.push({ field, wireType, value: readVarint() });
    else if (wireType === LENGTH_DELIMITED) {
      const len = readVarint();
      if (pos + len > buf.length) throw new Error('protobuf: truncated field');
      out.push({ field, wireType, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else throw new Error(`protobuf: unsupported wire type ${wireType}`);
  }
  return out;
}
