/**
 * @module A list as a Table (`kubectl get`) with PartialObjectMetadata rows, from items whose
 * metadata is never decoded in full (RestStorage.readForTable): small lists as one body, long
 * ones written to the socket chunk by chunk, so that the first rows are on their way while the
 * next are rendered and no list-sized text or row array is ever held.
 */
import type { Table } from '../../api/tables/types.js';
import type { HandlerResponse } from '../http-types.js';
import type { TableChunk, TableListOptions } from '../registry/rest-storage.js';
import { loadTableRenderer } from '../representations.js';
import { TABLE_CLOSING, tableOpening, tableRowTexts, tableWithRows } from '../table-text.js';
import { chunkedAnswer, STREAM_LISTS_ABOVE } from './chunked-answer.js';
import { respondText, type Scope } from './scope.js';

export async function listTable(scope: Scope, options: TableListOptions, contentType: string): Promise<HandlerResponse> {
  const render = await loadTableRenderer();
  const { metadataFieldsFor } = await import('../../api/tables/table.js');
  const listing = await scope.storage.readForTable(scope.request.namespace, { ...options, metadataFields: metadataFieldsFor(scope.info) });
  const head = render(scope, [], listing.metadata) as Table;
  const rowsOf = (chunk: TableChunk): string[] => tableRowTexts(render(scope, chunk.objects, {}) as Table, chunk.objects, chunk.metadataTexts);
  // In-process callers take bodies only; short lists are not worth a stream.
  if (listing.count <= STREAM_LISTS_ABOVE || scope.http.acceptsValue) {
    const rows: string[] = [];
    for (const chunk of listing.chunks()) for (const row of rowsOf(chunk)) rows.push(row);
    return respondText(scope, 200, { text: tableWithRows(head, rows), contentType });
  }
  const chunks = listing.chunks()[Symbol.iterator]();
  // The first chunk is rendered before the answer starts, so that a failure is still a Status.
  const first = chunks.next();
  const firstText = first.done ? '' : rowsOf(first.value).join(',');
  function* rest(): Generator<string> {
    for (let step = chunks.next(); !step.done; step = chunks.next()) yield `,${rowsOf(step.value).join(',')}`;
  }
  return chunkedAnswer(scope, contentType, { first: `${tableOpening(head)}${firstText}`, rest: rest(), closing: TABLE_CLOSING });
}
