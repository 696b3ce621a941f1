/**
 * @module DELETE of one object and of a collection. Options come from the body
 * (metav1.DeleteOptions, as kubectl sends them) or from query parameters.
 */
import { newBadRequest, newInvalid, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { goRendered, invalid, notSupported } from '../../api/validation/field-errors.js';
import { goStringSlice } from '../../api/validation/go-format.js';
import { filterFromQuery } from '../filters.js';
import type { HandlerResponse } from '../http-types.js';
import { decodeBody } from '../negotiate.js';
import { validateListOptions } from '../registry/list-read.js';
import type { DeleteOptions } from '../registry/rest-storage.js';
import { param, queryBool, respondObject, respondText, type Scope } from './scope.js';

/** The longest Go time.Duration, in whole seconds. */
const MAX_GRACE_SECONDS = 9_223_372_036;

/**
 * Kinds whose DELETE answers with the object rather than a Status: those whose upstream registry
 * sets ReturnDeletedObject (Nodes' does not: a deleted Node is answered with a Status).
 */
const RETURNS_OBJECT = new Set(['pods', 'services', 'namespaces']);

const POLICIES = ['Foreground', 'Background', 'Orphan'];

/**
 * metav1.DeleteOptions as upstream's handler reads them: from the body when there is one (the
 * query is then not read at all), else from the query; then ValidateDeleteOptions, whose
 * failures are 422 `DeleteOptions.meta.k8s.io "" is invalid`.
 */
async function readDeleteOptions(scope: Scope): Promise<DeleteOptions> {
  let raw: RawDeleteOptions;
  if (scope.http.body && scope.http.body.length > 0) {
    const decoded = await decodeBody(scope.http.body, scope.http.headers['content-type']);
    if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) throw newBadRequest('the body of the request must be a DeleteOptions object');
    raw = decoded as typeof raw;
  } else {
    const query = scope.http.query;
    raw = {
      propagationPolicy: param(scope, 'propagationPolicy'),
      orphanDependents: query.has('orphanDependents') ? queryBool(query, 'orphanDependents') : undefined,
      gracePeriodSeconds: param(scope, 'gracePeriodSeconds'),
      dryRun: query.has('dryRun') ? query.getAll('dryRun') : undefined,
    };
  }
  return deleteOptionsOf(raw);
}

/** The decoded fields of a metav1.DeleteOptions (a DELETE's body or query, an Eviction's deleteOptions). */
export interface RawDeleteOptions {
  propagationPolicy?: unknown;
  orphanDependents?: unknown;
  gracePeriodSeconds?: unknown;
  dryRun?: unknown;
  preconditions?: unknown;
}

/** DeleteOptions from their decoded fields, validated (ValidateDeleteOptions: 422). */
export function deleteOptionsOf(raw: RawDeleteOptions): DeleteOptions {
  const graceText = raw.gracePeriodSeconds;
  const grace = graceText === undefined || graceText === null ? undefined : Number(graceText);
  if (grace !== undefined && !Number.isInteger(grace)) throw newBadRequest(`gracePeriodSeconds: Invalid value: ${JSON.stringify(graceText)}: must be an integer`);
  const policy = raw.propagationPolicy ?? undefined;
  const orphan = raw.orphanDependents ?? undefined;
  const dryRun = Array.isArray(raw.dryRun) ? raw.dryRun.map(String) : [];
  const errs = validateDeleteOptions({ policy, orphan, dryRun });
  if (errs.length) throw newInvalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', errs);
  return {
    dryRun: dryRun.length > 0,
    // Go's time.Duration holds at most 2^63 ns (~292 years): a longer grace period is that long
    // (upstream's arithmetic would wrap), not a date past what a timestamp can say. A negative
    // one is the registry's to read as 1 s.
    gracePeriodSeconds: grace === undefined ? undefined : Math.min(grace, MAX_GRACE_SECONDS),
    propagationPolicy: policy as DeleteOptions['propagationPolicy'],
    orphanDependents: typeof orphan === 'boolean' ? orphan : undefined,
    preconditions: raw.preconditions as DeleteOptions['preconditions'],
  };
}

/** ValidateDeleteOptions (apimachinery meta/v1/validation). */
function validateDeleteOptions(options: { policy: unknown; orphan: unknown; dryRun: string[] }): FieldError[] {
  const errs: FieldError[] = [];
  const { policy, orphan, dryRun } = options;
  if (orphan !== undefined && policy !== undefined) errs.push(invalid('propagationPolicy', String(policy), 'orphanDependents and deletionPropagation cannot be both set'));
  if (policy !== undefined && !POLICIES.includes(String(policy))) errs.push(notSupported('propagationPolicy', String(policy), [...POLICIES, 'nil']));
  if (dryRun.some((v) => v !== 'All')) errs.push(notSupported('dryRun', goRendered(goStringSlice(dryRun)), ['All']));
  return errs;
}

/**
 * DELETE of one object. The answer is 200 with the object when it was only marked (or for kinds
 * that always answer with it), else 200 with a Status; 202 only when the object was kept and the
 * client asked with orphanDependents=false, as upstream's handler has it.
 */
export async function deleteObject(scope: Scope): Promise<HandlerResponse> {
  const { namespace, name } = scope.request;
  const options = await readDeleteOptions(scope);
  const result = await scope.storage.delete(namespace, name, options);
  if (!result.deleted || RETURNS_OBJECT.has(scope.info.resource)) {
    return respondObject(scope, !result.deleted && options.orphanDependents === false ? 202 : 200, result.object);
  }
  return respondText(scope, 200, { text: JSON.stringify(successStatus(scope, result.object)), contentType: 'application/json' });
}

/** finalizeDelete's Status: no code (upstream fills one only when a registry returns nothing), kind is the resource. */
function successStatus(scope: Scope, obj: KubeObject): object {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata.name, group: scope.info.group || undefined, kind: scope.info.resource, uid: obj.metadata.uid },
  };
}

export async function deleteCollection(scope: Scope): Promise<HandlerResponse> {
  // Its ListOptions are validated as a list's (upstream's DeleteCollection handler runs
  // ValidateListOptions): sendInitialEvents, resourceVersionMatch without resourceVersion, ... are 422.
  validateListOptions({
    resourceVersion: param(scope, 'resourceVersion'),
    resourceVersionMatch: param(scope, 'resourceVersionMatch'),
    continue: param(scope, 'continue'),
    sendInitialEvents: scope.http.query.has('sendInitialEvents') || undefined,
  });
  const list = await scope.storage.deleteCollection(scope.request.namespace, {
    ...(await readDeleteOptions(scope)),
    filter: filterFromQuery(scope.info, scope.http.query),
  });
  return respondObject(scope, 200, list);
}
