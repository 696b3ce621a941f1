/**
 * @module The `scale` subresource of Deployments and ReplicaSets: an autoscaling/v1 Scale view
 * of `spec.replicas`, read with GET and written with PUT or PATCH (what `kubectl scale` sends).
 */
import { newBadRequest, newInvalid } from '../../api/errors.js';
import { selectorToString } from '../../api/selectors/index.js';
import type { KubeObject } from '../../api/types.js';
import type { HandlerResponse } from '../http-types.js';
import { asObject, decodeBody } from '../negotiate.js';
import { applyPatchBody } from './patch.js';
import { isDryRun, respondObject, type Scope } from './scope.js';

interface WorkloadView {
  spec?: { replicas?: number; selector?: unknown };
  status?: { replicas?: number };
}

/** The Scale view of a Deployment or ReplicaSet. */
export function scaleOf(obj: KubeObject): KubeObject {
  const view = obj as KubeObject & WorkloadView;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  const status: Record<string, unknown> = { replicas: view.status?.replicas ?? 0 };
  const selector = view.spec?.selector ? selectorToString(view.spec.selector as never) : '';
  if (selector) status.selector = selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: view.spec?.replicas ?? 0 },
    status,
  };
}

export async function getScale(scope: Scope): Promise<HandlerResponse> {
  const obj = await scope.storage.get(scope.request.namespace, scope.request.name);
  return respondObject(scope, 200, scaleOf(obj));
}

export async function updateScale(scope: Scope): Promise<HandlerResponse> {
  const { namespace, name } = scope.request;
  const updated = await scope.storage.guaranteedUpdate(
    namespace,
    name,
    async (current) => {
      const obj = current!;
      const currentScale = scaleOf(obj);
      const scale = scope.request.verb === 'patch'
        ? await applyPatchBody(scope, currentScale, 'io.k8s.api.autoscaling.v1.Scale')
        : asObject(await decodeBody(scope.http.body, scope.http.headers['content-type']));
      const rv = scale.metadata?.resourceVersion;
      if (scope.request.verb !== 'patch' && rv && rv !== obj.metadata.resourceVersion) throw scope.storage.conflict(name);
      const replicas = (scale as KubeObject & WorkloadView).spec?.replicas;
      if (replicas === undefined || !Number.isInteger(replicas)) {
        throw newBadRequest('spec.replicas: Required value: the Scale must set spec.replicas');
      }
      if (replicas < 0) {
        throw newInvalid({ group: 'autoscaling', kind: 'Scale' }, name, [{ type: 'FieldValueInvalid', field: 'spec.replicas', detail: `Invalid value: ${replicas}: must be greater than or equal to 0` }]);
      }
      const next = obj as KubeObject & WorkloadView;
      next.spec = { ...(next.spec ?? {}), replicas };
      return next;
    },
    { dryRun: isDryRun(scope) },
  );
  return respondObject(scope, 200, scaleOf(updated));
}
