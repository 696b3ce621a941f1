/**
 * @module Domain names on the wire (RFC 1035 §3.1, §4.1.4): strict reading with compression
 * pointers, writing with suffix compression, and the presentation form kubito's DNS code uses.
 *
 * Presentation form: labels joined by `.`, always ending in `.` (the root is `.`), the query's
 * case kept; a `.` or `\` inside a label is escaped as `\.` / `\\`, and bytes outside
 * `!`..`~` as `\DDD` (RFC 1035 §5.1), so every wire name has exactly one string and back.
 */

/** A malformed message: the server answers FORMERR (or drops it), it never escapes a handler. */
export class WireFormatError extends Error {
  override name = 'WireFormatError';
}

/** RFC 1035 limits: 63 octets a label, 255 octets a name on the wire. */
export const MAX_LABEL = 63;
export const MAX_NAME_WIRE = 255;
/** More pointer hops than this is a loop (a 255-octet name has at most 127 labels). */
const MAX_HOPS = 127;

function labelToText(buf: Buffer, start: number, len: number): string {
  let out = '';
  for (let i = start; i < start + len; i++) {
    const c = buf[i];
    if (c === 0x2e || c === 0x5c) out += '\\' + String.fromCharCode(c);
    else if (c < 0x21 || c > 0x7e) out += '\\' + String(c).padStart(3, '0');
    else out += String.fromCharCode(c);
  }
  return out;
}

/**
 * Reads the name at `offset`. Returns it and the offset just past it in the message (past the
 * first pointer, when there is one). Pointers must point strictly backwards (to an earlier
 * label than the one being read), which makes loops impossible; label types 01 and 10 are
 * rejected.
 */
export function readName(buf: Buffer, offset: number): { name: string; next: number } {
  let pos = offset;
  let next = -1;
  let wire = 1;
  let hops = 0;
  let out = '';
  let limit = offset; // a pointer must target something before this
  for (;;) {
    if (pos >= buf.length) throw new WireFormatError('name runs past the end of the message');
    const len = buf[pos];
    if (len === 0) {
      if (next < 0) next = pos + 1;
      return { name: out === '' ? '.' : out, next };
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) throw new WireFormatError('truncated compression pointer');
      const target = ((len & 0x3f) << 8) | buf[pos + 1];
      if (next < 0) next = pos + 2;
      if (target >= limit) throw new WireFormatError('compression pointer does not point backwards');
      if (++hops > MAX_HOPS) throw new WireFormatError('too many compression pointers');
      limit = target;
      pos = target;
      continue;
    }
    if (kind !== 0) throw new WireFormatError('unsupported label type');
    if (pos + 1 + len > buf.length) throw new WireFormatError('label runs past the end of the message');
    wire += len + 1;
    if (wire > MAX_NAME_WIRE) throw new WireFormatError('name longer than 255 octets');
    out += labelToText(buf, pos + 1, len) + '.';
    pos += len + 1;
  }
}

/** The labels of a presentation-form name, unescaped, as byte strings (latin1). Root: []. */
export function nameLabels(name: string): string[] {
  if (name === '.' || name === '') return [];
  if (!name.includes('\\')) return (name.endsWith('.') ? name.slice(0, -1) : name).split('.');
  const labels: string[] = [];
  let cur = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '\\') {
      const d = name.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(d)) {
        cur += String.fromCharCode(Number(d) & 0xff);
        i += 3;
      } else {
        cur += name[i + 1] ?? '';
        i += 1;
      }
    } else if (c === '.') {
      labels.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur !== '') labels.push(cur);
  return labels;
}

/** Lower-cases ASCII letters only (DNS names compare case-insensitively, RFC 4343). */
export function lowerName(name: string): string {
  return name.toLowerCase();
}

/** `a.b.` + `c.` → `a.b.c.`; either side may be the root. */
export function joinName(left: string, right: string): string {
  if (left === '.' || left === '') return right;
  if (right === '.' || right === '') return left.endsWith('.') ? left : left + '.';
  return (left.endsWith('.') ? left : left + '.') + right;
}

/** A growable output buffer with a compression table for names (exact-case suffix matches). */
export class WireWriter {
  buf: Buffer;
  pos = 0;
  readonly #compress: boolean;
  #table = new Map<string, number>();

  constructor(options: { compress?: boolean; initial?: number } = {}) {
    this.buf = Buffer.allocUnsafe(options.initial ?? 512);
    this.#compress = options.compress ?? true;
  }

  #ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.#ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  u16(v: number): void {
    this.#ensure(2);
    this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
  }

  u32(v: number): void {
    this.#ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.#ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Writes a name; with `compress`, a known suffix becomes a pointer (RFC 1035 §4.1.4). */
  name(name: string, compress = true): void {
    const labels = nameLabels(name);
    let wire = 1;
    for (const l of labels) {
      if (l.length === 0 || l.length > MAX_LABEL) throw new WireFormatError(`bad label in ${JSON.stringify(name)}`);
      wire += l.length + 1;
    }
    if (wire > MAX_NAME_WIRE) throw new WireFormatError(`name longer than 255 octets: ${name}`);
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('\u0000');
      if (this.#compress && compress) {
        const at = this.#table.get(suffix);
        if (at !== undefined) {
          this.u16(0xc000 | at);
          return;
        }
      }
      if (this.pos < 0x3fff && !this.#table.has(suffix)) this.#table.set(suffix, this.pos);
      const l = labels[i];
      this.#ensure(l.length + 1);
      this.buf[this.pos++] = l.length;
      this.buf.write(l, this.pos, 'latin1');
      this.pos += l.length;
    }
    this.u8(0);
  }

  /** Forgets compression targets at or past `pos` (after rewinding to drop records). */
  rewind(pos: number): void {
    this.pos = pos;
    for (const [k, at] of this.#table) if (at >= pos) this.#table.delete(k);
  }

  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
