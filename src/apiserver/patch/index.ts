/**
 * @module Pure patch logic of the API server: JSON patch (RFC 6902), JSON merge patch
 * (RFC 7386) and strategic merge patch, with kube-apiserver's semantics and errors.
 */
export { applyPatch, patchStrictErrors, MAX_JSON_PATCH_OPERATIONS, type PatchOptions, type PatchType } from './apply-patch.js';
export { newPatchInvalid } from './patch-invalid.js';
export { applyJsonPatch, JsonPatchError } from './json-patch.js';
export { applyMergePatch, BadMergePatchError } from './merge-patch.js';
export { strategicMergePatch } from './strategic-merge.js';
export { StrategicMergeError, type SmpFailure } from './strategic-errors.js';
export { type SchemaLookup, lookupFromRecord } from './schema-lookup.js';
