/**
 * @module The 422 kube-apiserver's patcher answers when the patched document does not decode
 * (or, under fieldValidation=Strict, decodes with unknown or duplicate fields). Its own module so
 * that field validation can raise it without loading the patch machinery.
 */
import { type StatusError, newInvalid } from '../../api/errors.js';
import { goQuote } from './go-format.js';

/** ` "" is invalid: patch: Invalid value: "<the patched JSON, or %+v of the patch>": <detail>`. */
export function newPatchInvalid(patched: string, detail: string): StatusError {
  return newInvalid({ group: '', kind: '' }, '', [{ type: 'FieldValueInvalid', field: 'patch', detail: `Invalid value: ${goQuote(patched)}: ${detail}` }]);
}
