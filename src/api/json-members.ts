/**
 * @module JSON text read the way Go's decoder walks it: every member of every object, in order,
 * duplicates included. `JSON.parse` keeps the last of two equal keys and says nothing, while
 * kube-apiserver's strict decoding (sigs.k8s.io/json) reports `duplicate field "metadata.name"`
 * and its decode merges the two values into one struct. `hasDuplicateKeys` tells cheaply whether
 * a body needs any of this (almost none do: kubectl re-encodes what it sends); `parseMembers`
 * then gives the tree that the strict walk (src/api/schema/strict-fields.ts) reads.
 */
import { closingQuote } from './json-text.js';

/** An object's members in document order, a key as often as the text has it. */
export class Members {
  constructor(readonly entries: Array<[string, JsonNode]>) {}
}

export type JsonNode = null | boolean | number | string | JsonNode[] | Members;

/** The key of a string token whose text is `text[open..close]`: escapes decoded only where there are any. */
function keyText(text: string, open: number, close: number): string {
  const raw = text.slice(open + 1, close);
  return raw.includes('\\') ? (JSON.parse(text.slice(open, close + 1)) as string) : raw;
}

/**
 * The deepest nesting the Members path takes: its parse and walks recurse, and a body nested
 * past this (Go reads up to 10,000 levels) would overflow the stack. Deeper, a body is read as
 * JSON.parse reads it (the last of two equal keys wins, unreported).
 */
export const MAX_MEMBERS_DEPTH = 1000;

/**
 * Whether some object of the JSON text `text` names a key twice (false past MAX_MEMBERS_DEPTH
 * levels). Strings are skipped with indexOf (closingQuote), so a body of long values costs
 * little more than its structure. The text is trusted to be valid JSON (it passed JSON.parse).
 */
export function hasDuplicateKeys(text: string): boolean {
  // One set of keys per open object; null for an open array.
  const open: Array<Set<string> | null> = [];
  let expectKey = false;
  // The whole text is read even after a repeat: its depth decides too.
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const close = closingQuote(text, i);
      if (close < 0) return false;
      if (expectKey) {
        const keys = open[open.length - 1]!;
        const key = keyText(text, i, close);
        if (keys.has(key)) found = true;
        keys.add(key);
        expectKey = false;
      }
      i = close;
    } else if (c === 0x7b /* { */) {
      if (open.push(new Set()) > MAX_MEMBERS_DEPTH) return false;
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      if (open.push(null) > MAX_MEMBERS_DEPTH) return false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = open[open.length - 1] != null;
    }
  }
  return found;
}

/** Parses JSON text (trusted valid: it passed JSON.parse) keeping every object member. */
export function parseMembers(text: string): JsonNode {
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      i++;
    }
  };
  const value = (): JsonNode => {
    skipSpace();
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      i++;
      const entries: Array<[string, JsonNode]> = [];
      skipSpace();
      if (text.charCodeAt(i) === 0x7d) {
        i++;
        return new Members(entries);
      }
      for (;;) {
        skipSpace();
        const close = closingQuote(text, i);
        const key = keyText(text, i, close);
        i = close + 1;
        skipSpace();
        i++; // :
        entries.push([key, value()]);
        skipSpace();
        if (text.charCodeAt(i++) === 0x7d) return new Members(entries);
      }
    }
    if (c === 0x5b /* [ */) {
      i++;
      const items: JsonNode[] = [];
      skipSpace();
      if (text.charCodeAt(i) === 0x5d) {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        skipSpace();
        if (text.charCodeAt(i++) === 0x5d) return items;
      }
    }
    if (c === 0x22 /* " */) {
      const close = closingQuote(text, i);
      const s = JSON.parse(text.slice(i, close + 1)) as string;
      i = close + 1;
      return s;
    }
    // A literal or a number: up to the next delimiter.
    let end = i;
    while (end < text.length && !',]} \n\r\t'.includes(text[end])) end++;
    const token = text.slice(i, end);
    i = end;
    return JSON.parse(token) as null | boolean | number;
  };
  return value();
}

/** Sets an own property, also one named `__proto__` (as JSON.parse makes it). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** The plain value JSON.parse gives for the same text: of two equal keys the last value wins, at the first one's place. */
export function lastWins(node: JsonNode): unknown {
  if (node instanceof Members) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of node.entries) setOwn(out, k, lastWins(v));
    return out;
  }
  if (Array.isArray(node)) return node.map(lastWins);
  return node;
}
