/**
 * @module Controller references (pkg/controller/controller_ref_manager.go): which objects a
 * controller owns, adopts or lets go of. An object whose controller reference names the owner
 * is kept while the owner's selector matches it and released when it does not; an orphan that
 * matches is adopted (unless it or the owner is being deleted); objects of other controllers
 * are left alone. Used by the replicaset controller for pods and by the deployment controller
 * for ReplicaSets. Adopting and releasing are merge patches of `metadata.ownerReferences`
 * that carry the object's uid (and, for adoption, its resourceVersion) as preconditions.
 */
import { isInvalid, isNotFound } from '../../api/errors.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import type { IndexFunc, ResourceClient } from '../../client/index.js';

/** Cache index of objects by their controller's uid. */
export const CONTROLLER_UID_INDEX = 'controllerUID';

/** metav1.GetControllerOf. */
export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** Indexes an object under its controller's uid (the same function for every informer that asks). */
export const controllerUIDIndex: IndexFunc = (obj) => {
  const ref = controllerRefOf(obj);
  return ref ? [ref.uid] : [];
};

/** metav1.NewControllerRef: controller and blockOwnerDeletion both true. */
export function newControllerRef(owner: KubeObject, gvk: { apiVersion: string; kind: string }): OwnerReference {
  return { apiVersion: gvk.apiVersion, kind: gvk.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** What ClaimObject does with one object. */
export type ClaimAction = 'keep' | 'adopt' | 'release' | 'ignore';

/** ClaimObject's decision for `obj`, given whether the owner's selector (and filters) match it. */
export function claimAction(obj: KubeObject, { owner, matches }: { owner: KubeObject; matches: boolean }): ClaimAction {
  const ref = controllerRefOf(obj);
  if (ref) {
    if (ref.uid !== owner.metadata.uid) return 'ignore';
    if (matches) return 'keep';
    return owner.metadata.deletionTimestamp ? 'ignore' : 'release';
  }
  if (owner.metadata.deletionTimestamp || !matches) return 'ignore';
  if (obj.metadata.deletionTimestamp) return 'ignore';
  if (owner.metadata.namespace && owner.metadata.namespace !== obj.metadata.namespace) return 'ignore';
  return 'adopt';
}

export interface ClaimOptions<T extends KubeObject> {
  owner: KubeObject;
  /** The owner's kind, for the controller reference written on adoption. */
  gvk: { apiVersion: string; kind: string };
  /** Client of the owned kind (pods, replicasets). */
  resource: ResourceClient<T>;
  /** Whether the owner's selector matches the object. */
  matches(obj: T): boolean;
  /**
   * RecheckDeletionTimestamp: an uncached read of the owner, done once before the first
   * adoption; throws if the owner is gone, replaced or being deleted.
   */
  canAdopt(): Promise<void>;
  fieldManager: string;
}

/**
 * ClaimPods / ClaimReplicaSets: the objects the owner manages after adopting matching orphans
 * and releasing owned objects that stopped matching. Objects that vanished meanwhile are
 * skipped; other failures are thrown after the rest was tried (the first one, or all of them
 * as `[a, b]` as utilerrors.Aggregate prints them).
 */
export async function claimObjects<T extends KubeObject>(objects: readonly T[], options: ClaimOptions<T>): Promise<T[]> {
  const claimed: T[] = [];
  const errors: Error[] = [];
  let adoptable: Promise<void> | undefined;
  for (const obj of objects) {
    try {
      switch (claimAction(obj, { owner: options.owner, matches: options.matches(obj) })) {
        case 'keep':
          claimed.push(obj);
          break;
        case 'adopt':
          adoptable ??= options.canAdopt();
          await adoptable.catch((err: unknown) => {
            const { namespace, name, uid } = obj.metadata;
            throw new Error(`can't adopt ${options.resource.ref.kind} ${namespace}/${name} (${uid}): ${err instanceof Error ? err.message : String(err)}`);
          });
          if (await patchOrGone(() => adopt(obj, options))) claimed.push(obj);
          break;
        case 'release':
          await patchOrGone(() => release(obj, options));
          break;
        case 'ignore':
          break;
      }
    } catch (err) {
      errors.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new Error(`[${errors.map((e) => e.message).join(', ')}]`);
  return claimed;
}

/** Runs a patch; false if the object is gone. */
async function patchOrGone(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

function adopt<T extends KubeObject>(obj: T, options: ClaimOptions<T>): Promise<T> {
  const refs = [...(obj.metadata.ownerReferences ?? []), newControllerRef(options.owner, options.gvk)];
  const patch = { metadata: { ownerReferences: refs, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion } };
  return options.resource.patch(obj.metadata.name ?? '', patch, { type: 'merge', namespace: obj.metadata.namespace, fieldManager: options.fieldManager });
}

/** ReleasePod / ReleaseReplicaSet; Invalid (the reference or the object changed) is ignored, as upstream does. */
async function release<T extends KubeObject>(obj: T, options: ClaimOptions<T>): Promise<void> {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== options.owner.metadata.uid);
  const patch = { metadata: { ownerReferences: refs.length ? refs : null, uid: obj.metadata.uid } };
  try {
    await options.resource.patch(obj.metadata.name ?? '', patch, { type: 'merge', namespace: obj.metadata.namespace, fieldManager: options.fieldManager });
  } catch (err) {
    if (!isInvalid(err)) throw err;
  }
}

/**
 * controller.RecheckDeletionTimestamp: gets the owner fresh; throws if it was replaced (another
 * uid) or is being deleted.
 */
export async function recheckDeletion(resource: ResourceClient, owner: KubeObject): Promise<void> {
  const { namespace = '', name = '', uid } = owner.metadata;
  const fresh = await resource.get(name, { namespace });
  if (fresh.metadata.uid !== uid) {
    throw new Error(`original ${resource.ref.kind} ${namespace}/${name} is gone: got uid ${fresh.metadata.uid}, wanted ${uid}`);
  }
  if (fresh.metadata.deletionTimestamp) {
    throw new Error(`${namespace}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }
}
