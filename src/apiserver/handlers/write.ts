/**
 * @module POST (create) and PUT (update, also of the status subresource). Field validation of
 * the body (Strict / Warn / Ignore) happens here, before the registry sees the object.
 */
import { newBadRequest } from '../../api/errors.js';
import { groupVersion } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { HandlerResponse } from '../http-types.js';
import { hasDuplicateKeys, parseMembers } from '../../api/json-members.js';
import { DEFINITIONS, goDecode, strictFieldErrors } from '../../api/schema/index.js';
import { asObject, bodyText, decodeBody } from '../negotiate.js';
import { bodyType, checkFields, decodeTyped, fieldValidation, finishDecode, strictChecksMatter } from '../field-validation.js';
import { yamlStrictError } from '../strict-yaml.js';
import { recordManagedFields } from '../managed-fields.js';
import { checkName, isDryRun, param, respondObject, respondText, storedTextAnswer, updateAndRespond, validateWriteOptions, type Scope } from './scope.js';

/** Reads the request body as an object of this resource's kind, as the decoder would. */
export async function readObject(scope: Scope): Promise<KubeObject> {
  const expected = groupVersion(scope.info);
  const kind = scope.request.subresource === 'scale' ? 'Scale' : scope.info.kind;
  const contentType = scope.http.headers['content-type'];
  // The body's text, read again below for what the decoded object no longer shows; decoded from it (one conversion).
  const text = scope.http.inProcess ? undefined : bodyText(scope.http.body, contentType);
  let obj = asObject(await decodeBody(text?.text ?? scope.http.body, contentType, { apiVersion: expected, kind }));
  const strict = strictChecksMatter(scope, fieldValidation(scope));
  let bodyErrors: string[] | undefined;
  if (text?.json && hasDuplicateKeys(text.text)) {
    // Go's decode sees every member: a struct or map named twice is merged, and strict
    // decoding reports the repeated keys among the unknown fields, in document order.
    const schema = DEFINITIONS[bodyType(scope).defName];
    const members = parseMembers(text.text);
    if (schema) {
      obj = asObject(goDecode(members, schema));
      if (strict) bodyErrors = strictFieldErrors(members, schema);
    }
  } else if (text && !text.json && strict) {
    // A YAML body: yaml.v2's strict read lists its repeated keys first; the unknown fields
    // follow in the order of the JSON it was converted to (sorted keys).
    const yamlError = yamlStrictError(text.text);
    const schema = DEFINITIONS[bodyType(scope).defName];
    const unknown = schema ? strictFieldErrors(obj, schema, { sortKeys: true }) : [];
    bodyErrors = yamlError === undefined ? unknown : [yamlError, ...unknown];
  }
  if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== kind) {
    throw newBadRequest(`the object provided is unrecognized (must be of type ${kind}): ${obj.kind} in version "${obj.apiVersion ?? ''}" cannot be handled as a ${kind}`);
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== expected && scope.request.subresource !== 'scale') {
    throw newBadRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
  }
  try {
    decodeTyped(scope, obj);
  } catch (err) {
    // An update may keep a []byte or time value a kubito before these checks stored: decoded
    // again against the stored object, what is unchanged passes (typed-decode.ts `prev`).
    const current = scope.request.verb === 'update' && scope.request.name ? await scope.storage.get(scope.request.namespace, scope.request.name).catch(() => undefined) : undefined;
    if (!current) throw err;
    decodeTyped(scope, obj, current);
  }
  checkFields(scope, obj, bodyErrors);
  finishDecode(scope, obj);
  if (scope.request.subresource !== 'scale') scope.storage.applyDefaults(obj);
  return obj;
}

export async function createObject(scope: Scope): Promise<HandlerResponse> {
  validateWriteOptions(scope, 'CreateOptions');
  const obj = await readObject(scope);
  const { namespace } = scope.request;
  recordManagedFields(scope, undefined, obj, param(scope, 'fieldManager'));
  // obj was decoded for this request alone.
  const options = { dryRun: isDryRun(scope), handOver: true, warnings: scope.warnings };
  // A JSON answer that is only sent is made from the stored text (an in-process caller takes a value).
  const contentType = storedTextAnswer(scope);
  if (contentType !== undefined) return respondText(scope, 201, { text: await scope.storage.createAsText(namespace, obj, options), contentType });
  return respondObject(scope, 201, await scope.storage.create(namespace, obj, { ...options, sharedResult: scope.http.acceptsValue === true && scope.http.readOnlyResult === true }));
}

export async function updateObject(scope: Scope): Promise<HandlerResponse> {
  validateWriteOptions(scope, 'UpdateOptions');
  const obj = await readObject(scope);
  checkName(scope, obj);
  const { name, subresource } = scope.request;
  let created = false;
  const manager = param(scope, 'fieldManager');
  return updateAndRespond(
    scope,
    (current) => {
      created = current === undefined;
      const next = structuredClone(obj);
      if (current && next.metadata.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) {
        return staleUpdate(scope, name);
      }
      // AllowUnconditionalUpdate (true for every kind kubito serves): no resourceVersion means
      // "over whatever is there", so the write carries the current one.
      if (current && !next.metadata.resourceVersion) next.metadata.resourceVersion = current.metadata.resourceVersion;
      recordManagedFields(scope, current, next, manager);
      return next;
    },
    { dryRun: isDryRun(scope), subresource: subresource || undefined, allowCreate: scope.storage.allowCreateOnUpdate && !subresource },
    () => (created ? 201 : 200),
  );
}

function staleUpdate(scope: Scope, name: string): never {
  throw scope.storage.conflict(name);
}
