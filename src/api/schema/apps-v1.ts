/**
 * @module Definitions: apps/v1 Deployment and ReplicaSet.
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { arr, bool, gvk, int32, int64, obj, ref, str, typeMeta } from './builders.js';
import { APPS, CORE, INT_OR_STRING, META } from './names.js';

export const APPS_V1_DEFINITIONS: Definitions = {
  'io.k8s.api.apps.v1.Deployment': obj('Deployment enables declarative updates for Pods and ReplicaSets.', {
    ...typeMeta(),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    spec: ref(APPS + 'DeploymentSpec', 'Specification of the desired behavior of the Deployment.'),
    status: ref(APPS + 'DeploymentStatus', 'Most recently observed status of the Deployment.'),
  }, { gvk: gvk('apps', 'v1', 'Deployment') }),
  'io.k8s.api.apps.v1.DeploymentCondition': obj('DeploymentCondition describes the state of a deployment at a certain point.', {
    lastTransitionTime: ref(META + 'Time', 'Last time the condition transitioned from one status to another.'),
    lastUpdateTime: ref(META + 'Time', 'The last time this condition was updated.'),
    message: str('A human readable message indicating details about the transition.'),
    reason: str('The reason for the condition\'s last transition.'),
    status: str('Status of the condition, one of True, False, Unknown.'),
    type: str('Type of deployment condition.'),
  }, { required: ['type', 'status'] }),
  'io.k8s.api.apps.v1.DeploymentList': obj('DeploymentList is a list of Deployments.', {
    ...typeMeta(),
    items: arr(ref(APPS + 'Deployment'), 'Items is the list of Deployments.'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata.'),
  }, { required: ['items'], gvk: gvk('apps', 'v1', 'DeploymentList') }),
  'io.k8s.api.apps.v1.DeploymentSpec': obj('DeploymentSpec is the specification of the desired behavior of the Deployment.', {
    minReadySeconds: int32('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)'),
    paused: bool('Indicates that the deployment is paused.'),
    progressDeadlineSeconds: int32('The maximum time in seconds for a deployment to make progress before it is considered to be failed. The deployment controller will continue to process failed deployments and a condition with a ProgressDeadlineExceeded reason will be surfaced in the deployment status. Note that progress will not be estimated during the time a deployment is paused. Defaults to 600s.'),
    replicas: int32('Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.'),
    revisionHistoryLimit: int32('The number of old ReplicaSets to retain to allow rollback. This is a pointer to distinguish between explicit zero and not specified. Defaults to 10.'),
    selector: ref(META + 'LabelSelector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template\'s labels.'),
    strategy: ref(APPS + 'DeploymentStrategy', 'The deployment strategy to use to replace existing pods with new ones.', { strategy: 'retainKeys' }),
    template: ref(CORE + 'PodTemplateSpec', 'Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "Always".'),
  }, { required: ['selector', 'template'] }),
  'io.k8s.api.apps.v1.DeploymentStatus': obj('DeploymentStatus is the most recently observed status of the Deployment.', {
    availableReplicas: int32('Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'),
    collisionCount: int32('Count of hash collisions for the Deployment. The Deployment controller uses this field as a collision avoidance mechanism when it needs to create the name for the newest ReplicaSet.'),
    conditions: arr(ref(APPS + 'DeploymentCondition'), 'Represents the latest available observations of a deployment\'s current state.', { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    observedGeneration: int64('The generation observed by the deployment controller.'),
    readyReplicas: int32('Total number of non-terminating pods targeted by this Deployment with a Ready Condition.'),
    replicas: int32('Total number of non-terminating pods targeted by this deployment (their labels match the selector).'),
    terminatingReplicas: int32('Total number of terminating pods targeted by this deployment. Terminating pods have a non-null .metadata.deletionTimestamp and have not yet reached the Failed or Succeeded .status.phase.\n\nThis is an alpha field. Enable DeploymentReplicaSetTerminatingReplicas to be able to use this field.'),
    unavailableReplicas: int32('Total number of unavailable pods targeted by this deployment. This is the total number of pods that are still required for the deployment to have 100% available capacity. They may either be pods that are running but not yet available or pods that still have not been created.'),
    updatedReplicas: int32('Total number of non-terminating pods targeted by this deployment that have the desired template spec.'),
  }),
  'io.k8s.api.apps.v1.DeploymentStrategy': obj('DeploymentStrategy describes how to replace existing pods with new ones.', {
    rollingUpdate: ref(APPS + 'RollingUpdateDeployment', 'Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.'),
    type: str('Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.\n\nPossible enum values:\n - `"Recreate"` Kill all existing pods before creating new ones.\n - `"RollingUpdate"` Replace the old ReplicaSets by new one using rolling update i.e gradually scale down the old ReplicaSets and scale up the new one.', { enum: ['Recreate', 'RollingUpdate'] }),
  }),
  'io.k8s.api.apps.v1.ReplicaSet': obj('ReplicaSet ensures that a specified number of pod replicas are running at any given time.', {
    ...typeMeta(),
    metadata: ref(META + 'ObjectMeta', 'If the Labels of a ReplicaSet are empty, they are defaulted to be the same as the Pod(s) that the ReplicaSet manages. Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    spec: ref(APPS + 'ReplicaSetSpec', 'Spec defines the specification of the desired behavior of the ReplicaSet. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
    status: ref(APPS + 'ReplicaSetStatus', 'Status is the most recently observed status of the ReplicaSet. This data may be out of date by some window of time. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
  }, { gvk: gvk('apps', 'v1', 'ReplicaSet') }),
  'io.k8s.api.apps.v1.ReplicaSetCondition': obj('ReplicaSetCondition describes the state of a replica set at a certain point.', {
    lastTransitionTime: ref(META + 'Time', 'The last time the condition transitioned from one status to another.'),
    message: str('A human readable message indicating details about the transition.'),
    reason: str('The reason for the condition\'s last transition.'),
    status: str('Status of the condition, one of True, False, Unknown.'),
    type: str('Type of replica set condition.'),
  }, { required: ['type', 'status'] }),
  'io.k8s.api.apps.v1.ReplicaSetList': obj('ReplicaSetList is a collection of ReplicaSets.', {
    ...typeMeta(),
    items: arr(ref(APPS + 'ReplicaSet'), 'List of ReplicaSets. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
  }, { required: ['items'], gvk: gvk('apps', 'v1', 'ReplicaSetList') }),
  'io.k8s.api.apps.v1.ReplicaSetSpec': obj('ReplicaSetSpec is the specification of a ReplicaSet.', {
    minReadySeconds: int32('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)'),
    replicas: int32('Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset'),
    selector: ref(META + 'LabelSelector', 'Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template\'s labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors'),
    template: ref(CORE + 'PodTemplateSpec', 'Template is the object that describes the pod that will be created if insufficient replicas are detected. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#pod-template'),
  }, { required: ['selector'] }),
  'io.k8s.api.apps.v1.ReplicaSetStatus': obj('ReplicaSetStatus represents the current status of a ReplicaSet.', {
    availableReplicas: int32('The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set.'),
    conditions: arr(ref(APPS + 'ReplicaSetCondition'), 'Represents the latest available observations of a replica set\'s current state.', { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    fullyLabeledReplicas: int32('The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset.'),
    observedGeneration: int64('ObservedGeneration reflects the generation of the most recently observed ReplicaSet.'),
    readyReplicas: int32('The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
    replicas: int32('Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset'),
    terminatingReplicas: int32('The number of terminating pods for this replica set. Terminating pods have a non-null .metadata.deletionTimestamp and have not yet reached the Failed or Succeeded .status.phase.\n\nThis is an alpha field. Enable DeploymentReplicaSetTerminatingReplicas to be able to use this field.'),
  }, { required: ['replicas'] }),
  'io.k8s.api.apps.v1.RollingUpdateDeployment': obj('Spec to control the desired behavior of rolling update.', {
    maxSurge: ref(INT_OR_STRING, 'The maximum number of pods that can be scheduled above the desired number of pods. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). This can not be 0 if MaxUnavailable is 0. Absolute number is calculated from percentage by rounding up. Defaults to 25%. Example: when this is set to 30%, the new ReplicaSet can be scaled up immediately when the rolling update starts, such that the total number of old and new pods do not exceed 130% of desired pods. Once old pods have been killed, new ReplicaSet can be scaled up further, ensuring that total number of pods running at any time during the update is at most 130% of desired pods.'),
    maxUnavailable: ref(INT_OR_STRING, 'The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Absolute number is calculated from percentage by rounding down. This can not be 0 if MaxSurge is 0. Defaults to 25%. Example: when this is set to 30%, the old ReplicaSet can be scaled down to 70% of desired pods immediately when the rolling update starts. Once new pods are ready, old ReplicaSet can be scaled down further, followed by scaling up the new ReplicaSet, ensuring that the total number of pods available at all times during the update is at least 70% of desired pods.'),
  }),
};
