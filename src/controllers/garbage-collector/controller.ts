/**
 * @module The garbage collector (kube-controller-manager's, at a small size): watches every
 * served kind through informers, deletes dependents whose owners are all gone, drops
 * references to owners that are gone, and carries out foreground and orphan deletion by
 * working off the `foregroundDeletion` and `orphan` finalizers.
 */
import { isNotFound } from '../../api/errors.js';
import { findKind, RESOURCES, type ResourceInfo } from '../../api/resources.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { runWorkers, WorkQueue, type Client, type Informer } from '../../client/index.js';
import type { Controller, ControllerContext, EventRecorder } from '../controller.js';
import { FOREGROUND, ORPHAN, dependentAction, ownerAction, type DependentAction, type OwnerLookup } from './graph.js';

const MANAGER = 'garbage-collector';

/** Kinds the collector tracks: everything but Events (they never own, and are many). */
const TRACKED = RESOURCES.filter((r) => r.resource !== 'events');

interface Key {
  info: ResourceInfo;
  namespace: string;
  name: string;
}

/**
 * Whether a sync of `obj` can do anything: it has owners (which may be gone), or it is being
 * deleted (orphan and foreground finalizers). Any other object's sync finds nothing to do
 * (dependentAction and ownerAction both answer none), so its add or update is not queued: a
 * burst of Service creates would queue every one for nothing. It is queued again when an owner
 * it depends on leaves, or when its own deletion starts.
 */
function mayNeedCollection(obj: KubeObject): boolean {
  return (obj.metadata.ownerReferences?.length ?? 0) > 0 || !!obj.metadata.deletionTimestamp;
}

/**
 * mayNeedCollection, narrowed by what the caches know, as upstream's graph builder does: a
 * dependent whose owners are all in the caches (same uid) is not queued on its add or update
 * (only an owner the graph has not observed is checked, with a live GET). It is queued when one
 * of its owners leaves (onDelete walks the dependents index) or when its own deletion starts. A
 * burst of Services would otherwise queue each of their EndpointSlices for a sync that finds
 * nothing to do.
 */
/** Owners `old` referenced with blockOwnerDeletion that `next` no longer references so (gone, or no longer blocking). */
function unblockedOwners(old: KubeObject, next: KubeObject): OwnerReference[] {
  const now = new Map((next.metadata.ownerReferences ?? []).map((r) => [r.uid, r]));
  return (old.metadata.ownerReferences ?? []).filter((r) => r.blockOwnerDeletion && !now.get(r.uid)?.blockOwnerDeletion);
}

