/**
 * @module Why Go's `json.Unmarshal(b, &map[string]interface{}{})` refuses some bytes, in
 * encoding/json's words (scanner.go's SyntaxError texts, UnmarshalTypeError for a value that is
 * not an object), or undefined when it accepts them (an object, or `null`). ValidateSecret
 * prints this for a docker config that is not JSON.
 */
import { goQuote } from './go-format.js';

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** scanner.go quoteChar: `'x'`, `'\''`, `'"'`, `'\n'`... */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return '\'"\'';
  const quoted = goQuote(String.fromCharCode(c));
  return `'${quoted.slice(1, -1)}'`;
}

class SyntaxError extends Error {}

function fail(c: number, context: string): never {
  throw new SyntaxError(`invalid character ${quoteChar(c)} ${context}`);
}

const END = 'unexpected end of JSON input';

/** A recursive reader giving scanner.go's first error; returns the top-level value's kind. */
class Reader {
  #i = 0;
  constructor(readonly b: Uint8Array) {}

  #peek(): number | undefined {
    while (this.#i < this.b.length && SPACE.has(this.b[this.#i])) this.#i++;
    return this.#i < this.b.length ? this.b[this.#i] : undefined;
  }

  #next(): number {
    if (this.#i >= this.b.length) throw new SyntaxError(END);
    return this.b[this.#i++];
  }

  /** The next byte inside a number or literal; at the end, the space scanner.eof() feeds in. */
  #nextOrSpace(): number {
    return this.#i < this.b.length ? this.b[this.#i++] : 0x20;
  }

  top(): string {
    const kind = this.value();
    const c = this.#peek();
    if (c !== undefined) fail(c, 'after top-level value');
    return kind;
  }

  value(): string {
    const c = this.#peek();
    if (c === undefined) throw new SyntaxError(END);
    this.#i++;
    if (c === 0x7b) return this.#object();
    if (c === 0x5b) return this.#array();
    if (c === 0x22) return this.#string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.#number(c);
    for (const word of ['true', 'false', 'null']) {
      if (c !== word.charCodeAt(0)) continue;
      for (const expect of word.slice(1)) {
        const d = this.#nextOrSpace();
        if (d !== expect.charCodeAt(0)) fail(d, `in literal ${word} (expecting '${expect}')`);
      }
      return word === 'null' ? 'null' : 'bool';
    }
    return fail(c, 'looking for beginning of value');
  }

  #object(): string {
    let c = this.#peek();
    if (c === 0x7d) {
      this.#i++;
      return 'object';
    }
    for (;;) {
      if (c === undefined) throw new SyntaxError(END);
      this.#i++;
      if (c !== 0x22) fail(c, 'looking for beginning of object key string');
      this.#string();
      c = this.#peek();
      if (c === undefined) throw new SyntaxError(END);
      this.#i++;
      if (c !== 0x3a) fail(c, 'after object key');
      this.value();
      c = this.#peek();
      if (c === undefined) throw new SyntaxError(END);
      this.#i++;
      if (c === 0x7d) return 'object';
      if (c !== 0x2c) fail(c, 'after object key:value pair');
      c = this.#peek();
    }
  }

  #array(): string {
    if (this.#peek() === 0x5d) {
      this.#i++;
      return 'array';
    }
    for (;;) {
      this.value();
      const c = this.#peek();
      if (c === undefined) throw new SyntaxError(END);
      this.#i++;
      if (c === 0x5d) return 'array';
      if (c !== 0x2c) fail(c, 'after array element');
    }
  }

  #string(): string {
    for (;;) {
      const c = this.#next();
      if (c === 0x22) return 'string';
      if (c < 0x20) fail(c, 'in string literal');
      if (c !== 0x5c) continue;
      const e = this.#next();
      if (e === 0x75) {
        for (let k = 0; k < 4; k++) {
          const h = this.#next();
          if (!/[0-9a-fA-F]/.test(String.fromCharCode(h))) fail(h, 'in \\u hexadecimal character escape');
        }
      } else if (!'bfnrt\\/"'.includes(String.fromCharCode(e))) fail(e, 'in string escape code');
    }
  }

  /** A number: the scanner's state1/state0/stateDot/stateE; it ends at any other byte. */
  #number(first: number): string {
    const digit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
    const at = (): number | undefined => (this.#i < this.b.length ? this.b[this.#i] : undefined);
    let c: number | undefined = first;
    if (c === 0x2d) {
      c = this.#nextOrSpace();
      if (!digit(c)) fail(c, 'in numeric literal');
    }
    if (c !== 0x30) while (digit(at())) this.#i++;
    if (at() === 0x2e) {
      this.#i++;
      const d = this.#nextOrSpace();
      if (!digit(d)) fail(d, 'after decimal point in numeric literal');
      while (digit(at())) this.#i++;
    }
    if (at() === 0x65 || at() === 0x45) {
      this.#i++;
      let d = this.#nextOrSpace();
      if (d === 0x2b || d === 0x2d) d = this.#nextOrSpace();
      if (!digit(d)) fail(d, 'in exponent of numeric literal');
      while (digit(at())) this.#i++;
    }
    return 'number';
  }
}

/** The error json.Unmarshal gives for these bytes into a map[string]interface{}, or undefined. */
export function goJSONMapError(bytes: Uint8Array): string | undefined {
  let kind: string;
  try {
    kind = new Reader(bytes).top();
  } catch (err) {
    if (err instanceof SyntaxError) return err.message;
    throw err;
  }
  if (kind === 'object' || kind === 'null') return undefined;
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}
