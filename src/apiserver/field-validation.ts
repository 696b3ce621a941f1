/**
 * @module Server-side field validation (`fieldValidation=Strict|Warn|Ignore`, default Warn as in
 * kube-apiserver since 1.27): unknown fields either fail the request with upstream's "strict
 * decoding error" or come back as `Warning` headers that kubectl prints. Requests of the
 * in-process transport (controllers; it reads no headers) skip the check under Warn.
 */
import { newBadRequest, newInvalid } from '../api/errors.js';
import { DEFINITIONS, strictFieldErrors } from '../api/schema/index.js';
import { newPatchInvalid } from './patch/patch-invalid.js';
import { strictWarnings } from './strict-yaml.js';
import type { KubeObject } from '../api/types.js';
import type { Scope } from './handlers/scope.js';
import { definitionFor } from './schema-lookup.js';
import { convertTypeError, decodeTypeError, asGoDecodes } from './typed-decode.js';

/** The kind a request's body is decoded as, and its schema definition (Scale for the scale subresource). */
export function bodyType(scope: Scope): { kind: string; defName: string } {
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
  if (error) throw newPatchInvalid(invalidValue(), error);
}

/**
 * After the checks (a type error first, then strict field validation, which must still see the
 * unknown fields): the object as the decode into the Go type leaves it — unknown fields and
 * nulls gone, []byte canonical (typed-decode.ts asGoDecodes).
 */
export function finishDecode(scope: Scope, obj: KubeObject): void {
  if (scope.http.inProcess) return;
  asGoDecodes(obj, bodyType(scope).defName);
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The request's `fieldValidation` (default Warn, as kube-apiserver since 1.27); anything else is a 400. */
export function fieldValidation(scope: Scope): FieldValidation {
  const mode = scope.http.query.get('fieldValidation') ?? 'Warn';
  if (mode !== 'Strict' && mode !== 'Warn' && mode !== 'Ignore') {
    throw newBadRequest(`fieldValidation: Unsupported value: "${mode}": supported values: "Ignore", "Strict", "Warn"`);
  }
  return mode;
}

/** Whether strict errors would change anything: Warn only adds Warning headers, which a caller taking values never reads. */
export function strictChecksMatter(scope: Scope, mode: FieldValidation): boolean {
  // The in-process transport of the controllers (HandlerRequest.acceptsValue) reads no headers:
  // under Warn the walk would change nothing.
  return mode === 'Strict' || (mode === 'Warn' && !scope.http.acceptsValue);
}

/**
 * Strict field validation of a create's or an update's body. `bodyErrors`, when the body reader
 * already found them (duplicate keys, which the decoded object no longer shows), stand for the
 * whole list; else the unknown fields of `obj` are it. Strict fails the request with
 * kube-apiserver's "strict decoding error"; Warn turns each error into a Warning header.
 */
export function checkFields(scope: Scope, obj: KubeObject, bodyErrors?: readonly string[]): void {
  const mode = fieldValidation(scope);
  if (!strictChecksMatter(scope, mode)) return;
  const { kind, defName } = bodyType(scope);
  const schema = DEFINITIONS[defName];
  const errors = bodyErrors ?? (schema ? strictFieldErrors(obj, schema) : []);
  if (!errors.length) return;
  if (mode === 'Strict') {
    throw newBadRequest(`${kind} in version "${scope.info.version}" cannot be handled as a ${kind}: strict decoding error: ${errors.join(', ')}`);
  }
  scope.warnings.push(...strictWarnings(errors));
}

/**
 * Strict field validation of a patched object (JSON, merge and strategic merge patch), as
 * upstream's patcher: the patch's own errors (`patchErrors`: duplicate keys in its body, a JSON
 * patch's unknown operation fields) come first, then the unknown fields of the result — in key
 * order, as the patched JSON that encoding/json wrote from a map has them, or sorted by text
 * for a strategic merge patch (the unstructured converter sorts them). Strict answers 422 on
 * `patch` with `invalidValue()` (the patched JSON, or `%+v` of a strategic patch).
 */
export function checkPatchedFields(scope: Scope, obj: KubeObject, patchErrors: readonly string[], options: { strategic: boolean; invalidValue: () => string }): void {
  const mode = fieldValidation(scope);
  if (!strictChecksMatter(scope, mode)) return;
  const schema = DEFINITIONS[bodyType(scope).defName];
  const unknown = schema ? strictFieldErrors(obj, schema, { sortKeys: !options.strategic }) : [];
  if (options.strategic) unknown.sort();
  const errors = [...patchErrors, ...unknown];
  if (!errors.length) return;
  if (mode === 'Strict') throw newPatchInvalid(options.invalidValue(), `strict decoding error: ${errors.join(', ')}`);
  scope.warnings.push(...errors);
}
