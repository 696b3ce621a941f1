/**
 * @module Table items cut from stored text: a list as a Table needs only the metadata fields its
 * columns read, plus the metadata as text for `includeObject=Metadata`, so the stored text's
 * layout (stored-json.ts: apiVersion, kind, then metadata) lets most of an object go unparsed.
 * Each function answers undefined when the text is not in that layout.
 */
import type { KubeObject } from '../../api/types.js';
import type { StoredValue } from '../../storage/store.js';
import { objectEnd, splitMember } from '../../api/json-text.js';
import { hasStoredLayout, metadataText, pickMembers } from './stored-json.js';

/** One Table item: its (partly) decoded object and its metadata as JSON text. */
export interface TableItem {
  object: KubeObject;
  text: string;
}

/** The resource's stored text prefix and the apiVersion and kind its objects get. */
export interface TableItemLayout {
  prefix: string;
  apiVersion: string;
  kind: string;
}

/** The metadata object's text with resourceVersion spliced in first: `{"resourceVersion":"7",...}`. */
function withVersionFirst(members: string, resourceVersion: string): string {
  return `{"resourceVersion":${JSON.stringify(resourceVersion)}${members === '' ? '' : ','}${members}}`;
}

/**
 * A Table item from the object a watch decoded for this very value (the store hands lists and
 * events the same value object for a row), as the upstream watch cache lists the objects it
 * holds: nothing is parsed again. The metadata text is cut from the stored text (its end found
 * by scanning, cheaper than encoding the decoded metadata), exactly as pickedTableItem writes it.
 */
export function tableItemOfDecoded(stored: StoredValue, object: KubeObject, prefix: string): TableItem | undefined {
  if (!hasStoredLayout(stored.value, prefix)) return undefined;
  // The metadata object opens at the prefix's last character.
  const at = prefix.length - 1;
  const end = objectEnd(stored.value, at);
  if (end < 0) return undefined;
  return { object, text: withVersionFirst(stored.value.slice(at + 1, end - 1), String(stored.modRevision)) };
}

/** A stored item with only `fields` of its metadata decoded, and its whole metadata as text. */
export function pickedTableItem(stored: StoredValue, fields: readonly string[], layout: TableItemLayout): TableItem | undefined {
  const { prefix } = layout;
  const text = stored.value;
  if (!hasStoredLayout(text, prefix)) return undefined;
  // The metadata object opens at the prefix's last character.
  const at = prefix.length - 1;
  const picked = pickMembers(text, at, fields);
  if (!picked) return undefined;
  // What follows metadata (`,"spec":...}` or `}`), as an object of its own.
  const tail = text.charCodeAt(picked.end) === 0x2c /* , */ ? `{${text.slice(picked.end + 1)}` : text.length === picked.end + 1 ? '{}' : undefined;
  if (tail === undefined) return undefined;
  const object = JSON.parse(tail) as KubeObject;
  const resourceVersion = String(stored.modRevision);
  object.apiVersion = layout.apiVersion;
  object.kind = layout.kind;
  object.metadata = { ...picked.members, resourceVersion };
  return { object, text: withVersionFirst(text.slice(at + 1, picked.end - 1), resourceVersion) };
}

/**
 * A stored object decoded without its managedFields (cut from the text unparsed), with the
 * text it was parsed from and the managedFields' JSON text; undefined when the text is not in
 * the registry's layout or has no managedFields.
 */
export function decodeWithoutManagedFields(stored: StoredValue, layout: TableItemLayout): { object: KubeObject; rest: string; managedFields: string } | undefined {
  const { prefix } = layout;
  if (!hasStoredLayout(stored.value, prefix)) return undefined;
  // The metadata object opens at the prefix's last character.
  const split = splitMember(stored.value, prefix.length - 1, 'managedFields');
  if (!split) return undefined;
  const object = JSON.parse(split.rest) as KubeObject;
  object.apiVersion = layout.apiVersion;
  object.kind = layout.kind;
  object.metadata.resourceVersion = String(stored.modRevision);
  return { object, rest: split.rest, managedFields: split.value };
}

/** A stored item decoded without managedFields, with its metadata as text (managedFields in it). */
export function tableItemWithoutManagedFields(stored: StoredValue, layout: TableItemLayout): TableItem | undefined {
  const decoded = decodeWithoutManagedFields(stored, layout);
  const at = layout.prefix.length - 1;
  const metadataEnd = decoded ? objectEnd(decoded.rest, at) : -1;
  if (!decoded || metadataEnd < 0) return undefined;
  return { object: decoded.object, text: metadataText(decoded.rest.slice(at, metadataEnd), decoded.object.metadata.resourceVersion!, decoded.managedFields) };
}

/**
 * How a Table list gets each item (RestStorage.readForTable), per resource: with the printer's
 * metadata fields, the object a watch decoded for this very value, else only those fields cut
 * from the text — memoized by stored value and field list, so a store that hands out the same
 * value object for an unchanged row (the SQLite range cache) has each row parsed for Tables
 * once, not once per list (read-only: rows only read them); otherwise the object decoded
 * without managedFields; and where the text is not in the registry's layout, a full decode.
 */
export class TableItemReader {
  readonly #layout: TableItemLayout | undefined;
  readonly #decode: (stored: StoredValue) => KubeObject;
  readonly #watchDecoded: (stored: StoredValue) => KubeObject | undefined;
  readonly #memo = new WeakMap<StoredValue, { fields: readonly string[]; item: TableItem }>();

  /**
   * `layout` is undefined when a codec reshapes the stored text; `watchDecoded` gives the object
   * a watch decoded for a value, only while it is still as decoded.
   */
  constructor(options: { layout: TableItemLayout | undefined; decode: (stored: StoredValue) => KubeObject; watchDecoded: (stored: StoredValue) => KubeObject | undefined }) {
    this.#layout = options.layout;
    this.#decode = options.decode;
    this.#watchDecoded = options.watchDecoded;
  }

  /** The item for a stored value: its object, and its metadata as text where the layout allows. */
  item(stored: StoredValue, metadataFields: readonly string[] | undefined): { object: KubeObject; text: string | undefined } {
    return (metadataFields && this.#memoized(stored, metadataFields)) || this.#withoutManagedFields(stored);
  }

  #memoized(stored: StoredValue, fields: readonly string[]): TableItem | undefined {
    const memo = this.#memo.get(stored);
    if (memo && memo.fields === fields) return memo.item;
    const item = this.#ofDecoded(stored) ?? (this.#layout && pickedTableItem(stored, fields, this.#layout));
    if (item) this.#memo.set(stored, { fields, item });
    return item;
  }

  #ofDecoded(stored: StoredValue): TableItem | undefined {
    const object = this.#layout && this.#watchDecoded(stored);
    return object ? tableItemOfDecoded(stored, object, this.#layout!.prefix) : undefined;
  }

  #withoutManagedFields(stored: StoredValue): { object: KubeObject; text: string | undefined } {
    return (this.#layout && tableItemWithoutManagedFields(stored, this.#layout)) || { object: this.#decode(stored), text: undefined };
  }
}
