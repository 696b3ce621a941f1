/**
 * @module Splits a stream of concatenated JSON objects (a watch response body) into one text per
 * object, however the bytes were cut into chunks. Accepts newline-delimited JSON (what
 * kube-apiserver writes) and objects back to back with no separator (what Go's json.Decoder
 * accepts). Pure: feed it text, get complete object texts back.
 */
import { closingQuote } from '../api/json-text.js';

/** Incremental splitter: `push(chunk)` returns the objects completed by that chunk. */
export class JsonObjectSplitter {
  #buffer = '';
  /** Index in #buffer where scanning resumes. */
  #pos = 0;
  /** Index in #buffer of the current object's `{`, or -1 between objects. */
  #start = -1;
  #depth = 0;

  /** Adds text; returns the JSON texts of every object that is now complete. */
  push(chunk: string): string[] {
    this.#buffer += chunk;
    const out: string[] = [];
    const text = this.#buffer;
    let resume = text.length;
    for (let i = this.#pos; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.#start < 0) {
        if (c === 0x7b /* { */) {
          this.#start = i;
          this.#depth = 1;
        } else if (!isSpace(c)) {
          throw new SyntaxError(`unexpected character ${JSON.stringify(text[i])} between watch events`);
        }
        continue;
      }
      if (c === 0x22 /* " */) {
        // Skip the whole string at once (its closing quote found with indexOf, native). A string
        // the text cuts off is scanned again from its opening quote when more text comes.
        const end = closingQuote(text, i);
        if (end < 0) {
          resume = i;
          break;
        }
        i = end;
        continue;
      }
      if (c === 0x7b || c === 0x5b /* [ */) this.#depth++;
      else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
        this.#depth--;
        if (this.#depth === 0) {
          out.push(text.slice(this.#start, i + 1));
          this.#start = -1;
        }
      }
    }
    // Keep only the unfinished object, so the buffer never grows past one event.
    const keepFrom = this.#start < 0 ? text.length : this.#start;
    this.#buffer = text.slice(keepFrom);
    this.#pos = resume - keepFrom;
    if (this.#start >= 0) this.#start = 0;
    return out;
  }

  /**
   * Like `push`, but returns the objects parsed. A chunk of whole lines arriving between objects
   * (what kube-apiserver writes: one event per line, no newline inside an event's JSON) is
   * parsed line by line without scanning it first; from the first line that is not one whole
   * object the rest goes through `push`. Throws StreamDecodeError, carrying the objects parsed
   * before the fault. `trim`, if given, rewrites each object's text before it is parsed.
   */
  pushParsed(chunk: string, trim?: (text: string) => string): unknown[] {
    const out: unknown[] = [];
    let from = 0;
    if (this.#start < 0 && this.#buffer.length === 0 && chunk.charCodeAt(chunk.length - 1) === 0x0a /* \n */) {
      while (from < chunk.length) {
        const end = chunk.indexOf('\n', from);
        const parsed = wholeObject(chunk, from, end, trim);
        if (parsed === undefined) break;
        out.push(parsed);
        from = end + 1;
      }
      if (from === chunk.length) return out;
    }
    let texts: string[];
    try {
      texts = this.push(from === 0 ? chunk : chunk.slice(from));
    } catch (err) {
      throw new StreamDecodeError('framing', err, out);
    }
    for (let i = 0; i < texts.length; i++) {
      try {
        out.push(JSON.parse(trim ? trim(texts[i]) : texts[i]));
      } catch (err) {
        throw new StreamDecodeError('json', err, out);
      }
    }
    return out;
  }

  /** True when the input so far ended between objects (nothing buffered but whitespace). */
  isIdle(): boolean {
    return this.#start < 0;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The object on `text[from, end)` when that line is exactly one JSON object (and whitespace). */
function wholeObject(text: string, from: number, end: number, trim: ((text: string) => string) | undefined): object | undefined {
  let i = from;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x7b /* { */) return undefined;
  try {
    // JSON.parse accepts the line only if the object closes at its end (trailing whitespace aside).
    const line = text.slice(i, end);
    return JSON.parse(trim ? trim(line) : line) as object;
  } catch {
    return undefined;
  }
}

/**
 * `pushParsed` failed: `framing` when the stream is not a sequence of JSON objects (`push`
 * threw), `json` when one object's text is not valid JSON. `parsed` holds the objects that came
 * before the fault, in order; `cause` is the SyntaxError.
 */
export class StreamDecodeError extends Error {
  readonly kind: 'framing' | 'json';
  readonly parsed: unknown[];

  constructor(kind: 'framing' | 'json', cause: unknown, parsed: unknown[]) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'StreamDecodeError';
    this.kind = kind;
    this.parsed = parsed;
  }
}
