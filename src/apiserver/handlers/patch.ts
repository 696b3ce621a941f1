/**
 * @module PATCH in its four flavours: JSON patch, JSON merge patch, strategic merge patch and
 * server-side apply (`application/apply-patch+yaml`, which may also create). The patch logic
 * itself is pure (apiserver/patch, apiserver/apply); this file reads the request and writes.
 */
import { newBadRequest, newConflict, newInvalid, newUnsupportedMediaType } from '../../api/errors.js';
import { FIELD_IMMUTABLE } from '../../api/validation/object-meta.js';
import type { KubeObject } from '../../api/types.js';
import { applyConfiguration } from '../apply/index.js';
import { hasDuplicateKeys, parseMembers } from '../../api/json-members.js';
import { checkPatchedFields, decodePatched, fieldValidation, finishDecode, strictChecksMatter } from '../field-validation.js';
import { strictWarnings, yamlStrictError } from '../strict-yaml.js';
import { recordManagedFields } from '../managed-fields.js';
import { formatTime } from '../registry/object-meta.js';
import { goJson, goValue } from '../patch/go-format.js';
import { parseJson, parseYamlText } from '../negotiate.js';
import type { PatchType } from '../patch/index.js';
import { schemaLookup, definitionFor } from '../schema-lookup.js';
import type { HandlerResponse } from '../http-types.js';
import { checkName, isDryRun, param, queryBool, updateAndRespond, validateWriteOptions, type Scope } from './scope.js';
import type { FieldError } from '../../api/errors.js';
import { forbidden, invalid, required } from '../../api/validation/field-errors.js';

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

interface PatchBody {
  /** The patch as decoded (of two equal keys the last wins, as Go's decode into a map). */
  value: unknown;
  text: string;
}

function patchBody(scope: Scope, type: string): PatchBody {
  const body = scope.http.body;
  const text = typeof body === 'string' ? body : body?.toString('utf8') ?? '';
  if (!text.trim()) throw newBadRequest('the body of the request was empty');
  return { value: type === 'application/apply-patch+yaml' ? parseYamlText(text) : parseJson(text), text };
}

/**
 * Applies the request's patch to `current`, seen as the definition `defName`, and decodes the
 * result into that Go type as any patched object is (type errors, field validation, zero
 * values dropped). A server-side apply returns the object with its managedFields recorded
 * (`current`'s are the managers it starts from). Used by PATCH on the scale subresource.
 */
export async function applyPatchBody(scope: Scope, current: KubeObject, defName: string): Promise<KubeObject> {
  const type = patchType(scope);
  const manager = patchOptions(scope, type);
  const body = patchBody(scope, type);
  if (type === 'application/apply-patch+yaml') {
    const yamlError = strictChecksMatter(scope, fieldValidation(scope)) ? yamlStrictError(body.text) : undefined;
    const next = applyBody(scope, current, body.value, { manager: manager!, defName, yamlError });
    decodePatched(scope, next, () => goJson(next), { previous: current });
    finishDecode(scope, next);
    return next;
  }
  const { applyPatch } = await import('../patch/index.js');
  const patched = applyPatch(current, body.value, { type: type as PatchType, schema: schemaLookup, root: defName, fieldValidation: fieldValidation(scope) }) as KubeObject;
  decodePatched(scope, patched, () => goJson(patched), { unstructured: type === 'application/strategic-merge-patch+json' });
  finishDecode(scope, patched);
  return patched;
}

/** The request's patch options checked, as upstream does before it reads the body (see patchOptions). */
export function validatePatchOptions(scope: Scope): void {
  patchOptions(scope, patchType(scope));
}

/**
 * ValidatePatchOptions: `force` only for apply, which needs a field manager; then the checks
 * every write's options have (validateWriteOptions). Returns the field manager.
 */
function patchOptions(scope: Scope, type: string): string | undefined {
  const manager = param(scope, 'fieldManager');
  const first: FieldError[] = [];
  if (type !== 'application/apply-patch+yaml') {
    if (scope.http.query.has('force')) first.push(forbidden('force', 'may not be specified for non-apply patch'));
  } else if (!manager) first.push(required('fieldManager', 'is required for apply patch'));
  validateWriteOptions(scope, 'PatchOptions', first);
  return manager;
}

/**
 * A server-side apply of the body to `current` (undefined: a create), then the strict checks of
 * its YAML (`yamlError`, reported after the apply as upstream's applyPatcher does): the merged
 * object with managedFields.
 */
function applyBody(scope: Scope, current: KubeObject | undefined, body: unknown, opts: { manager: string; defName: string; yamlError: string | undefined }): KubeObject {
  const applied = body as KubeObject;
  if (!applied || typeof applied !== 'object' || Array.isArray(applied)) throw newBadRequest('the apply configuration must be an object');
  const next = applyConfiguration(current, applied, {
    manager: opts.manager,
    force: queryBool(scope.http.query, 'force'),
    schema: schemaLookup,
    root: opts.defName,
    now: formatTime(scope.now),
    subresource: scope.request.subresource || undefined,
  }) as KubeObject;
  // Unknown fields failed the apply above (the typed conversion: "field not declared in
  // schema"); strict validation of apply is only of the YAML itself, after the apply.
  if (opts.yamlError !== undefined) {
    if (fieldValidation(scope) === 'Strict') throw newBadRequest(`error strict decoding patch: error converting YAML to JSON: ${opts.yamlError}`);
    scope.warnings.push(...strictWarnings([opts.yamlError]));
  }
  next.metadata ??= {};
  return next;
}

