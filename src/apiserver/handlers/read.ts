/**
 * @module GET of one object and of a collection (list), with label and field selectors and
 * pagination. Watches are in watch.ts.
 */
import { newBadRequest } from '../../api/errors.js';
import type { HandlerResponse } from '../http-types.js';
import { filterFromQuery } from '../filters.js';
import { param, respondObject, type Scope } from './scope.js';

export async function getObject(scope: Scope): Promise<HandlerResponse> {
  const { namespace, name } = scope.request;
  const obj = await scope.storage.get(namespace, name);
  return respondObject(scope, 200, obj);
}

export async function listObjects(scope: Scope): Promise<HandlerResponse> {
  const limitText = param(scope, 'limit');
  const limit = limitText === undefined ? 0 : Number(limitText);
  if (!Number.isSafeInteger(limit) || limit < 0) throw newBadRequest(`limit: Invalid value: ${JSON.stringify(limitText)}: must be a non-negative integer`);
  const list = await scope.storage.list(scope.request.namespace, {
    filter: filterFromQuery(scope.info, scope.http.query),
    limit,
    continue: param(scope, 'continue'),
  });
  return respondObject(scope, 200, list);
}
