/**
 * @module The `pods/binding` subresource (POST a v1 Binding): what a scheduler calls to put a
 * pod on a node. As upstream's BindingREST (pkg/registry/core/pod/storage): the pod's
 * spec.nodeName is set only while it is empty, the Binding's annotations are merged into the
 * pod's, and the PodScheduled condition becomes True, all in one write; the answer is a
 * Status Success with code 201. Refusals as upstream words them: 400 for a name or namespace
 * that differs from the URL's, 404 for a missing pod, 409 on `pods/binding` for a pod already
 * assigned, being deleted or gated, 409 on `pods` for a failed uid/resourceVersion
 * precondition; a Binding that fails validation gets the plain (500) error kube-apiserver
 * returns for it, since BindingREST hands back a field.ErrorList aggregate, not a Status.
 */
import { newBadRequest, newConflict, StatusError } from '../../api/errors.js';
import { metaTime, updatePodCondition, type PodCondition } from '../../api/pod-conditions.js';
import type { KubeObject } from '../../api/types.js';
import type { HandlerResponse } from '../http-types.js';
import { asObject, decodeBody } from '../negotiate.js';
import { isDryRun, respondStatus, type Scope } from './scope.js';

const PODS = { group: '', resource: 'pods' };

interface Binding extends KubeObject {
  target?: { kind?: string; name?: string; apiVersion?: string };
}

interface PodView {
  spec?: { nodeName?: string; schedulingGates?: unknown[] };
  status?: { conditions?: PodCondition[] };
}

/** ValidatePodBinding: a target kind other than Node, a missing target name. */
export function validateBinding(binding: Binding): string[] {
  const errs: string[] = [];
  const kind = binding.target?.kind ?? '';
  if (kind !== '' && kind !== 'Node') errs.push(`target.kind: Unsupported value: ${JSON.stringify(kind)}: supported values: "Node", "<empty>"`);
  if (!binding.target?.name) errs.push('target.name: Required value');
  return errs;
}

/** An error kube-apiserver answers without a Status of its own (reason Unknown, code 500). */
function unknownError(message: string): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
}

/** The pod after binding it to `node`, or the reason it cannot be (setPodHostAndAnnotations). */
export function bindPod(pod: KubeObject, node: string, options: { annotations?: Record<string, string>; now: number }): KubeObject | string {
  const view = pod as KubeObject & PodView;
  const name = pod.metadata.name;
  if (pod.metadata.deletionTimestamp) return `pod ${name} is being deleted, cannot be assigned to a host`;
  if (view.spec?.nodeName) return `pod ${name} is already assigned to node ${JSON.stringify(view.spec.nodeName)}`;
  if (view.spec?.schedulingGates?.length) return `pod ${name} has non-empty .spec.schedulingGates`;
  view.spec = { ...(view.spec ?? {}), nodeName: node };
  if (options.annotations && Object.keys(options.annotations).length) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...options.annotations };
  const { conditions } = updatePodCondition(view.status?.conditions, { type: 'PodScheduled', status: 'True' }, metaTime(options.now));
  view.status = { ...(view.status ?? {}), conditions };
  return pod;
}

export async function createBinding(scope: Scope): Promise<HandlerResponse> {
  const { namespace, name } = scope.request;
  const binding = asObject(await decodeBody(scope.http.body, scope.http.headers['content-type'], { apiVersion: 'v1', kind: 'Binding' })) as Binding;
  if ((binding.kind ?? '') !== '' && binding.kind !== 'Binding') {
    throw newBadRequest(`the object provided is unrecognized (must be of type Binding): ${binding.kind} in version "${binding.apiVersion ?? ''}" cannot be handled as a Binding`);
  }
  binding.metadata ??= {};
  if (binding.metadata.namespace && binding.metadata.namespace !== namespace) {
    throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if ((binding.metadata.name ?? '') !== name) throw newBadRequest('name in URL does not match name in Binding object');
  const errs = validateBinding(binding);
  if (errs.length) throw unknownError(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  const { uid, resourceVersion } = binding.metadata;
  await scope.storage.guaranteedUpdate(
    namespace,
    name,
    (current) => {
      const pod = current!;
      if (uid && uid !== pod.metadata.uid) throw newConflict(PODS, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid}`);
      if (resourceVersion && resourceVersion !== pod.metadata.resourceVersion) {
        throw newConflict(PODS, name, `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${pod.metadata.resourceVersion}`);
      }
      const bound = bindPod(pod, binding.target!.name!, { annotations: binding.metadata.annotations, now: scope.now });
      if (typeof bound === 'string') throw newConflict({ group: '', resource: 'pods/binding' }, name, bound);
      return bound;
    },
    // bindPod changes and returns the registry's copy it was given (new spec, annotations and
    // status objects over its own parts): nothing to deep-copy before the write.
    { dryRun: isDryRun(scope), subresource: 'binding', ownedResult: true },
  );
  return respondStatus(scope, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
