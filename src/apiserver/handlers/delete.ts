/**
 * @module DELETE of one object and of a collection. Options come from the body
 * (metav1.DeleteOptions, as kubectl sends them) or from query parameters.
 */
import { newBadRequest } from '../../api/errors.js';
import type { KubeObject, Status } from '../../api/types.js';
import { filterFromQuery } from '../filters.js';
import type { HandlerResponse } from '../http-types.js';
import { decodeBody } from '../negotiate.js';
import { validateListOptions } from '../registry/list-read.js';
import type { DeleteOptions } from '../registry/rest-storage.js';
import { isDryRun, param, queryBool, respondObject, respondStatus, type Scope } from './scope.js';

/** The longest Go time.Duration, in whole seconds. */
const MAX_GRACE_SECONDS = 9_223_372_036;

/** Kinds whose DELETE answers with the object rather than a Status, as upstream's registries do. */
const RETURNS_OBJECT = new Set(['pods', 'services', 'namespaces', 'nodes']);

async function readDeleteOptions(scope: Scope): Promise<DeleteOptions> {
  let body: Record<string, unknown> = {};
  if (scope.http.body && scope.http.body.length > 0) {
    const decoded = await decodeBody(scope.http.body, scope.http.headers['content-type']);
    if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) throw newBadRequest('the body of the request must be a DeleteOptions object');
    body = decoded as Record<string, unknown>;
  }
  return deleteOptionsOf(scope, body);
}

/** metav1.DeleteOptions from a decoded body (a DELETE's, an Eviction's deleteOptions), the query filling what it lacks. */
export function deleteOptionsOf(scope: Scope, body: Record<string, unknown>): DeleteOptions {
  const policy = (body.propagationPolicy ?? param(scope, 'propagationPolicy')) as string | undefined;
  if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
    throw newBadRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const orphan = body.orphanDependents ?? (scope.http.query.has('orphanDependents') ? queryBool(scope.http.query, 'orphanDependents') : undefined);
  const graceText = body.gracePeriodSeconds ?? param(scope, 'gracePeriodSeconds');
  const grace = graceText === undefined || graceText === null ? undefined : Number(graceText);
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) throw newBadRequest(`gracePeriodSeconds: Invalid value: ${JSON.stringify(graceText)}: must be >= 0`);
  return {
    dryRun: isDryRun(scope) || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
    // Go's time.Duration holds at most 2^63 ns (~292 years): a longer grace period is that long
    // (upstream's arithmetic would wrap), not a date past what a timestamp can say.
    gracePeriodSeconds: grace === undefined ? undefined : Math.min(grace, MAX_GRACE_SECONDS),
    propagationPolicy: (policy as DeleteOptions['propagationPolicy']) ?? (orphan === true ? 'Orphan' : undefined),
    preconditions: body.preconditions as DeleteOptions['preconditions'],
  };
}

export async function deleteObject(scope: Scope): Promise<HandlerResponse> {
  const { namespace, name } = scope.request;
  const result = await scope.storage.delete(namespace, name, await readDeleteOptions(scope));
  if (!result.deleted || RETURNS_OBJECT.has(scope.info.resource)) {
    return respondObject(scope, result.deleted ? 200 : 202, result.object);
  }
  return respondStatus(scope, successStatus(scope, result.object));
}

function successStatus(scope: Scope, obj: KubeObject): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata.name, group: scope.info.group || undefined, kind: scope.info.resource, uid: obj.metadata.uid },
    code: 200,
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
