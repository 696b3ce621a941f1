/**
 * @module A Table as JSON text, with each row's object spliced from its item's API text where
 * there is one, instead of encoded again: a list's metadata (managedFields above all) is most
 * of a Table's bytes, and the registry already has it as text. The result is the same JSON
 * value as `JSON.stringify(table)`.
 */
import { newInternalError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { Table, TableRowWithObject } from '../api/tables/types.js';
import { metadataText, type ApiText } from './registry/stored-json.js';

/**
 * `table` was made from `objects` (row i from objects[i]); `texts[i]` is objects[i]'s API text,
 * which then stands for the row's object (the item itself may be partial), or undefined to
 * encode that row's object.
 */
export function tableText(table: Table, objects: readonly KubeObject[], texts: readonly (ApiText | undefined)[]): string {
  const rows = table.rows;
  if (!rows || rows.length === 0 || rows.length !== objects.length) return JSON.stringify(table);
  const head = JSON.stringify({ ...table, rows: [] });
  // `head` ends with `[]}` (rows is the last field): the rows go between the brackets.
  const parts = rows.map((row, i) => rowText(row, objects[i], texts[i]));
  return `${head.slice(0, -2)}${parts.join(',')}]}`;
}

function rowText(row: TableRowWithObject, obj: KubeObject, api: ApiText | undefined): string {
  const object = row.object;
  if (!api || object === null) return JSON.stringify(row);
  // With a text, the item may lack managedFields (RestStorage.listWithText): the text must be used.
  let objectText: string | undefined;
  if (object === obj) objectText = api.text;
  else if (object.kind === 'PartialObjectMetadata' && object.metadata === obj.metadata) {
    const meta = metadataText(api);
    if (meta !== undefined) objectText = `{"kind":"PartialObjectMetadata","apiVersion":${JSON.stringify(object.apiVersion)},"metadata":${meta}}`;
  }
  if (objectText === undefined) throw newInternalError('a Table row does not carry its own item');
  // The fields in the order a row has them: cells, conditions (if any), object.
  const { object: _object, ...rest } = row;
  return `${JSON.stringify(rest).slice(0, -1)},"object":${objectText}}`;
}
