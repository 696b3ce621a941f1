/**
 * @module Server-side field validation (`fieldValidation=Strict|Warn|Ignore`, default Warn as in
 * kube-apiserver since 1.27): unknown fields either fail the request with upstream's "strict
 * decoding error" or come back as `Warning` headers that kubectl prints. Requests of the
 * in-process transport (controllers; it reads no headers) skip the check under Warn.
 */
import { newBadRequest } from '../api/errors.js';
import { unknownFields } from '../api/schema/index.js';
import type { KubeObject } from '../api/types.js';
import type { Scope } from './handlers/scope.js';
import { definitionFor } from './schema-lookup.js';

export function checkFields(scope: Scope, obj: KubeObject): void {
  const mode = scope.http.query.get('fieldValidation') ?? 'Warn';
  if (mode !== 'Strict' && mode !== 'Warn' && mode !== 'Ignore') {
    throw newBadRequest(`fieldValidation: Unsupported value: "${mode}": supported values: "Ignore", "Strict", "Warn"`);
  }
  if (mode === 'Ignore') return;
  // Warn only adds Warning headers, which a caller taking values (the in-process transport of
  // the controllers: HandlerRequest.acceptsValue) never reads: the walk would change nothing.
  if (mode === 'Warn' && scope.http.acceptsValue) return;
  const kind = scope.request.subresource === 'scale' ? 'Scale' : scope.info.kind;
  const defName = scope.request.subresource === 'scale' ? 'io.k8s.api.autoscaling.v1.Scale' : definitionFor(scope.info);
  const unknown = unknownFields(obj, defName).map((path) => `unknown field "${path}"`);
  if (!unknown.length) return;
  if (mode === 'Strict') {
    throw newBadRequest(`${kind} in version "${scope.info.version}" cannot be handled as a ${kind}: strict decoding error: ${unknown.join(', ')}`);
  }
  scope.warnings.push(...unknown);
}
