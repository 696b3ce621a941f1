/**
 * @module The replicaset controller (kube-controller-manager's, pkg/controller/replicaset):
 * keeps `spec.replicas` pods running for every ReplicaSet. Informer handlers only enqueue
 * ReplicaSet keys and record what expectations have been met; `sync(key)` reads the caches,
 * claims pods (adopts matching orphans, releases owned pods that stopped matching), creates
 * missing pods in slow-start batches or deletes the surplus (least valuable first), and writes
 * the status. Events are upstream's: SuccessfulCreate "Created pod: x", SuccessfulDelete
 * "Deleted pod: x", FailedCreate "Error creating: ...", FailedDelete "Error deleting: ...".
 */
import { hasStatusCause, isNotFound, StatusError } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import { isEmptySelector, matches, selectorFromLabelSelector, type Selector } from '../../api/selectors/index.js';
import { objectKey, runWorkers, splitKey, WorkQueue, type Client, type Clock, type Informer, type ResourceClient } from '../../client/index.js';
import type { Controller, ControllerContext, EventRecorder } from '../controller.js';
import { claimObjects, CONTROLLER_UID_INDEX, controllerRefOf, controllerUIDIndex, newControllerRef, recheckDeletion } from './claim.js';
import { Expectations } from './expectations.js';
import { isPodActive, isPodReady, podFromTemplate, podKey, podsToDelete } from './pods.js';
import { calculateStatus, statusChanged } from './status.js';
import { specReplicas, type Pod, type ReplicaSet } from './types.js';

const PODS = findResource('', 'v1', 'pods')!;
const REPLICA_SETS = findResource('apps', 'v1', 'replicasets')!;
const GVK = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };
const MANAGER = 'replicaset-controller';

/** Upstream's burstReplicas: at most this many creates or deletes per sync. */
export const BURST_REPLICAS = 500;
/** controller.SlowStartInitialBatchSize. */
const SLOW_START_INITIAL_BATCH = 1;

export interface ReplicaSetControllerOptions {
  /** Concurrent syncs (kube-controller-manager's --concurrent-replicaset-syncs). Default 5. */
  workers?: number;
}

export class ReplicaSetController implements Controller {
  readonly name = 'replicaset';
  readonly #workers: number;
  #client!: Client;
  #events!: EventRecorder;
  #clock!: Clock;
  #queue!: WorkQueue<string>;
  #expectations!: Expectations;
  #rsInformer!: Informer<ReplicaSet>;
  #podInformer!: Informer<Pod>;

  constructor(options: ReplicaSetControllerOptions = {}) {
    this.#workers = options.workers ?? 5;
  }

