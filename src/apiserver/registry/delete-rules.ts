/**
 * @module What a DELETE does to one stored object, as k8s.io/apiserver's generic registry decides
 * it (registry/rest/delete.go BeforeDelete; registry/generic/registry/store.go Delete,
 * deletionFinalizersForGarbageCollection, markAsDeleting) and, for a kind that holds itself with
 * its own finalizers (Namespace, pkg/registry/core/namespace/storage), that kind's registry. Pure:
 * the caller reads the object, asks, and writes or removes what comes back.
 */
import { newConflict } from '../../api/errors.js';
import type { Strategy } from '../../api/strategy.js';
import type { KubeObject, ObjectMeta } from '../../api/types.js';
import { formatTime } from './object-meta.js';
import type { DeleteOptions } from './rest-types.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/**
 * The 409 a failed precondition answers. The generic registry checks them in BeforeDelete and
 * names the kind (`Operation cannot be fulfilled on Deployment.apps "web": the UID in the
 * precondition (...) does not match ...`); Namespace's registry checks them itself first, in
 * etcd's words, naming the resource. Undefined when the preconditions hold.
 */
export function deletePreconditionError(current: KubeObject, options: DeleteOptions, target: { group: string; kind: string; resource: string; ownDelete: boolean }): Error | undefined {
  const pre = options.preconditions;
  const meta = current.metadata;
  const name = meta.name ?? '';
  const uidWrong = !!pre?.uid && pre.uid !== meta.uid;
  const rvWrong = !!pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion;
  if (!uidWrong && !rvWrong) return undefined;
  if (target.ownDelete) {
    const why = uidWrong
      ? `Precondition failed: UID in precondition: ${pre!.uid}, UID in object meta: ${meta.uid}`
      : `Precondition failed: ResourceVersion in precondition: ${pre!.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`;
    return newConflict({ group: target.group, resource: target.resource }, name, why);
  }
  const why = uidWrong
    ? `the UID in the precondition (${pre!.uid}) does not match the UID in record (${meta.uid}). The object might have been deleted and then recreated`
    : `the ResourceVersion in the precondition (${pre!.resourceVersion}) does not match the ResourceVersion in record (${meta.resourceVersion}). The object might have been modified`;
  return newConflict({ group: target.group, resource: target.kind }, name, why);
}

/**
 * The object marked for deletion, or undefined when it is to be removed now. A mark equal to
 * `current` means nothing changes (a graceful deletion already under way and not shortened: the
 * delete options' finalizers are then ignored, as upstream's). Rules, in upstream's order:
 *  - a negative grace period counts as 1 s;
 *  - graceful kinds (pods): the first delete sets deletionTimestamp = now + grace and bumps
 *    generation; a later one may only shorten it, counted from when the first was asked;
 *  - the garbage collector's finalizers follow the options (orphanDependents, then
 *    propagationPolicy; Background takes both away), or stay as they are;
 *  - with finalizers left and no grace period: deletionTimestamp now (or the earlier one),
 *    deletionGracePeriodSeconds 0, generation bumped on the first mark.
 * A kind that holds itself (`strategy.blocksRemoval`: Namespace) has its registry's rules
 * instead while it does: the first delete sets only deletionTimestamp (no grace period) and
 * the Terminating phase (`markedForDeletion`), later ones change nothing.
 */
