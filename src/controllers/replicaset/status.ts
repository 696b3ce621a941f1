/**
 * @module A ReplicaSet's status from its pods (replica_set_utils.go calculateStatus): how many
 * pods it has, how many carry all the template's labels, how many are ready and available
 * (ready for minReadySeconds), and a ReplicaFailure condition while creating or deleting pods
 * fails. Pure; `statusChanged` says whether a write is needed at all.
 */
import { matches, selectorFromSet } from '../../api/selectors/index.js';
import { isPodAvailable, isPodReady } from './pods.js';
import { formatTime, specReplicas, type Pod, type ReplicaSet, type ReplicaSetCondition, type ReplicaSetStatus } from './types.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

/**
 * calculateStatus: counts over `pods` (the active pods the ReplicaSet owns). `manageError` is
 * the failure of this sync's creates or deletes: it sets ReplicaFailure (FailedCreate when
 * pods were missing, FailedDelete when there were too many) unless one is already there; a
 * sync without failure removes it. `observedGeneration` is left as it was (set when written).
 */
export function calculateStatus(rs: ReplicaSet, { pods, manageError, now }: { pods: readonly Pod[]; manageError?: Error; now: number }): ReplicaSetStatus {
  const template = selectorFromSet(rs.spec?.template?.metadata?.labels ?? {});
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (matches(template, pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, { minReadySeconds, now })) available++;
    }
  }
  let conditions = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError && !failure) {
    const diff = pods.length - specReplicas(rs);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions.push({ type: REPLICA_FAILURE, status: 'True', lastTransitionTime: formatTime(now), reason, message: manageError.message });
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  return withoutZeros({
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.status?.observedGeneration,
    conditions,
  });
}

/** The status as Go writes it: zero counts, no conditions and no generation are left out; `replicas` always stays. */
function withoutZeros(status: ReplicaSetStatus): ReplicaSetStatus {
  const out: ReplicaSetStatus = { replicas: status.replicas ?? 0 };
  if (status.fullyLabeledReplicas) out.fullyLabeledReplicas = status.fullyLabeledReplicas;
  if (status.readyReplicas) out.readyReplicas = status.readyReplicas;
  if (status.availableReplicas) out.availableReplicas = status.availableReplicas;
  if (status.observedGeneration) out.observedGeneration = status.observedGeneration;
  if (status.conditions?.length) out.conditions = status.conditions;
  return out;
}

function sameConditions(a: readonly ReplicaSetCondition[] = [], b: readonly ReplicaSetCondition[] = []): boolean {
  return a.length === b.length && a.every((c, i) => c.type === b[i].type && c.status === b[i].status && c.reason === b[i].reason && c.message === b[i].message && c.lastTransitionTime === b[i].lastTransitionTime);
}

/**
 * updateReplicaSetStatus's early return: a write is needed when a count or the conditions
 * differ, or the spec's generation was not yet observed.
 */
export function statusChanged(rs: ReplicaSet, next: ReplicaSetStatus): boolean {
  const cur = rs.status ?? {};
  return (
    (cur.replicas ?? 0) !== (next.replicas ?? 0) ||
    (cur.fullyLabeledReplicas ?? 0) !== (next.fullyLabeledReplicas ?? 0) ||
    (cur.readyReplicas ?? 0) !== (next.readyReplicas ?? 0) ||
    (cur.availableReplicas ?? 0) !== (next.availableReplicas ?? 0) ||
    (rs.metadata.generation ?? 0) !== (cur.observedGeneration ?? 0) ||
    !sameConditions(cur.conditions, next.conditions)
  );
}
