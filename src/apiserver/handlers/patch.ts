/**
 * @module PATCH in its four flavours: JSON patch, JSON merge patch, strategic merge patch and
 * server-side apply (`application/apply-patch+yaml`, which may also create). The patch logic
 * itself is pure (apiserver/patch, apiserver/apply); this file reads the request and writes.
 */
import { newBadRequest, newInvalid, newUnsupportedMediaType } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { checkFields } from '../field-validation.js';
import { parseJson, parseYamlText } from '../negotiate.js';
import { applyPatch, type PatchType } from '../patch/index.js';
import { schemaLookup, definitionFor } from '../schema-lookup.js';
import type { HandlerResponse } from '../http-types.js';
import { isDryRun, param, respondObject, type Scope } from './scope.js';

const PATCH_TYPES = new Set<string>([
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
]);

function patchType(scope: Scope): string {
  const type = (scope.http.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!PATCH_TYPES.has(type)) throw newUnsupportedMediaType(type);
  return type;
}

function patchBody(scope: Scope, type: string): unknown {
  const text = scope.http.body?.toString('utf8') ?? '';
  if (!text.trim()) throw newBadRequest('the body of the request was empty');
  return type === 'application/apply-patch+yaml' ? parseYamlText(text) : parseJson(text);
}

/**
 * Applies the request's (non-apply) patch to `current`, seen as the definition `defName`.
 * Used by PATCH on objects and on the scale subresource.
 */
export async function applyPatchBody(scope: Scope, current: KubeObject, defName: string): Promise<KubeObject> {
  const type = patchType(scope);
  if (type === 'application/apply-patch+yaml') throw newUnsupportedMediaType(type);
  return applyPatch(current, patchBody(scope, type), { type: type as PatchType, schema: schemaLookup, root: defName }) as KubeObject;
}

export async function patchObject(scope: Scope): Promise<HandlerResponse> {
  const { namespace, name, subresource } = scope.request;
  const type = patchType(scope);
  const body = patchBody(scope, type);
  const manager = param(scope, 'fieldManager');
  const defName = definitionFor(scope.info);
  const isApply = type === 'application/apply-patch+yaml';
  if (isApply && !manager) {
    throw newInvalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [{ type: 'FieldValueRequired', field: 'fieldManager', detail: 'Required value: is required for apply patch' }]);
  }
  let created = false;
  const result = await scope.storage.guaranteedUpdate(
    namespace,
    name,
    (current) => {
      created = current === undefined;
      let next: KubeObject;
      if (isApply) {
        // TODO(#2): server-side apply (managedFields, conflicts) is not wired in yet.
        throw newUnsupportedMediaType(type);      } else {
        if (!current) throw scope.storage.notFound(name);
        next = applyPatch(current, body, { type: type as PatchType, schema: schemaLookup, root: defName }) as KubeObject;
        if (!next || typeof next !== 'object' || Array.isArray(next) || !next.metadata) throw newBadRequest('the patch produced something that is not an object');
        checkFields(scope, next);
      }
      return next;
    },
    { dryRun: isDryRun(scope), subresource: subresource || undefined, allowCreate: isApply && !subresource },
  );
  return respondObject(scope, created ? 201 : 200, result);
}
