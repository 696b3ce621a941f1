/**
 * @module A Table as JSON text for items listed with their metadata as text (RestStorage
 * .listForTable): each PartialObjectMetadata row is written around its item's metadata text,
 * so the metadata (managedFields included) is never encoded again; only the cells are. The
 * result is the same JSON value as `JSON.stringify` of the Table made from the full items.
 */
import { newInternalError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { Table } from '../api/tables/types.js';

/**
 * The rows of `table` as JSON texts. `table` was made from `objects` (row i from objects[i]).
 * `metadataTexts[i]`, when set, is objects[i]'s whole metadata as JSON text
 * (objects[i].metadata then lacks its managedFields).
 */
export function tableRowTexts(table: Table, objects: readonly KubeObject[], metadataTexts: readonly (string | undefined)[]): string[] {
  const rows = table.rows ?? [];
  if (rows.length !== objects.length) throw newInternalError('a Table has not one row per item');
  return rows.map((row, i) => {
    const text = metadataTexts[i];
    const { object, ...rest } = row;
    if (text === undefined || object === null) return JSON.stringify(row);
    // Only PartialObjectMetadata rows (includeObject=Metadata) may carry a partial item.
    if (object.kind !== 'PartialObjectMetadata' || object.metadata !== objects[i].metadata) throw newInternalError('a Table row does not carry its item as PartialObjectMetadata');
    const head = JSON.stringify(rest);
    return `${head === '{}' ? '{' : `${head.slice(0, -1)},`}"object":{"kind":"PartialObjectMetadata","apiVersion":${JSON.stringify(object.apiVersion)},"metadata":${text}}}`;
  });
}

/** `head` (a Table made from no items: columns, list metadata) with `rows` (JSON texts) as its rows. */
export function tableWithRows(head: Table, rows: readonly string[]): string {
  if (rows.length === 0) return JSON.stringify(head);
  return `${tableOpening(head)}${rows.join(',')}${TABLE_CLOSING}`;
}

/**
 * The text of `head` (a Table made from no items) up to its first row: rows texts joined with
 * `,` and TABLE_CLOSING after them make the whole Table (one row at least; no rows is
 * `JSON.stringify(head)`).
 */
export function tableOpening(head: Table): string {
  const { rows: _rows, ...fields } = head;
  const text = JSON.stringify(fields);
  return `${text === '{}' ? '{' : `${text.slice(0, -1)},`}"rows":[`;
}

/** What follows the last row (tableOpening). */
export const TABLE_CLOSING = ']}';

/** The whole Table as text: `tableRowTexts` of its rows in it. */
export function tableText(table: Table, objects: readonly KubeObject[], metadataTexts: readonly (string | undefined)[]): string {
  if (!table.rows || table.rows.length === 0) return JSON.stringify(table);
  return tableWithRows(table, tableRowTexts(table, objects, metadataTexts));
}
