/**
 * @module One entry point for PATCH bodies other than apply: decode the patch as
 * kube-apiserver does, apply it, and turn every failure into the StatusError that
 * apiserver/pkg/endpoints/handlers/patch.go returns for it.
 */
import { StatusError, newBadRequest, newInvalid, newRequestEntityTooLarge } from '../../api/errors.js';
import { goJson, jsonTypeWord } from './go-format.js';
import { newPatchInvalid } from './patch-invalid.js';
import { JsonPatchError, applyJsonPatch } from './json-patch.js';
import { BadMergePatchError, applyMergePatch } from './merge-patch.js';
import { type SchemaLookup, resolve } from './schema-lookup.js';
import { ANY, strictFieldErrors, type Schema } from '../../api/schema/index.js';
import { StrategicMergeError } from './strategic-errors.js';
import { strategicMergePatch } from './strategic-merge.js';

export type PatchType = 'application/json-patch+json' | 'application/merge-patch+json' | 'application/strategic-merge-patch+json';

export interface PatchOptions {
  type: PatchType;
  /** Definitions, for strategic merge patch; without it every list is replaced. */
  schema?: SchemaLookup;
  /** The kind's definition name, e.g. `io.k8s.api.core.v1.Service`. */
  root?: string;
  /** The request's `fieldValidation`; absent means Warn, as in kube-apiserver. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /**
   * The caller owns `original` and gives it up: a merge patch is applied to it in place (no
   * copy of the whole object); the other types ignore this and leave it unchanged.
   */
  inPlace?: boolean;
}

/** Most operations one JSON patch may carry (maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/**
 * The Go type a JSON patch is strictly decoded as (`[]handlers.jsonPatchOp`): its unknown and
 * duplicate fields are the patch's own strict errors (`json patch unknown field "[0].foo"`).
 */
const JSON_PATCH_OPS: Schema = {
  type: 'array',
  items: { type: 'object', properties: { op: { type: 'string' }, path: { type: 'string' }, from: { type: 'string' }, value: ANY } },
};

/**
 * The strict errors of a patch body itself, before it is applied (upstream's `appliedStrictErrs`):
 * a JSON patch's unknown and duplicate operation fields, prefixed `json patch `; for a merge or
 * strategic merge patch, decoded into `map[string]interface{}`, its duplicate keys. `body` is
 * the decoded patch, or its Members tree (src/api/json-members.ts) when keys repeat.
 */
export function patchStrictErrors(type: PatchType, body: unknown): string[] {
  if (type === 'application/json-patch+json') return strictFieldErrors(body, JSON_PATCH_OPS).map((e) => `json patch ${e}`);
  return strictFieldErrors(body, ANY);
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** errors.NewGenericServerResponse(422, ...): the detail is deliberately not shown. */
function genericInvalid(): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: {},
    code: 422,
  });
}

/** A plain Go error reaching the response writer: 500 with no reason. */
function unknownError(message: string): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
}

function strictMode(opts: PatchOptions): boolean {
  return opts.fieldValidation !== 'Ignore';
}

/** Decode a JSON patch the way the handler does (type errors only: patchStrictErrors has its strict ones), returning its operations. */
function decodeJsonPatch(patch: unknown, opts: PatchOptions): JsonObject[] {
  const strict = strictMode(opts);
  if (patch === null) return [];
  if (!Array.isArray(patch)) {
    const type = strict ? '[]handlers.jsonPatchOp' : 'jsonpatch.Patch';
    throw newBadRequest(`${strict ? 'error decoding patch: ' : ''}json: cannot unmarshal ${jsonTypeWord(patch)} into Go value of type ${type}`);
  }
  for (const op of patch) {
    if (op === null) continue;
    if (!isObject(op)) {
      const type = strict ? 'handlers.jsonPatchOp' : 'jsonpatch.Operation';
      throw newBadRequest(`${strict ? 'error decoding patch: ' : ''}json: cannot unmarshal ${jsonTypeWord(op)} into Go value of type ${type}`);
    }
    if (!strict) continue;
    for (const field of ['op', 'path', 'from'] as const) {
      const v = op[field];
      if (v !== undefined && v !== null && typeof v !== 'string') {
        throw newBadRequest(`error decoding patch: json: cannot unmarshal ${jsonTypeWord(v)} into Go struct field jsonPatchOp.${field} of type string`);
      }
    }
  }
  return patch.map((op) => (isObject(op) ? op : {}));
}

function applyJson(original: JsonObject, patch: unknown, opts: PatchOptions): unknown {
  const ops = decodeJsonPatch(patch, opts);
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw newRequestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  let patched: unknown;
  try {
    patched = applyJsonPatch(original, ops);
  } catch (err) {
    if (err instanceof JsonPatchError) throw genericInvalid();
    throw err;
  }
  return patched;
}

function applyMerge(original: JsonObject, patch: unknown, opts: PatchOptions): unknown {
  if (strictMode(opts) && patch !== null && !isObject(patch)) {
    throw newBadRequest(`error decoding patch: json: cannot unmarshal ${jsonTypeWord(patch)} into Go value of type map[string]interface {}`);
  }
  try {
    return applyMergePatch(original, patch, { inPlace: opts.inPlace });
  } catch (err) {
    if (err instanceof BadMergePatchError) throw newBadRequest(err.message);
    throw err;
  }
}

function applyStrategic(original: JsonObject, patch: unknown, opts: PatchOptions): unknown {
  if (patch === null) return structuredClone(original);
  if (!isObject(patch)) throw newBadRequest(`json: cannot unmarshal ${jsonTypeWord(patch)} into Go value of type map[string]interface {}`);
  const lookup = opts.schema ?? { definition: () => undefined };
  const root = opts.root !== undefined ? resolve(lookup, lookup.definition(opts.root)) : undefined;
  try {
    return strategicMergePatch(original, patch, { lookup, schema: root });
  } catch (err) {
    if (!(err instanceof StrategicMergeError)) throw err;
    if (err.failure === 'BadRequest') throw newBadRequest(err.message);
    if (err.failure === 'Invalid') throw genericInvalid();
    throw unknownError(err.message);
  }
}

/**
 * Apply `patch` (already parsed from JSON) to `original` and return the patched document;
 * `original` is not modified (unless `inPlace` gives it up to a merge patch). Throws the StatusError kube-apiserver answers with: 400 for a
 * patch that does not decode or a malformed directive, 413 for too many JSON patch
 * operations, 422 for a JSON patch operation that fails or a result that is not an object,
 * 500 for strategic-merge failures upstream does not classify. The result still has to go
 * through the same decoding (types, unknown fields) and validation as an update body.
 */
export function applyPatch(original: JsonObject, patch: unknown, opts: PatchOptions): JsonObject {
  let patched: unknown;
  switch (opts.type) {
    case 'application/json-patch+json':
      patched = applyJson(original, patch, opts);
      break;
    case 'application/merge-patch+json':
      patched = applyMerge(original, patch, opts);
      break;
    case 'application/strategic-merge-patch+json':
      patched = applyStrategic(original, patch, opts);
      break;
    default:
      throw unknownError(`unknown Content-Type header for patch: ${String(opts.type)}`);
  }
  if (!isObject(patched)) {
    throw newPatchInvalid(goJson(patched), `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonTypeWord(patched)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  }
  return patched;
}
