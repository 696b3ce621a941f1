/**
 * @module GET of one object and of a collection (list), with label and field selectors and
 * pagination. Watches are in watch.ts.
 */
import { newBadRequest } from '../../api/errors.js';
import type { HandlerResponse } from '../http-types.js';
import { selectionFromQuery } from '../filters.js';
import { negotiate } from '../negotiate.js';
import { LIST_TEXT_CLOSING, TABLE_CHUNK, wholeListText, type ListOptions, type ListText } from '../registry/rest-storage.js';
import { validateListOptions } from '../registry/list-read.js';
import { chunkedAnswer, STREAM_LISTS_ABOVE } from './chunked-answer.js';
import { param, respondObject, respondText, storedTextAnswer, type Scope } from './scope.js';
import { listTable } from './table-list.js';

export async function getObject(scope: Scope): Promise<HandlerResponse> {
  const { namespace, name } = scope.request;
  // Plain JSON to a socket, the common case: the stored text goes out as it is, as lists do.
  const contentType = storedTextAnswer(scope);
  if (contentType !== undefined) return respondText(scope, 200, { text: await scope.storage.getText(namespace, name), contentType });
  return respondObject(scope, 200, await scope.storage.get(namespace, name));
}

/** A list's items TABLE_CHUNK at a time, as bytes. */
function* listPieces(list: ListText): Generator<Buffer> {
  for (let i = 0; i < list.count; i += TABLE_CHUNK) yield list.itemBytes(i, Math.min(i + TABLE_CHUNK, list.count));
}

export async function listObjects(scope: Scope): Promise<HandlerResponse> {
  const limitText = param(scope, 'limit');
  const limit = limitText === undefined ? 0 : Number(limitText);
  if (!Number.isSafeInteger(limit) || limit < 0) throw newBadRequest(`limit: Invalid value: ${JSON.stringify(limitText)}: must be a non-negative integer`);
  const selection = selectionFromQuery(scope.info, scope.http.query);
  const options: ListOptions = {
    filter: selection.filter,
    name: selection.name,
    limit,
    continue: param(scope, 'continue'),
    resourceVersion: param(scope, 'resourceVersion'),
    resourceVersionMatch: param(scope, 'resourceVersionMatch'),
  };
  validateListOptions({ ...options, sendInitialEvents: scope.http.query.has('sendInitialEvents') || undefined });
  const accepted = negotiate(scope.http.headers.accept, { list: true });
  // Plain JSON, the common case (informers, clients): the stored text goes out as it is.
  if (accepted.representation === 'object' && !accepted.yaml) {
    const list = await scope.storage.listText(scope.request.namespace, options);
    // In-process callers take bodies only; short lists are not worth a stream.
    if (list.count <= STREAM_LISTS_ABOVE || scope.http.acceptsValue) return respondText(scope, 200, { text: wholeListText(list), contentType: accepted.contentType });
    return chunkedAnswer(scope, accepted.contentType, { first: list.opening, rest: listPieces(list), closing: LIST_TEXT_CLOSING });
  }
  // Tables with PartialObjectMetadata rows (kubectl get): the items' managedFields are never parsed.
  const includeObject = scope.http.query.get('includeObject') ?? '';
  if (accepted.representation === 'table' && !accepted.yaml && (includeObject === '' || includeObject === 'Metadata' || includeObject === 'None')) {
    return listTable(scope, options, accepted.contentType);
  }
  return respondObject(scope, 200, await scope.storage.list(scope.request.namespace, options));
}
