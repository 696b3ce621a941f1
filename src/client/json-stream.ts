/**
 * @module Splits a stream of concatenated JSON objects (a watch response body) into one text per
 * object, however the bytes were cut into chunks. Accepts newline-delimited JSON (what
 * kube-apiserver writes) and objects back to back with no separator (what Go's json.Decoder
 * accepts). Pure: feed it text, get complete object texts back.
 */

/**
 * Incremental splitter: `push(chunk)` returns the objects completed by that chunk. Each chunk is
 * scanned once: an unfinished object is kept as its chunks (joined once, when it closes), and a
 * string a chunk cuts off is resumed where the chunk ended (with whether its last character was
 * an escaping backslash), never scanned again from its opening quote. Concatenating the chunks
 * and rescanning cost time quadratic in an object's size: a 1 MiB ConfigMap in the 16 KiB
 * chunks TLS delivers took ~1.3 s of CPU.
 */
export class JsonObjectSplitter {
  /** The current object's text from earlier chunks; empty between objects. */
  #parts: string[] = [];
  #inObject = false;
  #depth = 0;
  /** The previous chunk ended inside a string of the current object. */
  #inString = false;
  /** ... and after an odd run of backslashes: the next chunk's first character is escaped. */
  #escaped = false;

  /** Adds text; returns the JSON texts of every object that is now complete. */
  push(chunk: string): string[] {
    const out: string[] = [];
    /** Where the current object starts in this chunk (0 when it began in an earlier one). */
    let from = 0;
    let i = 0;
    if (this.#inString) {
      const end = this.#stringEnd(chunk, 0, this.#escaped);
      if (end < 0) {
        this.#parts.push(chunk);
        return out;
      }
      i = end + 1;
    }
    for (; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (!this.#inObject) {
        if (c === 0x7b /* { */) {
          this.#inObject = true;
          this.#depth = 1;
          from = i;
        } else if (!isSpace(c)) {
          throw new SyntaxError(`unexpected character ${JSON.stringify(chunk[i])} between watch events`);
        }
        continue;
      }
      if (c === 0x22 /* " */) {
        // Skip the whole string at once (its closing quote found with indexOf, native).
        const end = this.#stringEnd(chunk, i + 1, false);
        if (end < 0) break;
        i = end;
        continue;
      }
      if (c === 0x7b || c === 0x5b /* [ */) this.#depth++;
      else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
        this.#depth--;
        if (this.#depth === 0) {
          const last = chunk.slice(from, i + 1);
          out.push(this.#parts.length === 0 ? last : this.#parts.join('') + last);
          this.#parts = [];
          this.#inObject = false;
        }
      }
    }
    if (this.#inObject) this.#parts.push(from === 0 ? chunk : chunk.slice(from));
    return out;
  }

  /**
   * The index of the quote closing the string whose text goes on at `text[start]` (`escaped`:
   * that first character is escaped by a backslash before it). -1 when the text ends first;
   * the splitter then remembers that it is inside a string, and whether its end escapes.
   */
  #stringEnd(text: string, start: number, escaped: boolean): number {
    let from = start;
    for (;;) {
      const quote = text.indexOf('"', from);
      const stop = quote < 0 ? text.length : quote;
      // The run of backslashes just before `stop`; one reaching `start` continues the carried one.
      let b = stop - 1;
      while (b >= start && text.charCodeAt(b) === 0x5c /* \ */) b--;
      const odd = ((stop - 1 - b) % 2 === 1) !== (b < start && escaped);
      if (quote < 0) {
        this.#inString = true;
        this.#escaped = odd;
        return -1;
      }
      if (!odd) {
        this.#inString = false;
        this.#escaped = false;
        return quote;
      }
      from = quote + 1;
    }
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
    if (!this.#inObject && chunk.charCodeAt(chunk.length - 1) === 0x0a /* \n */) {
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
    return !this.#inObject;
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
