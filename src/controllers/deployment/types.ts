/**
 * @module The fields of apps/v1 Deployments the deployment controller reads and writes
 * (STYLE.md §10), the annotations and labels it shares with kubectl, and apps/v1's defaults
 * for what an object that did not come through the API server may lack.
 */
import type { LabelSelector } from '../../api/selectors/index.js';
import type { KubeObject } from '../../api/types.js';
import type { PodTemplateSpec } from '../replicaset/types.js';

/** The label that ties a ReplicaSet and its pods to one pod template. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/** The rollout sequence number of a ReplicaSet (and of its Deployment). */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** Earlier revisions a reused ReplicaSet had (rollbacks). */
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
/** spec.replicas of the Deployment when the ReplicaSet was last scaled. */
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
/** spec.replicas + maxSurge of the Deployment when the ReplicaSet was last scaled. */
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
/** apps/v1beta1 rollbackTo, kept as an annotation; kubito does not act on it. */
export const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';

export type IntOrString = number | string;

export interface DeploymentStrategy {
  type?: string;
  rollingUpdate?: { maxSurge?: IntOrString | null; maxUnavailable?: IntOrString | null } | null;
}

/** apps/v1 DeploymentCondition. */
export interface DeploymentCondition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** apps/v1 DeploymentStatus; zero counts are left out, as Go's omitempty writes them. */
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelector | null;
  template?: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number | null;
  paused?: boolean;
  progressDeadlineSeconds?: number | null;
}

/** apps/v1 Deployment. */
export interface Deployment extends KubeObject {
  spec?: DeploymentSpec;
  status?: DeploymentStatus;
}

/** A Deployment whose spec has apps/v1's defaults filled in (SetDefaults_Deployment). */
export interface DefaultedDeployment extends Deployment {
  spec: DeploymentSpec & { replicas: number; strategy: DeploymentStrategy & { type: string } };
  status: DeploymentStatus;
}

/**
 * A copy of `d` with SetDefaults_Deployment applied: replicas 1, RollingUpdate with 25% surge
 * and 25% unavailable, revisionHistoryLimit 10, progressDeadlineSeconds 600. Objects from the
 * API server have these already; the copy is what a sync may change.
 */
export function withDefaults(d: Deployment): DefaultedDeployment {
  const copy = structuredClone(d) as DefaultedDeployment;
  const spec = (copy.spec ??= {} as DefaultedDeployment['spec']);
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.strategy ??= { type: 'RollingUpdate' };
  spec.strategy.type ||= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    const ru = (spec.strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  copy.status ??= {};
  return copy;
}