export function markForDeletion(current: KubeObject, options: DeleteOptions, context: { strategy: Strategy; nowMs: number }): KubeObject | undefined {
  const { strategy, nowMs } = context;
  const next = structuredClone(current);
  const meta = next.metadata;
  if (strategy.blocksRemoval) {
    if (!meta.deletionTimestamp) {
      meta.deletionTimestamp = formatTime(nowMs);
      setFinalizers(meta, ownDeleteFinalizers(meta.finalizers ?? [], options));
      strategy.markedForDeletion?.(next);
      return next;
    }
    if (strategy.blocksRemoval(current)) return next;
  }
  const requested = options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0 ? 1 : options.gracePeriodSeconds;
  let grace: number | undefined;
  if (meta.deletionTimestamp) {
    const pending = meta.deletionGracePeriodSeconds ?? 0;
    if (strategy.gracefulDeletePeriod && pending > 0) {
      // Already being deleted gracefully: only a shorter grace period changes anything.
      if (requested === undefined || requested >= pending) return next;
      meta.deletionTimestamp = formatTime(Date.parse(meta.deletionTimestamp) - (pending - requested) * 1000);
      meta.deletionGracePeriodSeconds = requested;
      grace = requested;
    }
  } else {
    grace = strategy.gracefulDeletePeriod?.(current, requested);
    if (grace !== undefined) {
      meta.deletionTimestamp = formatTime(nowMs + grace * 1000);
      meta.deletionGracePeriodSeconds = grace;
      bumpGeneration(meta);
    }
  }
  setFinalizers(meta, gcFinalizers(meta.finalizers ?? [], options));
  const pendingFinalizers = (meta.finalizers?.length ?? 0) > 0;
  if (grace !== undefined) return pendingFinalizers || grace > 0 ? next : undefined;
  if (!pendingFinalizers) return undefined;
  // markAsDeleting.
  if (!current.metadata.deletionTimestamp) bumpGeneration(meta);
  if (!meta.deletionTimestamp || Date.parse(meta.deletionTimestamp) > nowMs) meta.deletionTimestamp = formatTime(nowMs);
  meta.deletionGracePeriodSeconds = 0;
  return next;
}

/**
 * deletionFinalizersForGarbageCollection: both GC finalizers taken out, then `orphan` and
 * `foregroundDeletion` added back as shouldOrphanDependents and shouldDeleteDependents say
 * (orphanDependents, else propagationPolicy, else the finalizer already there, first one
 * wins). Unchanged as a set: the list as it was.
 */
export function gcFinalizers(existing: readonly string[], options: Pick<DeleteOptions, 'orphanDependents' | 'propagationPolicy'>): string[] {
  const firstGc = existing.find((f) => f === FINALIZER_ORPHAN || f === FINALIZER_FOREGROUND);
  let orphan: boolean;
  let foreground: boolean;
  if (options.orphanDependents !== undefined) {
    orphan = options.orphanDependents;
    foreground = false;
  } else if (options.propagationPolicy !== undefined) {
    orphan = options.propagationPolicy === 'Orphan';
    foreground = options.propagationPolicy === 'Foreground';
  } else {
    orphan = firstGc === FINALIZER_ORPHAN;
    foreground = firstGc === FINALIZER_FOREGROUND;
  }
  const next = existing.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (orphan) next.push(FINALIZER_ORPHAN);
  if (foreground) next.push(FINALIZER_FOREGROUND);
  return sameSet(next, existing) ? [...existing] : next;
}

/**
 * Namespace's shouldHaveOrphanFinalizer / shouldHaveDeleteDependentsFinalizer: orphanDependents
 * false asks for foreground deletion here (not for nothing, as in the generic registry).
 */
function ownDeleteFinalizers(existing: readonly string[], options: Pick<DeleteOptions, 'orphanDependents' | 'propagationPolicy'>): string[] {
  const want = (finalizer: string, fromFlag: boolean, fromPolicy: boolean): boolean => {
    if (options.orphanDependents !== undefined) return fromFlag;
    if (options.propagationPolicy !== undefined) return fromPolicy;
    return existing.includes(finalizer);
  };
  const orphan = want(FINALIZER_ORPHAN, options.orphanDependents === true, options.propagationPolicy === 'Orphan');
  const foreground = want(FINALIZER_FOREGROUND, options.orphanDependents === false, options.propagationPolicy === 'Foreground');
  const next = existing.filter((f) => (f !== FINALIZER_ORPHAN || orphan) && (f !== FINALIZER_FOREGROUND || foreground));
  if (orphan && !next.includes(FINALIZER_ORPHAN)) next.push(FINALIZER_ORPHAN);
  if (foreground && !next.includes(FINALIZER_FOREGROUND)) next.push(FINALIZER_FOREGROUND);
  return next;
}

function setFinalizers(meta: ObjectMeta, finalizers: string[]): void {
  if (finalizers.length) meta.finalizers = finalizers;
  else delete meta.finalizers;
}

/** The first mark for deletion bumps a set generation (controllers must see the change). */
function bumpGeneration(meta: ObjectMeta): void {
  if ((meta.generation ?? 0) > 0) meta.generation = meta.generation! + 1;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
