/**
 * @module The `scale` subresource of Deployments and ReplicaSets: an autoscaling/v1 Scale view
 * of `spec.replicas`, read with GET and written with PUT or PATCH (what `kubectl scale` sends).
 */
import { newBadRequest, newInvalid } from '../../api/errors.js';
import { selectorToString } from '../../api/selectors/index.js';
import type { KubeObject } from '../../api/types.js';
import type { HandlerResponse } from '../http-types.js';
import { applyPatchBody } from './patch.js';
import { readObject } from './write.js';
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
    // ScaleSpec.replicas is `omitempty`: 0 is not written, as Go encodes the Scale.
    spec: view.spec?.replicas ? { replicas: view.spec.replicas } : {},
    status,
  };
}

export async function getScale(scope: Scope): Promise<HandlerResponse> {
  const obj = await scope.storage.get(scope.request.namespace, scope.request.name);
  return respondObject(scope, 200, scaleOf(obj));
}

const SCALE = 'io.k8s.api.autoscaling.v1.Scale';

export async function updateScale(scope: Scope): Promise<HandlerResponse> {
  const { namespace, name } = scope.request;
  const updated = await scope.storage.guaranteedUpdate(
    namespace,
    name,
    async (current) => {
      const obj = current!;
      const currentScale = scaleOf(obj);
      // Decoded into the Go Scale as any body (type errors, field validation, zero values dropped).
      const scale = scope.request.verb === 'patch' ? await applyPatchBody(scope, currentScale, SCALE) : await readObject(scope);
      const rv = scale.metadata?.resourceVersion;
      if (scope.request.verb !== 'patch' && rv && rv !== obj.metadata.resourceVersion) throw scope.storage.conflict(name);
      // An absent spec.replicas is Go's zero value: 0 (ValidateScale asks only that it be >= 0).
      const replicas = (scale as KubeObject & WorkloadView).spec?.replicas ?? 0;
      if (!Number.isInteger(replicas)) throw newBadRequest(`spec.replicas: Invalid value: ${String(replicas)}: must be an integer`);
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