  setup(ctx: ControllerContext): void {
    this.#client = ctx.client;
    this.#events = ctx.events;
    this.#clock = ctx.clock;
    this.#queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#expectations = new Expectations(ctx.clock);
    this.#rsInformer = ctx.informers.informer<ReplicaSet>(REPLICA_SETS, { indexers: { [CONTROLLER_UID_INDEX]: controllerUIDIndex } });
    this.#podInformer = ctx.informers.informer<Pod>(PODS);
    this.#rsInformer.addHandlers({
      onAdd: (rs) => this.#queue.add(objectKey(rs)),
      onUpdate: (old, cur) => {
        if (old.metadata.uid !== cur.metadata.uid) this.#expectations.delete(objectKey(old));
        this.#queue.add(objectKey(cur));
      },
      onDelete: (rs) => {
        this.#expectations.delete(objectKey(rs));
        this.#queue.add(objectKey(rs));
      },
    });
    this.#podInformer.addHandlers({
      onAdd: (pod) => this.#addPod(pod),
      onUpdate: (old, cur) => this.#updatePod(old, cur),
      onDelete: (pod) => this.#deletePod(pod),
    });
  }

  run(): Promise<void> {
    return runWorkers(this.#queue, (key) => this.sync(key), { workers: this.#workers });
  }

  stop(): void {
    this.#queue.shutDown();
  }

  /** The ReplicaSet a controller reference points at, if it is in the cache with that uid. */
  #resolve(namespace: string, ref: { kind: string; name: string; uid: string }): ReplicaSet | undefined {
    if (ref.kind !== GVK.kind) return undefined;
    const rs = this.#rsInformer.cache.get(ref.name, namespace);
    return rs?.metadata.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets whose (non-empty) selector matches the pod's labels. */
  #replicaSetsFor(pod: Pod): ReplicaSet[] {
    if (!Object.keys(pod.metadata.labels ?? {}).length) return [];
    return this.#rsInformer.cache.list(pod.metadata.namespace ?? '').filter((rs) => {
      const sel = selectorOrUndefined(rs);
      return sel !== undefined && !isEmptySelector(sel) && matches(sel, pod.metadata.labels);
    });
  }

  #addPod(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) {
      // A pod already being deleted when first seen (after a restart) is no creation.
      this.#deletePod(pod);
      return;
    }
    const ref = controllerRefOf(pod);
    if (ref) {
      const rs = this.#resolve(pod.metadata.namespace ?? '', ref);
      if (!rs) return;
      this.#expectations.creationObserved(objectKey(rs));
      this.#queue.add(objectKey(rs));
      return;
    }
    // An orphan: every matching ReplicaSet may want to adopt it.
    for (const rs of this.#replicaSetsFor(pod)) this.#queue.add(objectKey(rs));
  }

  #updatePod(old: Pod, cur: Pod): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    if (cur.metadata.deletionTimestamp) {
      // Graceful deletion started: count it as deleted now, so a replacement starts at once.
      this.#deletePod(cur);
      if (labelsChanged) this.#deletePod(old);
      return;
    }
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = JSON.stringify(curRef ?? null) !== JSON.stringify(oldRef ?? null);
    if (refChanged && oldRef) {
      const rs = this.#resolve(old.metadata.namespace ?? '', oldRef);
      if (rs) this.#queue.add(objectKey(rs));
    }
    if (curRef) {
      const rs = this.#resolve(cur.metadata.namespace ?? '', curRef);
      if (!rs) return;
      this.#queue.add(objectKey(rs));
      // Availability is time-based: look again once minReadySeconds have passed (+1 s for skew).
      const minReady = rs.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.#queue.addAfter(objectKey(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.#replicaSetsFor(cur)) this.#queue.add(objectKey(rs));
  }

  #deletePod(pod: Pod): void {
    const ref = controllerRefOf(pod);
    if (!ref) return;
    const rs = this.#resolve(pod.metadata.namespace ?? '', ref);
    if (!rs) return;
    this.#expectations.deletionObserved(objectKey(rs), podKey(pod));
    this.#queue.add(objectKey(rs));
  }

  /**
   * syncReplicaSet: idempotent; a ReplicaSet gone from the cache is done. Throws (to retry with
   * backoff) when claiming, creating, deleting or the status write failed.
   */
  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.#rsInformer.cache.get(name, namespace);
    if (!cached) {
      this.#expectations.delete(key);
      return;
    }
    const rs = structuredClone(cached);
    const needsSync = this.#expectations.satisfied(key);
    const selector = selectorOrUndefined(rs);
    if (!selector) {
      process.stderr.write(`kubito replicaset: ${key} has an invalid selector; not syncing it\n`);
      return;
    }
    const active = this.#podInformer.cache.list(namespace).filter(isPodActive);
    const pods = await claimObjects(active, {
      owner: rs,
      gvk: GVK,
      resource: this.#client.resource<Pod>(PODS),
      matches: (pod) => matches(selector, pod.metadata.labels),
      canAdopt: () => recheckDeletion(this.#client.resource(REPLICA_SETS), rs),
      fieldManager: MANAGER,
    });
    let manageError: Error | undefined;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      manageError = await this.#manageReplicas(rs, { key, pods }).then(
        () => undefined,
        (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
      );
    }
    const updated = await this.#writeStatus(rs, calculateStatus(rs, { pods, manageError, now: this.#clock.now() }));
    // Last line of defence against clock skew: look again once the ready pods must be available.
    const minReady = updated.spec?.minReadySeconds ?? 0;
    const replicas = specReplicas(updated);
    if (!manageError && minReady > 0 && (updated.status?.readyReplicas ?? 0) === replicas && (updated.status?.availableReplicas ?? 0) !== replicas) {
      this.#queue.addAfter(key, minReady * 1000);
    }
    if (manageError) throw manageError;
  }

  /** manageReplicas: creates the missing pods or deletes the surplus, recording expectations first. */
  async #manageReplicas(rs: ReplicaSet, { key, pods }: { key: string; pods: Pod[] }): Promise<void> {
    const diff = pods.length - specReplicas(rs);
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      this.#expectations.expectCreations(key, count);
      const { successes, error } = await slowStartBatch(() => this.#createPod(rs), { count, initial: SLOW_START_INITIAL_BATCH });
      // Pods never attempted will not be observed: stop expecting them.
      for (let i = successes; i < count; i++) this.#expectations.creationObserved(key);
      if (error) throw error;
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      const victims = podsToDelete(pods, { related: this.#relatedPods(rs), count, now: this.#clock.now() });
      this.#expectations.expectDeletions(key, victims.map(podKey));
      const errors: unknown[] = [];
      await Promise.all(
        victims.map((pod) =>
          this.#deletePodOf(rs, pod).catch((err: unknown) => {
            // The informer will not see this deletion: stop expecting it.
            this.#expectations.deletionObserved(key, podKey(pod));
            if (!isNotFound(err)) errors.push(err);
          }),
        ),
      );
      if (errors.length) throw errors[0];
    }
  }

  /**
   * getIndirectlyRelatedPods: the pods of every ReplicaSet with the same controller. A
   * ReplicaSet without a controller has none (getReplicaSetsWithSameController returns nil),
   * so none of its pods ranks as doubled up on a node.
   */
  #relatedPods(rs: ReplicaSet): Pod[] {
    const ref = controllerRefOf(rs);
    const siblings = ref ? this.#rsInformer.cache.byIndex(CONTROLLER_UID_INDEX, ref.uid) : [];
    const seen = new Set<string>();
    const related: Pod[] = [];
    for (const sibling of siblings) {
      const sel = selectorOrUndefined(sibling);
      if (!sel) continue;
      for (const pod of this.#podInformer.cache.list(sibling.metadata.namespace ?? '')) {
        const uid = pod.metadata.uid ?? podKey(pod);
        if (seen.has(uid) || !matches(sel, pod.metadata.labels)) continue;
        seen.add(uid);
        related.push(pod);
      }
    }
    return related;
  }

  /** RealPodControl.CreatePods: one pod from the template, and the event saying so. */
  async #createPod(rs: ReplicaSet): Promise<void> {
    const pod = podFromTemplate(rs.spec?.template ?? {}, { parent: rs, controllerRef: newControllerRef(rs, GVK) });
    if (!Object.keys(pod.metadata.labels ?? {}).length) throw new Error('unable to create pods, no labels');
    let created: Pod;
    try {
      created = await this.#client.resource<Pod>(PODS).create(pod, { namespace: rs.metadata.namespace, fieldManager: MANAGER, readOnlyResult: true });
    } catch (err) {
      // A terminating namespace refuses every create: nothing to report, nothing to retry.
      if (hasStatusCause(err, 'NamespaceTerminating')) return;
      this.#events.event(rs, 'Warning', 'FailedCreate', `Error creating: ${messageOf(err)}`);
      throw err;
    }
    this.#events.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  }

  /** RealPodControl.DeletePod. NotFound is passed on without an event (the pod was gone already). */
  async #deletePodOf(rs: ReplicaSet, pod: Pod): Promise<void> {
    const name = pod.metadata.name ?? '';
    try {
      await this.#client.resource<Pod>(PODS).delete(name, { namespace: rs.metadata.namespace });
    } catch (err) {
      if (isNotFound(err)) throw err;
      this.#events.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${messageOf(err)}`);
      throw new Error(`unable to delete pods: ${messageOf(err)}`);
    }
    this.#events.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  }

  /**
   * updateReplicaSetStatus: writes `status` (with observedGeneration = generation) unless
   * nothing changed; on failure gets the ReplicaSet fresh and tries once more.
   */
  async #writeStatus(rs: ReplicaSet, status: ReplicaSet['status'] & object): Promise<ReplicaSet> {
    if (!statusChanged(rs, status)) return rs;
    const next = { ...status };
    if (rs.metadata.generation) next.observedGeneration = rs.metadata.generation;
    const resource: ResourceClient<ReplicaSet> = this.#client.resource<ReplicaSet>(REPLICA_SETS);
    let target: ReplicaSet = rs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await resource.updateStatus({ ...target, status: next }, { fieldManager: MANAGER });
      } catch (err) {
        if (attempt >= 1) throw err;
        target = await resource.get(rs.metadata.name ?? '', { namespace: rs.metadata.namespace });
      }
    }
  }
}

function selectorOrUndefined(rs: ReplicaSet): Selector | undefined {
  try {
    return selectorFromLabelSelector(rs.spec?.selector);
  } catch {
    return undefined;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * slowStartBatch: calls `fn` `count` times in batches of 1, 2, 4, ... (concurrently within a
 * batch); stops after the first batch with a failure. Returns how many calls succeeded and
 * the first error.
 */
export async function slowStartBatch(fn: () => Promise<void>, { count, initial }: { count: number; initial: number }): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += size - failed.length;
    if (failed.length) return { successes, error: failed[0].reason };
    remaining -= size;
  }
  return { successes };
}
