/**
 * @module A Table as JSON text for items listed without their managedFields (RestStorage
 * .listForTable): each row's metadata gets its managedFields back from their stored JSON
 * text, which is never parsed. The result is the same JSON value as `JSON.stringify` of the
 * Table made from the full items.
 */
import { newInternalError } from '../api/errors.js';
import type { KubeObject, ManagedFieldsEntry } from '../api/types.js';
import type { Table } from '../api/tables/types.js';
import { withMember } from './registry/stored-json.js';

/** Stands in a row's metadata for its managedFields while the Table is encoded. */
const SLOT = '\u0000kubito:managedFields\u0000';
const SLOT_JSON = JSON.stringify(SLOT);

/**
 * `table` was made from `objects` (row i from objects[i]), which the caller owns: their
 * metadata is used as scratch. `managedFields[i]`, when set, is objects[i]'s
 * metadata.managedFields as JSON text, left out of the object itself.
 */
export function tableText(table: Table, objects: readonly KubeObject[], managedFields: readonly (string | undefined)[]): string {
  const rows = table.rows;
  if (!rows || rows.length === 0) return JSON.stringify(table);
  if (rows.length !== objects.length) throw newInternalError('a Table has not one row per item');
  const slotted: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const text = managedFields[i];
    const object = rows[i].object;
    if (text === undefined || object === null) continue;
    // Only PartialObjectMetadata rows (includeObject=Metadata) may carry a partial item.
    if (object.kind !== 'PartialObjectMetadata' || object.metadata !== objects[i].metadata) throw newInternalError('a Table row does not carry its item as PartialObjectMetadata');
    object.metadata.managedFields = SLOT as unknown as ManagedFieldsEntry[];
    slotted.push(text);
  }
  const json = JSON.stringify(table);
  // The slots come out in row order, one per slotted row (a value that happened to hold the
  // slot's text would break the count: then each row is encoded on its own).
  const parts = json.split(SLOT_JSON);
  if (parts.length === slotted.length + 1) {
    let out = parts[0];
    for (let i = 0; i < slotted.length; i++) out += slotted[i] + parts[i + 1];
    return out;
  }
  return rowByRow(table, managedFields);
}

function rowByRow(table: Table, managedFields: readonly (string | undefined)[]): string {
  const head = JSON.stringify({ ...table, rows: [] });
  const parts = table.rows!.map((row, i) => {
    const text = managedFields[i];
    if (text === undefined || row.object === null) return JSON.stringify(row);
    const { object, ...rest } = row;
    const { managedFields: _slot, ...meta } = object.metadata;
    const metadata = withMember(JSON.stringify(meta), 'managedFields', text);
    return `${JSON.stringify(rest).slice(0, -1)},"object":{"kind":"PartialObjectMetadata","apiVersion":${JSON.stringify(object.apiVersion)},"metadata":${metadata}}}`;
  });
  // `head` ends with `[]}` (rows is the last field): the rows go between the brackets.
  return `${head.slice(0, -2)}${parts.join(',')}]}`;
}
