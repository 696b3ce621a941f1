/**
 * @module The `scale` subresource of Deployments and ReplicaSets: an autoscaling/v1 Scale view
 * of `spec.replicas`, read with GET and written with PUT or PATCH (what `kubectl scale` sends),
 * server-side apply included. Writes record who owns `spec.replicas` through the Scale, as
 * upstream's ScaleREST does with its ScaleHandler (apply/scale.ts).
 */
import { newBadRequest, newInternalError, newInvalid } from '../../api/errors.js';
import { selectorToString } from '../../api/selectors/index.js';
import type { KubeObject, ManagedFieldsEntry } from '../../api/types.js';
import { specReplicas, toParentManagedFields, toScaleManagedFields, updatedManagedFields } from '../apply/index.js';
import type { HandlerResponse } from '../http-types.js';
import { defaultManager } from '../managed-fields.js';
import { formatTime } from '../registry/object-meta.js';
import { schemaLookup } from '../schema-lookup.js';
import { applyPatchBody, validatePatchOptions } from './patch.js';
import { readObject } from './write.js';
import { isDryRun, param, respondObject, validateWriteOptions, type Scope } from './scope.js';

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

function isApplyPatch(scope: Scope): boolean {
  return (scope.http.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/apply-patch+yaml';
}

/** Malformed stored managedFields (never written by this server): 500, as upstream's store answers a plain error. */
function conversionError(err: unknown): never {
  throw newInternalError(err);
}

export async function updateScale(scope: Scope): Promise<HandlerResponse> {
  const { namespace, name } = scope.request;
  const groupVersion = scope.info.group ? `${scope.info.group}/${scope.info.version}` : scope.info.version;
  const paths = specReplicas(groupVersion);
  if (scope.request.verb === 'patch') validatePatchOptions(scope);
  else validateWriteOptions(scope, 'UpdateOptions');
  const updated = await scope.storage.guaranteedUpdate(
    namespace,
    name,
    async (current) => {
      const obj = current!;
      const currentScale = scaleOf(obj);
      // The Scale's managers: those of the workload's replicas (ScaleHandler.ToSubresource).
      let scaleEntries: ManagedFieldsEntry[] | undefined;
      try {
        scaleEntries = toScaleManagedFields(obj.metadata.managedFields, paths);
      } catch (err) {
        conversionError(err);
      }
      if (scaleEntries) currentScale.metadata.managedFields = scaleEntries;
      // Decoded into the Go Scale as any body (type errors, field validation, zero values dropped);
      // a server-side apply records its managers itself.
      const scale = scope.request.verb === 'patch' ? await applyPatchBody(scope, currentScale, SCALE) : await readObject(scope);
      const applied = scope.request.verb === 'patch' && isApplyPatch(scope);
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
      // The write is recorded on the Scale, then converted back (ScaleHandler.ToParent).
      if (!applied) {
        const manager = param(scope, 'fieldManager') ?? defaultManager(scope);
        scaleEntries = updatedManagedFields(currentScale, scale, { manager, subresource: 'scale', now: formatTime(scope.now), schema: schemaLookup, root: SCALE });
      } else scaleEntries = scale.metadata?.managedFields;
      try {
        const entries = toParentManagedFields(obj.metadata.managedFields, scaleEntries, { paths, groupVersion });
        if (entries) next.metadata.managedFields = entries;
        else delete next.metadata.managedFields;
      } catch (err) {
        conversionError(err);
      }
      return next;
    },
    { dryRun: isDryRun(scope) },
  );
  return respondObject(scope, 200, scaleOf(updated));
}
