/**
 * @module The annotations a Deployment writes on its ReplicaSets (deployment/util): the
 * revision (`deployment.kubernetes.io/revision`, one more than any old ReplicaSet's), the
 * revision history of a reused ReplicaSet, `desired-replicas` and `max-replicas` (the sizes
 * the proportional scaler works from), and the Deployment's own annotations, copied over
 * except kubectl's last-applied configuration and the controller's bookkeeping.
 */
import type { KubeObject } from '../../api/types.js';
import type { ReplicaSet } from '../replicaset/types.js';
import {
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  ROLLBACK_TO_ANNOTATION,
  type DefaultedDeployment,
} from './types.js';

/** Upstream's maxRevHistoryLengthInChars. */
export const MAX_REVISION_HISTORY_CHARS = 2000;

const SKIPPED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  ROLLBACK_TO_ANNOTATION,
]);

/** strconv.ParseInt / Atoi: an optional sign and decimal digits; undefined otherwise. */
function parseGoInt(value: string): number | undefined {
  return /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

/** Revision: 0 without the annotation, undefined when it is not a number. */
export function revisionOf(obj: KubeObject): number | undefined {
  const value = obj.metadata.annotations?.[REVISION_ANNOTATION];
  return value === undefined ? 0 : parseGoInt(value);
}

/** MaxRevision: the highest readable revision (0 for none). */
export function maxRevision(rss: readonly ReplicaSet[]): number {
  return rss.reduce((max, rs) => Math.max(max, revisionOf(rs) ?? 0), 0);
}

/** SetDeploymentRevision: whether the Deployment's revision annotation changed. */
export function setDeploymentRevision(d: KubeObject, revision: string): boolean {
  const annotations = (d.metadata.annotations ??= {});
  if (annotations[REVISION_ANNOTATION] === revision) return false;
  annotations[REVISION_ANNOTATION] = revision;
  return true;
}

const MAX_INT32 = 2147483647;

/**
 * getNonNegativeInt32FromAnnotation: strconv.ParseUint(v, 10, 32) up to MaxInt32; no sign,
 * so a hand-edited "-1" or "+3" reads as no annotation at all.
 */
function nonNegativeInt32Annotation(rs: ReplicaSet, key: string): number | undefined {
  const value = rs.metadata.annotations?.[key];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n <= MAX_INT32 ? n : undefined;
}

/** GetDesiredReplicasAnnotation. */
export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return nonNegativeInt32Annotation(rs, DESIRED_REPLICAS_ANNOTATION);
}

/** getMaxReplicasAnnotation. */
export function maxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return nonNegativeInt32Annotation(rs, MAX_REPLICAS_ANNOTATION);
}

/** desired-replicas as IsSaturated reads it: strconv.ParseInt(v, 10, 32), a sign allowed. */
export function desiredReplicasInt32(rs: ReplicaSet): number | undefined {
  const value = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  const n = value === undefined ? undefined : parseGoInt(value);
  return n !== undefined && n >= -MAX_INT32 - 1 && n <= MAX_INT32 ? n : undefined;
}

/** desired-replicas and max-replicas. */
export interface ReplicasAnnotations {
  desired: number;
  max: number;
}

/** SetReplicasAnnotations: whether either annotation changed. */
export function setReplicasAnnotations(rs: ReplicaSet, { desired, max }: ReplicasAnnotations): boolean {
  const annotations = (rs.metadata.annotations ??= {});
  let updated = false;
  if (annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    updated = true;
  }
  if (annotations[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    annotations[MAX_REPLICAS_ANNOTATION] = String(max);
    updated = true;
  }
  return updated;
}

/** ReplicasAnnotationsNeedUpdate. */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, { desired, max }: ReplicasAnnotations): boolean {
  const annotations = rs.metadata.annotations;
  return !annotations || annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || annotations[MAX_REPLICAS_ANNOTATION] !== String(max);
}

function copyDeploymentAnnotations(d: KubeObject, rs: ReplicaSet): boolean {
  const annotations = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIPPED.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the revision to
 * `newRevision` when it is lower (keeping the old one in the revision history, within
 * MAX_REVISION_HISTORY_CHARS), and for a ReplicaSet about to be created (`exists` false) sets
 * desired-replicas and max-replicas. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: DefaultedDeployment, options: { rs: ReplicaSet; newRevision: string; exists: boolean; maxSurge: number }): boolean {
  const { rs, newRevision } = options;
  let changed = copyDeploymentAnnotations(d, rs);
  const annotations = rs.metadata.annotations!;
  const had = Object.prototype.hasOwnProperty.call(annotations, REVISION_ANNOTATION);
  const oldRevision = annotations[REVISION_ANNOTATION] ?? '';
  const oldInt = oldRevision === '' ? 0 : parseGoInt(oldRevision);
  if (oldInt === undefined) return false;
  const newInt = parseGoInt(newRevision);
  if (newInt === undefined) return false;
  if (oldInt < newInt) {
    annotations[REVISION_ANNOTATION] = newRevision;
    changed = true;
    if (had) {
      // Rolling back to this ReplicaSet: remember the revisions it had.
      const history = annotations[REVISION_HISTORY_ANNOTATION] ?? '';
      if (history === '') {
        annotations[REVISION_HISTORY_ANNOTATION] = oldRevision;
      } else {
        const old = history.split(',');
        let total = history.length + oldRevision.length + 1;
        let start = 0;
        while (total > MAX_REVISION_HISTORY_CHARS && start < old.length) total -= old[start++].length + 1;
        if (total <= MAX_REVISION_HISTORY_CHARS) annotations[REVISION_HISTORY_ANNOTATION] = [...old.slice(start), oldRevision].join(',');
      }
    }
  }
  if (!options.exists && setReplicasAnnotations(rs, { desired: d.spec.replicas, max: d.spec.replicas + options.maxSurge })) changed = true;
  return changed;
}
