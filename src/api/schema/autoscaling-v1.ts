/**
 * @module Definitions: autoscaling/v1 Scale (the scale subresource of Deployments and ReplicaSets).
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { gvk, int32, obj, ref, str, typeMeta } from './builders.js';
import { AUTOSCALING, META } from './names.js';

export const AUTOSCALING_V1_DEFINITIONS: Definitions = {
  'io.k8s.api.autoscaling.v1.Scale': obj('Scale represents a scaling request for a resource.', {
    ...typeMeta(),
    metadata: ref(META + 'ObjectMeta', 'Standard object metadata; More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata.'),
    spec: ref(AUTOSCALING + 'ScaleSpec', 'spec defines the behavior of the scale. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status.'),
    status: ref(AUTOSCALING + 'ScaleStatus', 'status is the current status of the scale. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status. Read-only.'),
  }, { gvk: gvk('autoscaling', 'v1', 'Scale') }),
  'io.k8s.api.autoscaling.v1.ScaleSpec': obj('ScaleSpec describes the attributes of a scale subresource.', {
    replicas: int32('replicas is the desired number of instances for the scaled object.'),
  }),
  'io.k8s.api.autoscaling.v1.ScaleStatus': obj('ScaleStatus represents the current status of a scale subresource.', {
    replicas: int32('replicas is the actual number of observed instances of the scaled object.'),
    selector: str('selector is the label query over pods that should match the replicas count. This is same as the label selector but in the string format to avoid introspection by clients. The string will be in the same format as the query-param syntax. More info about label selectors: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/'),
  }, { required: ['replicas'] }),
};
