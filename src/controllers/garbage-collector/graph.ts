/**
 * @module What the garbage collector decides, as pure functions of an object and what the
 * caches know: which owners of a dependent are gone (by uid), and what to do with an object
 * that is being deleted with the `foregroundDeletion` or `orphan` finalizer.
 */
import type { KubeObject, OwnerReference } from '../../api/types.js';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

/** Looks an owner up by reference; undefined when the kind is not known (never collect then). */
export type OwnerLookup = (ref: OwnerReference, namespace: string) => 'present' | 'absent' | 'unknown';

export type DependentAction =
  | { action: 'none' }
  /** Every owner is gone: delete the dependent (background). */
  | { action: 'delete' }
  /** Some owners are gone: drop just those references. */
  | { action: 'drop-owners'; uids: string[] };

export function dependentAction(obj: KubeObject, lookup: OwnerLookup): DependentAction {
  const refs = obj.metadata.ownerReferences ?? [];
  if (!refs.length) return { action: 'none' };
  const states = refs.map((r) => ({ ref: r, state: lookup(r, obj.metadata.namespace ?? '') }));
  if (states.some((s) => s.state === 'unknown')) return { action: 'none' };
  const gone = states.filter((s) => s.state === 'absent').map((s) => s.ref.uid);
  if (!gone.length) return { action: 'none' };
  if (gone.length === refs.length) return { action: 'delete' };
  return { action: 'drop-owners', uids: gone };
}

export type OwnerAction =
  | { action: 'none' }
  /** Foreground: delete these dependents first (foreground too), then wait. */
  | { action: 'delete-dependents'; dependents: KubeObject[] }
  /** Orphan: remove the owner reference from these dependents. */
  | { action: 'orphan-dependents'; dependents: KubeObject[] }
  /** Nothing blocks any more: remove this finalizer. */
  | { action: 'remove-finalizer'; finalizer: string };

/** What to do for an owner being deleted, given its dependents (objects that reference its uid). */
export function ownerAction(owner: KubeObject, dependents: KubeObject[]): OwnerAction {
  const meta = owner.metadata;
  if (!meta.deletionTimestamp) return { action: 'none' };
  const finalizers = meta.finalizers ?? [];
  if (finalizers.includes(ORPHAN)) {
    return dependents.length ? { action: 'orphan-dependents', dependents } : { action: 'remove-finalizer', finalizer: ORPHAN };
  }
  if (finalizers.includes(FOREGROUND)) {
    // processDeletingDependentsItem: only dependents with blockOwnerDeletion hold the owner; with
    // none left it goes now, and the others are collected once it is gone (their owner dangles).
    const blocking = dependents.filter((d) => (d.metadata.ownerReferences ?? []).some((r) => r.uid === meta.uid && r.blockOwnerDeletion));
    if (!blocking.length) return { action: 'remove-finalizer', finalizer: FOREGROUND };
    const notDeleting = dependents.filter((d) => !d.metadata.deletionTimestamp);
    return notDeleting.length ? { action: 'delete-dependents', dependents: notDeleting } : { action: 'none' };
  }
  return { action: 'none' };
}
