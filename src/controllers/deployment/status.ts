/**
 * @module A Deployment's status from its ReplicaSets (sync.go calculateStatus, progress.go):
 * replica counts, the Available condition, and during a rollout the Progressing condition
 * (progressing, complete, or past its deadline). Pure: time is passed in.
 */
import { formatTime, parseTime, type ReplicaSet } from '../replicaset/types.js';
import {
  AVAILABLE,
  getCondition,
  MINIMUM_REPLICAS_AVAILABLE,
  MINIMUM_REPLICAS_UNAVAILABLE,
  NEW_RS_AVAILABLE,
  newCondition,
  PROGRESSING,
  REPLICA_FAILURE,
  REPLICA_SET_UPDATED,
  removeCondition,
  setCondition,
  TIMED_OUT,
} from './conditions.js';
import { actualReplicaCount, availableReplicaCount, maxUnavailable, readyReplicaCount, specReplicaCount } from './replica-sets.js';
import type { DefaultedDeployment, DeploymentCondition, DeploymentStatus } from './types.js';

/** The ReplicaSets a status is computed from, and the time. */
export interface StatusInput {
  allRSs: ReadonlyArray<ReplicaSet | undefined>;
  newRS: ReplicaSet | undefined;
  now: number;
}

/** HasProgressDeadline: set, and not MaxInt32 (which means none). */
export function hasProgressDeadline(d: DefaultedDeployment): boolean {
  const s = d.spec.progressDeadlineSeconds;
  return typeof s === 'number' && s !== 2147483647;
}

/** HasRevisionHistoryLimit: set, and not MaxInt32. */
export function hasRevisionHistoryLimit(d: DefaultedDeployment): boolean {
  const n = d.spec.revisionHistoryLimit;
  return typeof n === 'number' && n !== 2147483647;
}

/**
 * calculateStatus: counts over all ReplicaSets (`updatedReplicas` over the new one), the
 * Deployment's conditions carried over, and Available set from whether at least
 * spec.replicas - maxUnavailable pods are available.
 */
export function calculateStatus(d: DefaultedDeployment, { allRSs, newRS, now }: StatusInput): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const unavailable = Math.max(0, specReplicaCount(allRSs) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    conditions: (d.status.conditions ?? []).map((c) => ({ ...c })),
    collisionCount: d.status.collisionCount,
  };
  const at = formatTime(now);
  if (available >= d.spec.replicas - maxUnavailable(d)) {
    setCondition(status, newCondition(AVAILABLE, { status: 'True', reason: MINIMUM_REPLICAS_AVAILABLE, message: 'Deployment has minimum availability.', now: at }));
  } else {
    setCondition(status, newCondition(AVAILABLE, { status: 'False', reason: MINIMUM_REPLICAS_UNAVAILABLE, message: 'Deployment does not have minimum availability.', now: at }));
  }
  return status;
}

/** DeploymentComplete: every replica updated and available, and this generation observed. */
export function deploymentComplete(d: DefaultedDeployment, status: DeploymentStatus): boolean {
  const n = d.spec.replicas;
  return (status.updatedReplicas ?? 0) === n && (status.replicas ?? 0) === n && (status.availableReplicas ?? 0) === n && (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, ready or available replicas, or fewer old ones, than the stored status says. */
export function deploymentProgressing(d: DefaultedDeployment, next: DeploymentStatus): boolean {
  const old = d.status;
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: no progress reported for progressDeadlineSeconds (strictly more). */
export function deploymentTimedOut(d: DefaultedDeployment, { status, now }: { status: DeploymentStatus; now: number }): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(status, PROGRESSING);
  if (!cond) return false;
  if (cond.reason === NEW_RS_AVAILABLE) return false;
  if (cond.reason === TIMED_OUT) return true;
  const from = parseTime(cond.lastUpdateTime) ?? Number.NEGATIVE_INFINITY;
  return from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 < now;
}

/** ReplicaSetToDeploymentCondition. */
function fromReplicaSetCondition(c: NonNullable<NonNullable<ReplicaSet['status']>['conditions']>[number]): DeploymentCondition {
  return { type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure conditions, else any old one's. */
function replicaFailures(allRSs: ReadonlyArray<ReplicaSet | undefined>, newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const of = (rs: ReplicaSet | undefined) => (rs?.status?.conditions ?? []).filter((c) => c.type === REPLICA_FAILURE).map(fromReplicaSetCondition);
  const fromNew = of(newRS);
  return fromNew.length ? fromNew : allRSs.flatMap(of);
}

/**
 * syncRolloutStatus's computation: the status above, plus, while a rollout with a progress
 * deadline is not known complete, Progressing as NewReplicaSetAvailable (complete),
 * ReplicaSetUpdated (progress since the stored status; lastUpdateTime moves) or
 * ProgressDeadlineExceeded; and ReplicaFailure copied from the ReplicaSets.
 */
export function rolloutStatus(d: DefaultedDeployment, input: StatusInput): DeploymentStatus {
  const { allRSs, newRS, now } = input;
  const status = calculateStatus(d, input);
  const at = formatTime(now);
  if (!hasProgressDeadline(d)) removeCondition(status, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const isComplete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && current?.reason === NEW_RS_AVAILABLE;
  if (hasProgressDeadline(d) && !isComplete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition(PROGRESSING, { status: 'True', reason: NEW_RS_AVAILABLE, message: `${subject} has successfully progressed.`, now: at }));
    } else if (deploymentProgressing(d, status)) {
      const cond = newCondition(PROGRESSING, { status: 'True', reason: REPLICA_SET_UPDATED, message: `${subject} is progressing.`, now: at });
      // Same reason again: setCondition would ignore it, but lastUpdateTime must move.
      if (current) {
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, PROGRESSING);
      }
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, { status, now })) {
      setCondition(status, newCondition(PROGRESSING, { status: 'False', reason: TIMED_OUT, message: `${subject} has timed out progressing.`, now: at }));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length) setCondition(status, failures[0]);
  else removeCondition(status, REPLICA_FAILURE);
  return status;
}

/**
 * The status as Go serializes it (omitempty): zero counts, empty conditions and an unset
 * collision count left out. Used for writes and for comparing with the stored status.
 */
export function compactStatus(status: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const key of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    if (status[key]) out[key] = status[key];
  }
  if (status.conditions?.length) out.conditions = status.conditions;
  if (status.collisionCount !== undefined && status.collisionCount !== null) out.collisionCount = status.collisionCount;
  return out;
}

function conditionKey(c: DeploymentCondition): string {
  return JSON.stringify([c.type, c.status, c.lastUpdateTime ?? '', c.lastTransitionTime ?? '', c.reason ?? '', c.message ?? '']);
}

/** reflect.DeepEqual of two statuses, on their serialized form. */
export function sameStatus(a: DeploymentStatus, b: DeploymentStatus): boolean {
  const x = compactStatus(a);
  const y = compactStatus(b);
  const keys = ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'] as const;
  if (keys.some((k) => x[k] !== y[k])) return false;
  const cx = (x.conditions ?? []).map(conditionKey);
  const cy = (y.conditions ?? []).map(conditionKey);
  return cx.length === cy.length && cx.every((c, i) => c === cy[i]);
}
