/**
 * @module The `pods/eviction` subresource (POST a policy/v1 or v1beta1 Eviction): what
 * `kubectl drain` calls for each pod. As upstream's EvictionREST (pkg/registry/core/pod/storage/
 * eviction.go) where no PodDisruptionBudget covers the pod — kubito serves none, so every
 * eviction is allowed: the pod gets the DisruptionTarget condition (EvictionByEvictionAPI,
 * through the status store, with the Eviction's preconditions checked) and is then deleted
 * with the Eviction's deleteOptions (graceful, as any delete of a pod); a dry run only checks.
 * The answer is a Status Success with code 201. 400 for a name that differs from the URL's or
 * an object that is not an Eviction, 404 for a missing pod, 409 for a failed precondition.
 */
import { newBadRequest, newConflict } from '../../api/errors.js';
import { metaTime, updatePodCondition, type PodCondition } from '../../api/pod-conditions.js';
import type { KubeObject } from '../../api/types.js';
import type { HandlerResponse } from '../http-types.js';
import { asObject, decodeBody } from '../negotiate.js';
import { deleteOptionsOf, type RawDeleteOptions } from './delete.js';
import { respondStatus, type Scope } from './scope.js';

/** The GroupResource upstream's eviction names in its precondition conflicts (sic: the kind). */
const POD = { group: '', resource: 'Pod' };

/** The pod with DisruptionTarget=True (podutil.UpdatePodCondition). */
export function withDisruptionTarget(pod: KubeObject, reason: string, message: string, now: number): KubeObject {
  const status = ((pod as { status?: { conditions?: PodCondition[] } }).status ??= {});
  status.conditions = updatePodCondition(status.conditions, { type: 'DisruptionTarget', status: 'True', reason, message }, metaTime(now)).conditions;
  return pod;
}

export async function createEviction(scope: Scope): Promise<HandlerResponse> {
  const { namespace, name } = scope.request;
  const eviction = asObject(await decodeBody(scope.http.body, scope.http.headers['content-type'], { apiVersion: 'policy/v1', kind: 'Eviction' })) as KubeObject & { deleteOptions?: Record<string, unknown> };
  const gv = eviction.apiVersion ?? 'policy/v1';
  if ((eviction.kind ?? 'Eviction') !== 'Eviction' || (gv !== 'policy/v1' && gv !== 'policy/v1beta1')) {
    throw newBadRequest(`the object provided is unrecognized (must be of type Eviction): ${eviction.kind ?? ''} in version "${gv}" cannot be handled as a Eviction`);
  }
  if ((eviction.metadata?.name ?? '') !== name) throw newBadRequest('name in URL does not match name in Eviction object');
  // propagateDryRun: the Eviction's own dryRun, else the request's.
  const raw: RawDeleteOptions = { ...(eviction.deleteOptions ?? {}) };
  if (!Array.isArray(raw.dryRun) || !raw.dryRun.length) raw.dryRun = scope.http.query.getAll('dryRun');
  const options = deleteOptionsOf(raw);
  const preconditions = options.preconditions ?? {};
  if (!options.dryRun) {
    await scope.storage.guaranteedUpdate(
      namespace,
      name,
      (current) => {
        const pod = current!;
        // addConditionAndDeletePod's getLatestPod: its own words, on the resource "Pod".
        if (preconditions.uid && preconditions.uid !== pod.metadata.uid) {
          throw newConflict(POD, name, `the UID in the precondition (${preconditions.uid}) does not match the UID in record (${pod.metadata.uid}). The object might have been deleted and then recreated`);
        }
        if (preconditions.resourceVersion && preconditions.resourceVersion !== pod.metadata.resourceVersion) {
          throw newConflict(POD, name, `the ResourceVersion in the precondition (${preconditions.resourceVersion}) does not match the ResourceVersion in record (${pod.metadata.resourceVersion}). The object might have been modified`);
        }
        return withDisruptionTarget(pod, 'EvictionByEvictionAPI', 'Eviction API: evicting', scope.now);
      },
      { subresource: 'status', ownedResult: true },
    ).then((written) => {
      // The condition's write moved the resourceVersion the caller's precondition named.
      if (preconditions.resourceVersion) options.preconditions = { ...preconditions, resourceVersion: written.metadata.resourceVersion };
    });
  } else {
    await scope.storage.get(namespace, name);
  }
  await scope.storage.delete(namespace, name, options);
  return respondStatus(scope, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
