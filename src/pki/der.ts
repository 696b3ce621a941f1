/**
 * @module The few pieces of ASN.1 DER (ITU-T X.690) that kubito's certificates need: writing
 * TLVs (sequence, set, integer, OID, strings, times, context tags) and walking a DER value's
 * children. Small enough to replace a general ASN.1 library, whose loading cost more than a
 * first start's whole PKI.
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** A tag byte of the context-specific class; `constructed` for EXPLICIT wrappers. */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** One TLV: tag byte, definite length (short or long form), content. */
export function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let header: Buffer;
  if (n < 0x80) header = Buffer.from([tag, n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

export function sequence(...items: Buffer[]): Buffer {
  return tlv(TAG.SEQUENCE, Buffer.concat(items));
}

export function set(...items: Buffer[]): Buffer {
  return tlv(TAG.SET, Buffer.concat(items));
}

/** A non-negative INTEGER from its big-endian bytes, made minimal and kept positive. */
export function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1]! < 0x80) start++;
  const body = bytes.subarray(start);
  return tlv(TAG.INTEGER, body.length === 0 || body[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body);
}

export function smallInteger(n: number): Buffer {
  return integer(Buffer.from([n & 0xff]));
}

export function boolean(value: boolean): Buffer {
  return tlv(TAG.BOOLEAN, Buffer.from([value ? 0xff : 0]));
}

export function nullValue(): Buffer {
  return tlv(TAG.NULL, Buffer.alloc(0));
}

/** An OBJECT IDENTIFIER from its dotted form (`2.5.4.3`). */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new TypeError(`not an OID: ${dotted}`);
  const out: number[] = [];
  for (const arc of [40 * arcs[0]! + arcs[1]!, ...arcs.slice(2)]) {
    const groups: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift(0x80 | (v & 0x7f));
    out.push(...groups);
  }
  return tlv(TAG.OID, Buffer.from(out));
}

export function utf8String(text: string): Buffer {
  return tlv(TAG.UTF8_STRING, Buffer.from(text, 'utf8'));
}

export function octetString(bytes: Buffer): Buffer {
  return tlv(TAG.OCTET_STRING, bytes);
}

/** A BIT STRING of whole bytes (no unused bits), as signatures and keys are. */
export function bitString(bytes: Buffer): Buffer {
  return tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), bytes]));
}

/**
 * A named-bit BIT STRING (X.690 §11.2.2: trailing zero bits dropped), from the numbers of the
 * bits that are set (bit 0 is the first byte's most significant bit).
 */
export function namedBits(bits: readonly number[]): Buffer {
  if (bits.length === 0) return tlv(TAG.BIT_STRING, Buffer.from([0]));
  const last = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(last / 8) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([7 - (last & 7)]), bytes]));
}

function twoDigits(n: number): string {
  return String(n).padStart(2, '0');
}

/** RFC 5280 §4.1.2.5: UTCTime (YYMMDDHHMMSSZ) through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  const rest = [date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map(twoDigits).join('');
  if (year < 2050) return tlv(TAG.UTC_TIME, Buffer.from(`${twoDigits(year % 100)}${rest}Z`, 'ascii'));
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(`${String(year).padStart(4, '0')}${rest}Z`, 'ascii'));
}

/** One element read from DER bytes: its tag, its whole encoding and its content. */
export interface DerElement {
  tag: number;
  /** Header and content, as encoded. */
  raw: Buffer;
  content: Buffer;
}

/** Thrown for bytes that are not the DER this module reads. */
export class DerError extends Error {
  override name = 'DerError';
}

/** The element that starts at `offset` of `bytes`. */
export function readElement(bytes: Buffer, offset = 0): DerElement {
  if (offset + 2 > bytes.length) throw new DerError('truncated DER header');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let length = bytes[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || offset + 2 + count > bytes.length) throw new DerError('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > bytes.length) throw new DerError('DER value runs past its end');
  return { tag, raw: bytes.subarray(offset, end), content: bytes.subarray(offset + header, end) };
}

/** The elements inside a constructed element's content, in order. */
export function childrenOf(element: DerElement): DerElement[] {
  const out: DerElement[] = [];
  for (let offset = 0; offset < element.content.length; ) {
    const child = readElement(element.content, offset);
    out.push(child);
    offset += child.raw.length;
  }
  return out;
}
