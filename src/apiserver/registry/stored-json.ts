/**
 * @module The registry's stored text, read without decoding it. The registry stores an object
 * as JSON with `apiVersion`, `kind` and `metadata` first and without `metadata.resourceVersion`
 * (the store's revision is the resourceVersion). So the API form of a stored object is its text
 * with `"resourceVersion":"<rev>"` spliced in at the start of `metadata`: a list can be sent
 * without parsing and re-encoding every item. Text in any other layout (written by an older
 * kubito, or reshaped by a codec) is not recognised, and the caller decodes it instead.
 */
import { stringEnd, valueEnd } from '../../api/json-text.js';

/** Whether stored text is in the registry's layout for `prefix` (what withResourceVersion needs). */
export function hasStoredLayout(text: string, prefix: string): boolean {
  // A stored object never has resourceVersion; one that had would end up with it twice.
  return text.startsWith(prefix) && !text.startsWith('"resourceVersion":', prefix.length);
}

/** The text every stored object of this apiVersion and kind starts with. */
export function storedPrefix(apiVersion: string, kind: string): string {
  return `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)},"metadata":{`;
}

/**
 * The stored text with `resourceVersion` as the first field of metadata, or undefined when the
 * text does not start with `prefix` (then it must be decoded). The result is the same JSON value
 * as the decoded object with its resourceVersion set, re-encoded.
 */
export function withResourceVersion(text: string, prefix: string, resourceVersion: string): string | undefined {
  if (!hasStoredLayout(text, prefix)) return undefined;
  const rest = text.slice(prefix.length);
  const field = `"resourceVersion":${JSON.stringify(resourceVersion)}`;
  return `${prefix}${field}${rest.startsWith('}') ? '' : ','}${rest}`;
}

/** A list item: a stored text in the registry's layout with its resourceVersion, or the item's whole JSON text. */
export type ListItemText = { stored: string; resourceVersion: string } | string;

/**
 * Items `start` to `end` (exclusive) of a list as UTF-8 bytes, separated by commas and led by
 * one when `start` > 0; a stored item as withResourceVersion makes it. The bytes are written
 * straight into one buffer from the stored texts (a slice of a flat string is written without a
 * copy): no item's text is built as a new string first, and no string of the whole is made and
 * flattened — for a list of 10,000 Services that joining cost three times this (its CPU).
 */
export function listItemBytes(items: readonly ListItemText[], prefix: string, start: number, end: number): Buffer {
  const fields: string[] = [];
  let size = 0;
  for (let i = start; i < end; i++) {
    const item = items[i];
    if (i > 0) size++;
    if (typeof item === 'string') {
      size += Buffer.byteLength(item);
      continue;
    }
    // The field, and the comma before the rest of metadata unless metadata has nothing else.
    const field = `"resourceVersion":${JSON.stringify(item.resourceVersion)}${item.stored.charCodeAt(prefix.length) === 0x7d /* } */ ? '' : ','}`;
    fields.push(field);
    size += Buffer.byteLength(item.stored) + Buffer.byteLength(field);
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  let field = 0;
  for (let i = start; i < end; i++) {
    const item = items[i];
    if (i > 0) out[at++] = 0x2c; /* , */
    if (typeof item === 'string') {
      at += out.write(item, at);
      continue;
    }
    at += out.write(prefix, at);
    at += out.write(fields[field++], at);
    at += out.write(item.stored.slice(prefix.length), at);
  }
  return out;
}

/** `objectJson` (an object's JSON text) with one more member, `name`, whose value is the JSON text `valueJson`. */
export function withMember(objectJson: string, name: string, valueJson: string): string {
  const empty = objectJson === '{}';
  return `${objectJson.slice(0, -1)}${empty ? '' : ','}${JSON.stringify(name)}:${valueJson}}`;
}

/**
 * A stored object's metadata as the API serves it, from text: `metadataJson` (its metadata
 * without managedFields and resourceVersion, compact JSON) with `resourceVersion` first and
 * `managedFields` (JSON text, never parsed) last. The same JSON value as the decoded metadata.
 */
export function metadataText(metadataJson: string, resourceVersion: string, managedFieldsJson: string): string {
  const inner = metadataJson === '{}' ? '' : `,${metadataJson.slice(1, -1)}`;
  return `{"resourceVersion":${JSON.stringify(resourceVersion)}${inner},"managedFields":${managedFieldsJson}}`;
}

/**
 * The members `fields` of the object opening at `text[objectAt]` (its own members, decoded;
 * absent ones left out) and the index just past the object's closing `}`; the other members'
 * values are skipped unread. Undefined when the text is not the compact JSON the registry
 * writes. Member names are compared as written: JSON.stringify never escapes the characters
 * of a field name, so a name written with escapes is not one of `fields`.
 */
export function pickMembers(text: string, objectAt: number, fields: readonly string[]): { members: Record<string, unknown>; end: number } | undefined {
  const members: Record<string, unknown> = {};
  let i = objectAt + 1;
  if (text.charCodeAt(i) === 0x7d) return { members, end: i + 1 };
  while (i < text.length && text.charCodeAt(i) === 0x22) {
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0 || text.charCodeAt(keyEnd) !== 0x3a /* : */) return undefined;
    const end = valueEnd(text, keyEnd + 1);
    if (end < 0 || end >= text.length) return undefined;
    const nameLength = keyEnd - i - 2;
    for (const field of fields) {
      if (field.length === nameLength && text.startsWith(field, i + 1)) members[field] = JSON.parse(text.slice(keyEnd + 1, end));
    }
    const next = text.charCodeAt(end);
    if (next === 0x7d) return { members, end: end + 1 };
    if (next !== 0x2c) return undefined;
    i = end + 1;
  }
  return undefined;
}
