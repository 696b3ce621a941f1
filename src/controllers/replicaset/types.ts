/**
 * @module The fields of Pods and ReplicaSets the replicaset and deployment controllers read
 * and write (STYLE.md §10): slim projections of core/v1 Pod and apps/v1 ReplicaSet. Objects
 * arrive from the informer caches as plain JSON; anything not named here is carried along
 * untouched.
 */
import type { KubeObject, ObjectMeta } from '../../api/types.js';
import type { LabelSelector } from '../../api/selectors/index.js';

/** core/v1 PodCondition, as far as readiness goes. */
export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string | null;
}

/** core/v1 Pod. */
export interface Pod extends KubeObject {
  spec?: { nodeName?: string; [field: string]: unknown };
  status?: {
    phase?: string;
    conditions?: PodCondition[];
    containerStatuses?: Array<{ restartCount?: number }>;
    [field: string]: unknown;
  };
}

/** core/v1 PodTemplateSpec. */
export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: Record<string, unknown>;
}

/** apps/v1 ReplicaSetCondition. */
export interface ReplicaSetCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/**
 * apps/v1 ReplicaSetStatus. `replicas` is always written; the other counts are omitted when 0,
 * as Go's `omitempty` writes them.
 */
export interface ReplicaSetStatus {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaSetCondition[];
}

/** apps/v1 ReplicaSet. */
export interface ReplicaSet extends KubeObject {
  spec?: {
    /** Defaulted to 1 by the API server. */
    replicas?: number;
    minReadySeconds?: number;
    selector?: LabelSelector | null;
    template?: PodTemplateSpec;
  };
  status?: ReplicaSetStatus;
}

/** `spec.replicas`, with apps/v1's default of 1. */
export function specReplicas(obj: { spec?: { replicas?: number } }): number {
  return typeof obj.spec?.replicas === 'number' ? obj.spec.replicas : 1;
}

/** RFC 3339 with second precision, as metav1.Time marshals. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Milliseconds of an RFC 3339 time; undefined for a missing or unparsable one (Go's zero time). */
export function parseTime(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
