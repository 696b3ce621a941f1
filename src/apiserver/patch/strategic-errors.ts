/**
 * @module The failures of strategic merge patch, with k8s.io/apimachinery's messages and the
 * status class kube-apiserver maps each to (interpretStrategicMergePatchError in
 * apiserver/pkg/endpoints/handlers/patch.go): malformed directives are 400, lists of lists
 * 422, and everything else reaches the client as a 500 carrying the raw message.
 */
import { goTypeName, goValue } from './go-format.js';

/** `BadRequest` → 400, `Invalid` → 422 (generic message), `Internal` → 500 (raw message). */
export type SmpFailure = 'BadRequest' | 'Invalid' | 'Internal';

export class StrategicMergeError extends Error {
  readonly failure: SmpFailure;

  constructor(message: string, failure: SmpFailure) {
    super(message);
    this.name = 'StrategicMergeError';
    this.failure = failure;
  }
}

export const ERR_BAD_JSON_DOC = 'invalid JSON document';
export const ERR_NO_LIST_OF_LISTS = 'lists of lists are not supported';
export const ERR_PRIMITIVE_LIST = 'invalid patch format of primitive list';
export const ERR_RETAIN_KEYS = 'invalid patch format of retainKeys';
export const ERR_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';

export function badRequest(message: string): StrategicMergeError {
  return new StrategicMergeError(message, 'BadRequest');
}

export function internal(message: string): StrategicMergeError {
  return new StrategicMergeError(message, 'Internal');
}

/** mergepatch.ErrNoMergeKey. */
export function noMergeKey(m: Record<string, unknown>, key: string): StrategicMergeError {
  return internal(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
}

/** mergepatch.ErrBadArgType: what was expected (`map` or `slice`) versus the value received. */
export function badArgType(expected: 'map' | 'slice', actual: unknown): StrategicMergeError {
  const want = expected === 'map' ? 'map[string]interface {}' : '[]interface {}';
  return internal(`expected a ${want}, but received a ${goTypeName(actual)}`);
}

/** Go's `%s` of a decoded value (strings print bare; other types print as `%!s(type=value)`). */
export function goS(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '%!s(<nil>)';
  return `%!s(${goTypeName(v)}=${goValue(v)})`;
}

/** mergepatch.ErrBadPatchType. */
export function badPatchType(directive: unknown, m: Record<string, unknown>): StrategicMergeError {
  return internal(`unknown patch type: ${goS(directive)} in map: ${goValue(m)}`);
}
