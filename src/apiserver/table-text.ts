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
 * `table` was made from `objects` (row i from objects[i]). `metadataTexts[i]`, when set, is
 * objects[i]'s whole metadata as JSON text (objects[i].metadata lacks its managedFields).
 */
export function tableText(table: Table, objects: readonly KubeObject[], metadataTexts: readonly (string | undefined)[]): string {
  const rows = table.rows;
  if (!rows || rows.length === 0) return JSON.stringify(table);
  if (rows.length !== objects.length) throw newInternalError('a Table has not one row per item');
  const parts = rows.map((row, i) => {
    const text = metadataTexts[i];
    const { object, ...rest } = row;
    if (text === undefined || object === null) return JSON.stringify(row);
    // Only PartialObjectMetadata rows (includeObject=Metadata) may carry a partial item.
    if (object.kind !== 'PartialObjectMetadata' || object.metadata !== objects[i].metadata) throw newInternalError('a Table row does not carry its item as PartialObjectMetadata');
    const head = JSON.stringify(rest);
    return `${head === '{}' ? '{' : `${head.slice(0, -1)},`}"object":{"kind":"PartialObjectMetadata","apiVersion":${JSON.stringify(object.apiVersion)},"metadata":${text}}}`;
  });
  const { rows: _rows, ...fields } = table;
  const head = JSON.stringify(fields);
  return `${head === '{}' ? '{' : `${head.slice(0, -1)},`}"rows":[${parts.join(',')}]}`;
}
