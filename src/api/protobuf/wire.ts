/**
 * @module Protocol-buffers wire format: a bounds-checked reader and a growable writer.
 * Knows nothing of Kubernetes. Every malformed input surfaces as a StatusError BadRequest
 * whose message follows gogo-protobuf's (`unexpected EOF`, `proto: integer overflow`, ...);
 * nothing here loops without consuming input.
 */
import { newBadRequest, type StatusError } from '../errors.js';

/** Wire types (the low 3 bits of a tag). */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;

/** A malformed-input error, as every decoder in this folder throws it. */
export function protoError(message: string): StatusError {
  return newBadRequest(message);
}

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();
const TWO_32 = 2 ** 32;

/** Reads one message's bytes front to back. Sub-messages get their own Reader over a subarray. */
export class Reader {
  readonly #buf: Uint8Array;
  #pos = 0;

  constructor(buf: Uint8Array) {
    this.#buf = buf;
  }

  /** True once every byte has been consumed. */
  get done(): boolean {
    return this.#pos >= this.#buf.length;
  }

  /** A raw varint as two unsigned 32-bit halves; at most 10 bytes (else `proto: integer overflow`). */
  varint(): [lo: number, hi: number] {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#buf.length) throw protoError('unexpected EOF');
      const b = this.#buf[this.#pos++];
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (b < 0x80) {
        if (i === 9 && b > 1) throw protoError('proto: integer overflow');
        return [lo >>> 0, hi >>> 0];
      }
    }
    throw protoError('proto: integer overflow');
  }

  /** The next tag; field numbers outside 1..2^29-1 are rejected. */
  tag(): { field: number; wire: number } {
    const [lo, hi] = this.varint();
    const wire = lo & 7;
    const field = lo >>> 3;
    if (hi !== 0 || field === 0) throw protoError(`proto: illegal tag ${hi !== 0 ? 'out of range' : 0} (wire type ${wire})`);
    return { field, wire };
  }

  int32(): number {
    return this.varint()[0] | 0;
  }

  /** A signed 64-bit varint as a Number (exact up to 2^53, as JSON.parse would give). */
  int64(): number {
    const [lo, hi] = this.varint();
    return (hi | 0) * TWO_32 + lo;
  }

  bool(): boolean {
    const [lo, hi] = this.varint();
    return lo !== 0 || hi !== 0;
  }

  /** A length-delimited payload, as a view into the input (no copy). */
  bytes(): Uint8Array {
    const [lo, hi] = this.varint();
    if (hi & 0x80000000) throw protoError('proto: negative length found during unmarshaling');
    if (hi !== 0 || lo > this.#buf.length - this.#pos) throw protoError('unexpected EOF');
    const out = this.#buf.subarray(this.#pos, this.#pos + lo);
    this.#pos += lo;
    return out;
  }

  /** A string field; invalid UTF-8 becomes U+FFFD, as Go's JSON encoder would print it. */
  string(): string {
    return utf8.decode(this.bytes());
  }

  /** Skips one field of the given wire type, whole groups included. */
  skip(wire: number): void {
    let depth = 0;
    for (;;) {
      switch (wire) {
        case WIRE.varint:
          this.varint();
          break;
        case WIRE.fixed64:
          this.#advance(8);
          break;
        case WIRE.bytes:
          this.bytes();
          break;
        case WIRE.fixed32:
          this.#advance(4);
          break;
        case WIRE.startGroup:
          depth++;
          break;
        case WIRE.endGroup:
          if (depth === 0) throw protoError('proto: unexpected end of group');
          depth--;
          break;
        default:
          throw protoError(`proto: illegal wireType ${wire}`);
      }
      if (depth === 0) return;
      wire = this.tag().wire;
    }
  }

  #advance(n: number): void {
    if (this.#buf.length - this.#pos < n) throw protoError('unexpected EOF');
    this.#pos += n;
  }
}

/** Appends fields to a growing buffer; `finish()` returns the bytes written. */
export class Writer {
  #buf = new Uint8Array(64);
  #len = 0;

  tag(field: number, wire: number): this {
    return this.uvarint(field * 8 + wire);
  }

  /** An unsigned varint of a non-negative safe integer. */
  uvarint(n: number): this {
    this.#reserve(10);
    while (n >= 0x80) {
      this.#buf[this.#len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.#buf[this.#len++] = n;
    return this;
  }

  /** A signed integer as protobuf int32/int64 writes it: negatives take ten bytes. */
  int(n: number): this {
    if (n >= 0) return this.uvarint(n);
    let v = BigInt.asUintN(64, BigInt(n));
    this.#reserve(10);
    while (v >= 0x80n) {
      this.#buf[this.#len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.#buf[this.#len++] = Number(v);
    return this;
  }

  bool(b: boolean): this {
    return this.uvarint(b ? 1 : 0);
  }

  /** A length-delimited payload. */
  bytes(data: Uint8Array): this {
    this.uvarint(data.length);
    this.#reserve(data.length);
    this.#buf.set(data, this.#len);
    this.#len += data.length;
    return this;
  }

  string(s: string): this {
    return this.bytes(utf8Encoder.encode(s));
  }

  /** Bytes appended as they are, without a length prefix. */
  raw(data: Uint8Array): this {
    this.#reserve(data.length);
    this.#buf.set(data, this.#len);
    this.#len += data.length;
    return this;
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }
}
