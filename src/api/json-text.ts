/**
 * @module Scanning JSON text without parsing it: shared by the watch stream splitter
 * (src/client/json-stream.ts), the client's managedFields trim (src/client/trim.ts) and the
 * registry's stored-text splicing (src/apiserver/registry/stored-json.ts). The member
 * functions read compact JSON (no whitespace between tokens, as JSON.stringify writes it) and
 * answer undefined or -1 for anything else.
 */

/**
 * The index of the quote closing the string that opens at `text[open]`, or -1 when the text
 * ends first. Quotes are found with indexOf (native, much faster than a loop over the
 * characters): a quote ends the string unless an odd run of backslashes stands right before it.
 */
export function closingQuote(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    let b = quote - 1;
    while (b > open && text.charCodeAt(b) === 0x5c /* \ */) b--;
    if ((quote - 1 - b) % 2 === 0) return quote;
    from = quote + 1;
  }
}

/**
 * The index just past the `}` that closes the JSON object opening at `text[start]` (a `{`), or
 * -1 when the text ends first. Strings (and their escapes) are skipped, so braces in values
 * do not count. The text is trusted to be JSON.
 */
export function objectEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the string (the loop's i++ steps past its closing quote).
      const end = stringEnd(text, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

/** The index just past the JSON value starting at `text[start]` (compact JSON, as JSON.stringify writes it). */
export function valueEnd(text: string, start: number): number {
  const c = text.charCodeAt(start);
  if (c === 0x7b || c === 0x5b) return objectEnd(text, start);
  if (c === 0x22) return stringEnd(text, start);
  let i = start;
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === 0x2c /* , */ || d === 0x7d || d === 0x5d) break;
    i++;
  }
  return i;
}

/** The index just past the string whose opening quote is at `text[start]`, or -1. */
export function stringEnd(text: string, start: number): number {
  const quote = closingQuote(text, start);
  return quote < 0 ? -1 : quote + 1;
}

/**
 * Where the member `name` of the object opening at `text[objectAt]` is (one of that object's
 * own members, not a nested one): its key's first character, its value's first character, and
 * the index just past the value. Undefined when the object has no such member or the text is
 * not compact JSON.
 */
export function findMember(text: string, objectAt: number, name: string): { keyAt: number; valueAt: number; end: number } | undefined {
  const key = JSON.stringify(name);
  let i = objectAt + 1;
  while (i < text.length && text.charCodeAt(i) === 0x22) {
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0 || text.charCodeAt(keyEnd) !== 0x3a /* : */) return undefined;
    const end = valueEnd(text, keyEnd + 1);
    if (end < 0 || end >= text.length) return undefined;
    if (keyEnd - i === key.length && text.startsWith(key, i)) return { keyAt: i, valueAt: keyEnd + 1, end };
    if (text.charCodeAt(end) !== 0x2c /* , */) return undefined;
    i = end + 1;
  }
  return undefined;
}

/**
 * Splits the member `name` off the object opening at `text[objectAt]` (findMember): the text
 * without it, and its value's text. Undefined when there is no such member.
 */
export function splitMember(text: string, objectAt: number, name: string): { rest: string; value: string } | undefined {
  const found = findMember(text, objectAt, name);
  if (!found) return undefined;
  const { keyAt, valueAt, end } = found;
  const value = text.slice(valueAt, end);
  // Take the comma after the member, or else the one before it.
  if (text.charCodeAt(end) === 0x2c) return { rest: text.slice(0, keyAt) + text.slice(end + 1), value };
  const rest = text.charCodeAt(keyAt - 1) === 0x2c ? text.slice(0, keyAt - 1) + text.slice(end) : text.slice(0, keyAt) + text.slice(end);
  return { rest, value };
}