export async function patchObject(scope: Scope): Promise<HandlerResponse> {
  const { namespace, name, subresource } = scope.request;
  const type = patchType(scope);
  const manager = patchOptions(scope, type);
  const mode = fieldValidation(scope);
  const patch = patchBody(scope, type);
  const body = patch.value;
  const defName = definitionFor(scope.info);
  const isApply = type === 'application/apply-patch+yaml';
  // Loaded on first use: most clients of a fresh server create and read before they patch.
  const { applyPatch, patchStrictErrors } = await import('../patch/index.js');
  // The patch's own strict errors (upstream's appliedStrictErrs; for apply, yaml.v2's duplicate
  // keys), found once: a retried attempt applies the same body.
  const strict = strictChecksMatter(scope, mode);
  // Its duplicate keys are seen in its Members tree (the decoded patch keeps the last of each).
  const patchErrors = !strict || isApply ? [] : patchStrictErrors(type as PatchType, hasDuplicateKeys(patch.text) ? parseMembers(patch.text) : body);
  const applyYamlError = strict && isApply ? yamlStrictError(patch.text) : undefined;
  let created = false;
  // A merge patch is applied in place to the registry's copy for this attempt (no deep copy of
  // the object, and none of the result): it compares with the live object instead.
  const inPlace = type === 'application/merge-patch+json';
  return updateAndRespond(
    scope,
    (current, live) => {
      created = current === undefined;
      let next: KubeObject;
      if (isApply) {
        next = applyBody(scope, current, body, { manager: manager!, defName, yamlError: applyYamlError });
        const uid = next.metadata.uid;
        if (!current && uid) throw newConflict({ group: scope.info.group, resource: scope.info.resource }, name, `uid mismatch: the provided object specified uid ${uid}, and no existing object was found`);
        checkName(scope, next);
        if (current) {
          checkResourceVersion(scope, next, current);
          restoreSystemMetadata(next, current);
        }
        // The typed conversion above refused values of the wrong type; nulls it let through
        // (`matchExpressions: [null]`) become the zero values upstream's decode makes of them.
        decodePatched(scope, next, () => goJson(next), { previous: live });
        finishDecode(scope, next);
        scope.storage.applyDefaults(next);
      } else {
        if (!current) throw scope.storage.notFound(name);
        next = applyPatch(current, body, { type: type as PatchType, schema: schemaLookup, root: defName, fieldValidation: mode, inPlace }) as KubeObject;
        if (!next || typeof next !== 'object' || Array.isArray(next) || !next.metadata) throw newBadRequest('the patch produced something that is not an object');
        const strategic = type === 'application/strategic-merge-patch+json';
        const invalidValue = (): string => (strategic ? goValue(body) : goJson(next));
        decodePatched(scope, next, invalidValue, { unstructured: strategic, previous: live });
        if (strict) checkPatchedFields(scope, next, patchErrors, { strategic, invalidValue });
        finishDecode(scope, next);
        checkName(scope, next);
        checkResourceVersion(scope, next, live!);
        scope.storage.applyDefaults(next);
        recordManagedFields(scope, inPlace ? live : current, next, manager);
      }
      return next;
    },
    { dryRun: isDryRun(scope), subresource: subresource || undefined, allowCreate: isApply && !subresource, ownedResult: inPlace && !isApply },
    () => (created ? 201 : 200),
  );
}

/**
 * A resourceVersion the patch (or apply configuration) sets is a precondition, as the store
 * treats any update's: another than the live one is 409 Conflict (`kubectl label
 * --resource-version`, kubectl's move to server-side apply). None means unconditional.
 * Another uid is a 422.
 */
function checkResourceVersion(scope: Scope, next: KubeObject, live: KubeObject): void {
  const rv = next.metadata.resourceVersion;
  if (rv && rv !== live.metadata.resourceVersion) throw scope.storage.conflict(scope.request.name);
  // A patch carries no UID precondition (a PUT's body does): another uid is the update
  // validation's immutable field, and none keeps the live one (rest.BeforeUpdate).
  const uid = next.metadata.uid;
  if (uid && uid !== live.metadata.uid) {
    throw newInvalid({ group: scope.info.group, kind: scope.info.kind }, scope.request.name, [invalid('metadata.uid', uid, FIELD_IMMUTABLE)]);
  }
}

/** An apply configuration never changes what the server owns in metadata (upstream's update path keeps it). */
function restoreSystemMetadata(next: KubeObject, live: KubeObject): void {
  const meta = next.metadata;
  const old = live.metadata;
  meta.uid = old.uid;
  meta.creationTimestamp = old.creationTimestamp;
  meta.resourceVersion = old.resourceVersion;
  if (old.generation !== undefined) meta.generation = old.generation;
  if (old.deletionTimestamp) meta.deletionTimestamp = old.deletionTimestamp;
}