function needsSync(obj: KubeObject, lookup: OwnerLookup): boolean {
  if (obj.metadata.deletionTimestamp) return true;
  return mayNeedCollection(obj) && dependentAction(obj, lookup).action !== 'none';
}

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  #client!: Client;
  #events!: EventRecorder;
  readonly #informers = new Map<ResourceInfo, Informer>();
  readonly #queue = new WorkQueue<string>();
  /** Dependents by owner uid, kept from the informers' events. */
  readonly #dependents = new Map<string, Set<string>>();

  #keyOf(info: ResourceInfo, obj: KubeObject): string {
    return `${TRACKED.indexOf(info)}|${obj.metadata.namespace ?? ''}|${obj.metadata.name}`;
  }

  #parse(key: string): Key {
    const [i, namespace, name] = key.split('|');
    return { info: TRACKED[Number(i)], namespace, name };
  }

  #index(info: ResourceInfo, obj: KubeObject, add: boolean): void {
    const key = this.#keyOf(info, obj);
    for (const ref of obj.metadata.ownerReferences ?? []) {
      let set = this.#dependents.get(ref.uid);
      if (!set && add) this.#dependents.set(ref.uid, (set = new Set()));
      if (add) set!.add(key);
      else set?.delete(key);
    }
  }

  setup(ctx: ControllerContext): void {
    this.#client = ctx.client;
    this.#events = ctx.events;
    for (const info of TRACKED) {
      const informer = ctx.informers.informer(info);
      this.#informers.set(info, informer);
      informer.addHandlers({
        onAdd: (obj) => {
          this.#index(info, obj, true);
          this.#reportInvalidNamespace(obj, obj.metadata.ownerReferences ?? []);
          if (needsSync(obj, this.#lookup)) this.#queue.add(this.#keyOf(info, obj));
        },
        onUpdate: (old, obj) => {
          this.#index(info, old, false);
          this.#index(info, obj, true);
          const before = new Set((old.metadata.ownerReferences ?? []).map((r) => r.uid));
          this.#reportInvalidNamespace(obj, (obj.metadata.ownerReferences ?? []).filter((r) => !before.has(r.uid)));
          if (needsSync(obj, this.#lookup)) this.#queue.add(this.#keyOf(info, obj));
          // Recreated under the same name (a relist shows it as an update): the old one's
          // dependents lost their owner.
          if (old.metadata.uid !== obj.metadata.uid) for (const dep of this.#dependents.get(old.metadata.uid ?? '') ?? []) this.#queue.add(dep);
          // An owner waiting in foreground deletion for this dependent is unblocked when the
          // dependent drops its reference or its blockOwnerDeletion (addUnblockedOwnersToDeleteQueue).
          for (const ref of unblockedOwners(old, obj)) this.#enqueueOwner(ref, obj.metadata.namespace ?? '');
        },
        onDelete: (obj) => {
          this.#index(info, obj, false);
          // An owner left: its dependents may now be garbage.
          for (const dep of this.#dependents.get(obj.metadata.uid ?? '') ?? []) this.#queue.add(dep);
          for (const ref of obj.metadata.ownerReferences ?? []) this.#enqueueOwner(ref, obj.metadata.namespace ?? '');
        },
      });
    }
  }

  run(): Promise<void> {
    return runWorkers(this.#queue, (key) => this.#sync(key), { workers: 2 });
  }

  #enqueueOwner(ref: OwnerReference, namespace: string): void {
    const info = findKind(ref.apiVersion, ref.kind);
    if (info && TRACKED.includes(info)) this.#queue.add(`${TRACKED.indexOf(info)}|${info.namespaced ? namespace : ''}|${ref.name}`);
  }

  /** The owner a reference names, from the caches: the object (same uid), null if gone or replaced, undefined for a kind not tracked. */
  #cachedOwner(ref: OwnerReference, namespace: string): KubeObject | null | undefined {
    const info = findKind(ref.apiVersion, ref.kind);
    const informer = info && this.#informers.get(info);
    if (!informer) return undefined;
    // A cluster-scoped object naming a namespaced owner: not valid, and upstream never collects
    // on its account (namespacedOwnerOfClusterScopedObjectErr: the item is dropped, not retried).
    if (info.namespaced && !namespace) return undefined;
    const owner = informer.cache.get(ref.name, info.namespaced ? namespace : undefined);
    return owner && owner.metadata.uid === ref.uid ? owner : null;
  }

  /**
   * An owner as attemptToDeleteItem classifies it, from the caches: solid (there, and not being
   * deleted in the foreground), waiting (being deleted in the foreground), dangling (gone or
   * replaced). An owner of a kind not tracked counts as solid: never collect on its account.
   */
  #ownerState(ref: OwnerReference, namespace: string): 'solid' | 'waiting' | 'dangling' {
    const owner = this.#cachedOwner(ref, namespace);
    if (owner === undefined) return 'solid';
    if (owner === null) return 'dangling';
    return owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FOREGROUND) ? 'waiting' : 'solid';
  }

  #lookup = (ref: OwnerReference, namespace: string): 'present' | 'absent' | 'unknown' => {
    const owner = this.#cachedOwner(ref, namespace);
    return owner === undefined ? 'unknown' : owner === null ? 'absent' : 'present';
  };

  /**
   * dependentAction with every owner the caches call absent confirmed by a live GET, as
   * upstream's attemptToDeleteItem does: an owner created a moment ago may not be in its
   * informer's cache yet (a ReplicaSet whose pods' events arrived first), and deleting its
   * dependents then would be wrong.
   */
  async #confirmedDependentAction(obj: KubeObject, namespace: string | undefined): Promise<DependentAction> {
    const cached = dependentAction(obj, this.#lookup);
    if (cached.action === 'none') return cached;
    const live = new Map<string, 'present' | 'absent'>();
    for (const ref of obj.metadata.ownerReferences ?? []) {
      if (this.#lookup(ref, namespace ?? '') !== 'absent') continue;
      const info = findKind(ref.apiVersion, ref.kind)!;
      try {
        const owner = await this.#client.resource(info).get(ref.name, { namespace: info.namespaced ? namespace : undefined });
        live.set(ref.uid, owner.metadata.uid === ref.uid ? 'present' : 'absent');
      } catch (err) {
        if (!isNotFound(err)) throw err;
        live.set(ref.uid, 'absent');
      }
    }
    return dependentAction(obj, (ref, ns) => live.get(ref.uid) ?? this.#lookup(ref, ns));
  }

  async #sync(key: string): Promise<void> {
    const { info, namespace, name } = this.#parse(key);
    const obj = this.#informers.get(info)?.cache.get(name, info.namespaced ? namespace : undefined);
    if (!obj) return;
    const resource = this.#client.resource(info);
    const ns = info.namespaced ? namespace : undefined;
    // attemptToDeleteItem: being deleted is a one-way trip; such an object is not collected or
    // changed as a dependent, only its own foreground or orphan finalizer is worked off below.
    const dep: DependentAction = obj.metadata.deletionTimestamp ? { action: 'none' } : await this.#confirmedDependentAction(obj, ns);
    if (dep.action === 'delete') {
      await resource.delete(name, { namespace: ns, propagationPolicy: 'Background', preconditions: { uid: obj.metadata.uid } }).catch(ignoreNotFound);
      return;
    }
    if (dep.action === 'drop-owners') {
      const refs = (obj.metadata.ownerReferences ?? []).filter((r) => !dep.uids.includes(r.uid));
      await resource.patch(name, { metadata: { ownerReferences: refs, uid: obj.metadata.uid } }, { type: 'merge', namespace: ns, fieldManager: MANAGER }).catch(ignoreNotFound);
    }
    const dependents = [...(this.#dependents.get(obj.metadata.uid ?? '') ?? [])]
      .map((k) => {
        const d = this.#parse(k);
        return { key: d, obj: this.#informers.get(d.info)?.cache.get(d.name, d.info.namespaced ? d.namespace : undefined) };
      })
      .filter((d): d is { key: Key; obj: KubeObject } => !!d.obj);
    const act = ownerAction(obj, dependents.map((d) => d.obj));
    const byObj = new Map(dependents.map((d) => [d.obj, d.key]));
    switch (act.action) {
      case 'delete-dependents':
        for (const d of act.dependents) {
          const k = byObj.get(d)!;
          const dns = k.info.namespaced ? k.namespace : undefined;
          // attemptToDeleteItem: a dependent with another owner that is alive and not itself
          // waiting for its dependents is not deleted; it only loses its references to the owners
          // that are going ("has at least one existing owner, will not garbage collect").
          const going = (d.metadata.ownerReferences ?? []).filter((r) => r.uid === obj.metadata.uid || this.#ownerState(r, k.namespace) !== 'solid');
          if (going.length < (d.metadata.ownerReferences ?? []).length) {
            const refs = (d.metadata.ownerReferences ?? []).filter((r) => !going.includes(r));
            await this.#client.resource(k.info).patch(k.name, { metadata: { ownerReferences: refs, uid: d.metadata.uid } }, { type: 'merge', namespace: dns, fieldManager: MANAGER }).catch(ignoreNotFound);
            continue;
          }
          await this.#client.resource(k.info).delete(k.name, { namespace: dns, propagationPolicy: this.#dependentPolicy(d), preconditions: { uid: d.metadata.uid } }).catch(ignoreNotFound);
        }
        return;
      case 'orphan-dependents': {
        for (const d of act.dependents) {
          const k = byObj.get(d)!;
          const refs = (d.metadata.ownerReferences ?? []).filter((r) => r.uid !== obj.metadata.uid);
          // The uid makes the patch fail on a dependent recreated under the same name meanwhile.
          await this.#client.resource(k.info).patch(k.name, { metadata: { ownerReferences: refs.length ? refs : null, uid: d.metadata.uid } }, { type: 'merge', namespace: k.info.namespaced ? k.namespace : undefined, fieldManager: MANAGER }).catch(ignoreNotFound);
        }
        // attemptToOrphan: the dependents orphaned, the finalizer goes in the same step (nothing
        // would queue the owner again: its dependents' updates no longer name it).
        await this.#removeFinalizer({ resource, namespace: ns }, obj, ORPHAN);
        return;
      }
      case 'remove-finalizer':
        await this.#removeFinalizer({ resource, namespace: ns }, obj, act.finalizer);
        return;
    }
  }

  /**
   * How attemptToDeleteItem deletes a dependent of an owner waiting in foreground deletion: in
   * the foreground too when it has dependents of its own; otherwise as its own finalizers say
   * (orphan, foreground), else in the background (a Deployment's pods do not get
   * `foregroundDeletion`).
   */
  #dependentPolicy(dependent: KubeObject): 'Foreground' | 'Background' | 'Orphan' {
    if ((this.#dependents.get(dependent.metadata.uid ?? '')?.size ?? 0) > 0) return 'Foreground';
    const finalizers = dependent.metadata.finalizers ?? [];
    if (finalizers.includes(ORPHAN)) return 'Orphan';
    if (finalizers.includes(FOREGROUND)) return 'Foreground';
    return 'Background';
  }

  /**
   * The graph builder's OwnerRefInvalidNamespace warning (addDependentToOwners): an owner
   * reference of `obj`, newly added, names a namespaced owner that the caches hold (same uid) in
   * another namespace than `obj`'s (or `obj` is cluster-scoped). Such a reference can never be
   * resolved: owners are looked up in the dependent's namespace. One event at most, as upstream.
   */
  #reportInvalidNamespace(obj: KubeObject, refs: readonly OwnerReference[]): void {
    const namespace = obj.metadata.namespace ?? '';
    for (const ref of refs) {
      const info = findKind(ref.apiVersion, ref.kind);
      const informer = info?.namespaced ? this.#informers.get(info) : undefined;
      if (!informer) continue;
      // The usual case, answered from the cache without a scan: the owner is where it should be.
      if (namespace && informer.cache.get(ref.name, namespace)?.metadata.uid === ref.uid) continue;
      const elsewhere = informer.cache.list().find((o) => o.metadata.uid === ref.uid && o.metadata.name === ref.name);
      if (!elsewhere) continue;
      const identity = `[${ref.apiVersion}/${ref.kind}, namespace: ${namespace}, name: ${ref.name}, uid: ${ref.uid}]`;
      this.#events.event(obj, 'Warning', 'OwnerRefInvalidNamespace', `ownerRef ${identity} does not exist in namespace "${namespace}"`);
      return;
    }
  }

  /** Takes one finalizer off `obj` (a merge patch guarded by its resourceVersion). */
  async #removeFinalizer(target: { resource: ReturnType<Client['resource']>; namespace: string | undefined }, obj: KubeObject, finalizer: string): Promise<void> {
    const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    await target.resource
      .patch(obj.metadata.name!, { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: obj.metadata.resourceVersion } }, { type: 'merge', namespace: target.namespace, fieldManager: MANAGER })
      .catch(ignoreNotFound);
  }

  stop(): void {
    this.#queue.shutDown();
  }
}

function ignoreNotFound(err: unknown): void {
  if (!isNotFound(err)) throw err;
}
