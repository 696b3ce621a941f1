/**
 * @module Server-side field validation (`fieldValidation=Strict|Warn|Ignore`, default Warn as in
 * kube-apiserver since 1.27): unknown fields either fail the request with upstream's "strict
 * decoding error" or come back as `Warning` headers that kubectl prints. Requests of the
 * in-process transport (controllers; it reads no headers) skip the check under Warn.
 */
import { newBadRequest, newInvalid } from '../api/errors.js';
import { unknownFields } from '../api/schema/index.js';
import type { KubeObject } from '../api/types.js';
import type { Scope } from './handlers/scope.js';
import { definitionFor } from './schema-lookup.js';
import { convertTypeError, decodeTypeError, dropNulls } from './typed-decode.js';

/** The kind a request's body is decoded as, and its schema definition (Scale for the scale subresource). */
function bodyType(scope: Scope): { kind: string; defName: string } {
  if (scope.request.subresource === 'scale') return { kind: 'Scale', defName: 'io.k8s.api.autoscaling.v1.Scale' };
  return { kind: scope.info.kind, defName: definitionFor(scope.info) };
}

/**
 * The decode into the Go type that a create's or an update's body goes through upstream
 * (typed-decode.ts): a value of the wrong type is a 400 with kube-apiserver's text, a null is
 * dropped. In-process requests (kubito's own controllers, which write typed objects) skip it.
 */
export function decodeTyped(scope: Scope, obj: KubeObject, previous?: KubeObject): void {
  if (scope.http.inProcess) return;
  const { kind, defName } = bodyType(scope);
  const error = decodeTypeError(obj, defName, previous);
  if (error) throw newBadRequest(`${kind} in version "${scope.info.version}" cannot be handled as a ${kind}: ${error}`);
  dropNulls(obj, defName);
}

/**
 * The same for the object a patch produced. Upstream's patcher decodes the patched object and
 * answers a failure as an invalid "patch" (422): with the patched JSON as the value for a JSON
 * or merge patch, with the patch itself (`%+v` of its map) for a strategic merge patch, whose
 * result is converted from unstructured content instead of decoded (`unstructured`: the
 * converter's words and its int32 truncation, typed-decode.ts convertTypeError). `previous`, the
 * stored object: its []byte and time values, kept unchanged, are not checked again.
 */
export function decodePatched(scope: Scope, obj: KubeObject, invalidValue: () => string, options: { unstructured?: boolean; previous?: KubeObject } = {}): void {
  if (scope.http.inProcess) return;
  const { defName } = bodyType(scope);
  const error = options.unstructured ? convertTypeError(obj, defName, options.previous) : decodeTypeError(obj, defName, options.previous);
  if (error) throw newInvalid({ group: '', kind: '' }, '', [{ type: 'FieldValueInvalid', field: 'patch', detail: `Invalid value: ${JSON.stringify(invalidValue())}: ${error}` }]);
  dropNulls(obj, defName);
}

export function checkFields(scope: Scope, obj: KubeObject): void {
  const mode = scope.http.query.get('fieldValidation') ?? 'Warn';
  if (mode !== 'Strict' && mode !== 'Warn' && mode !== 'Ignore') {
    throw newBadRequest(`fieldValidation: Unsupported value: "${mode}": supported values: "Ignore", "Strict", "Warn"`);
  }
  if (mode === 'Ignore') return;
  // Warn only adds Warning headers, which a caller taking values (the in-process transport of
  // the controllers: HandlerRequest.acceptsValue) never reads: the walk would change nothing.
  if (mode === 'Warn' && scope.http.acceptsValue) return;
  const { kind, defName } = bodyType(scope);
  const unknown = unknownFields(obj, defName).map((path) => `unknown field "${path}"`);
  if (!unknown.length) return;
  if (mode === 'Strict') {
    throw newBadRequest(`${kind} in version "${scope.info.version}" cannot be handled as a ${kind}: strict decoding error: ${unknown.join(', ')}`);
  }
  scope.warnings.push(...unknown);
}
