/**
 * @module The deployment controller (kube-controller-manager's, pkg/controller/deployment):
 * rolls Deployments out through ReplicaSets named `<deployment>-<pod-template-hash>`.
 * Informer handlers only enqueue Deployment keys; `sync(key)` reads the caches, claims the
 * Deployment's ReplicaSets (adopting matching orphans, releasing those that stopped
 * matching), and then, in upstream's order: status only while being deleted; the paused
 * condition; scaling only while paused or on a scaling event; otherwise a Recreate or
 * RollingUpdate step. Pods are read to tell when a Recreate may start its new pods.
 */
import { findResource } from '../../api/resources.js';
import { isEmptySelector, matches, selectorFromLabelSelector, type Selector } from '../../api/selectors/index.js';
import { objectKey, runWorkers, splitKey, WorkQueue, type Client, type Clock, type Informer } from '../../client/index.js';
import type { Controller, ControllerContext, EventRecorder } from '../controller.js';
import { claimObjects, CONTROLLER_UID_INDEX, controllerRefOf, controllerUIDIndex, recheckDeletion } from '../replicaset/claim.js';
import type { Pod, ReplicaSet } from '../replicaset/types.js';
import { rolloutRecreate, rolloutRolling } from './rollout.js';
import { DEPLOYMENT_GVK, DeploymentSync, MANAGER } from './sync.js';
import { withDefaults, type DefaultedDeployment, type Deployment } from './types.js';

const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
const REPLICA_SETS = findResource('apps', 'v1', 'replicasets')!;
const PODS = findResource('', 'v1', 'pods')!;

/** Upstream drops a Deployment from the queue after this many failed syncs in a row. */
const MAX_RETRIES = 15;

export interface DeploymentControllerOptions {
  /** Concurrent syncs (kube-controller-manager's --concurrent-deployment-syncs). Default 5. */
  workers?: number;
}

export class DeploymentController implements Controller {
  readonly name = 'deployment';
  readonly #workers: number;
  #client!: Client;
  #events!: EventRecorder;
  #clock!: Clock;
  #queue!: WorkQueue<string>;
  #deployments!: Informer<Deployment>;
  #replicaSets!: Informer<ReplicaSet>;
  #pods!: Informer<Pod>;

  constructor(options: DeploymentControllerOptions = {}) {
    this.#workers = options.workers ?? 5;
  }

  setup(ctx: ControllerContext): void {
    this.#client = ctx.client;
    this.#events = ctx.events;
    this.#clock = ctx.clock;
    this.#queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#deployments = ctx.informers.informer<Deployment>(DEPLOYMENTS);
    this.#replicaSets = ctx.informers.informer<ReplicaSet>(REPLICA_SETS, { indexers: { [CONTROLLER_UID_INDEX]: controllerUIDIndex } });
    this.#pods = ctx.informers.informer<Pod>(PODS);
    const enqueue = (d: Deployment): void => this.#queue.add(objectKey(d));
    this.#deployments.addHandlers({ onAdd: enqueue, onUpdate: (_old, cur) => enqueue(cur), onDelete: enqueue });
    this.#replicaSets.addHandlers({
      onAdd: (rs) => this.#addReplicaSet(rs),
      onUpdate: (old, cur) => this.#updateReplicaSet(old, cur),
      onDelete: (rs) => this.#deleteReplicaSet(rs),
    });
    this.#pods.addHandlers({ onDelete: (pod) => this.#deletePod(pod) });
  }

  run(): Promise<void> {
    return runWorkers(this.#queue, (key) => this.sync(key), { workers: this.#workers, maxRetries: MAX_RETRIES });
  }

  stop(): void {
    this.#queue.shutDown();
  }

  #resolve(namespace: string, ref: { kind: string; name: string; uid: string }): Deployment | undefined {
    if (ref.kind !== DEPLOYMENT_GVK.kind) return undefined;
    const d = this.#deployments.cache.get(ref.name, namespace);
    return d?.metadata.uid === ref.uid ? d : undefined;
  }

  /** GetDeploymentsForReplicaSet: Deployments whose (non-empty) selector matches the ReplicaSet's labels. */
  #deploymentsFor(rs: ReplicaSet): Deployment[] {
    if (!Object.keys(rs.metadata.labels ?? {}).length) return [];
    return this.#deployments.cache.list(rs.metadata.namespace ?? '').filter((d) => {
      const sel = selectorOf(d);
      return sel !== undefined && !isEmptySelector(sel) && matches(sel, rs.metadata.labels);
    });
  }

  #addReplicaSet(rs: ReplicaSet): void {
    if (rs.metadata.deletionTimestamp) {
      this.#deleteReplicaSet(rs);
      return;
    }
    const ref = controllerRefOf(rs);
    if (ref) {
      const d = this.#resolve(rs.metadata.namespace ?? '', ref);
      if (d) this.#queue.add(objectKey(d));
      return;
    }
    for (const d of this.#deploymentsFor(rs)) this.#queue.add(objectKey(d));
  }

  #updateReplicaSet(old: ReplicaSet, cur: ReplicaSet): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = JSON.stringify(curRef ?? null) !== JSON.stringify(oldRef ?? null);
    if (refChanged && oldRef) {
      const d = this.#resolve(old.metadata.namespace ?? '', oldRef);
      if (d) this.#queue.add(objectKey(d));
    }
    if (curRef) {
      const d = this.#resolve(cur.metadata.namespace ?? '', curRef);
      if (d) this.#queue.add(objectKey(d));
      return;
    }
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    if (labelsChanged || refChanged) for (const d of this.#deploymentsFor(cur)) this.#queue.add(objectKey(d));
  }

  #deleteReplicaSet(rs: ReplicaSet): void {
    const ref = controllerRefOf(rs);
    const d = ref && this.#resolve(rs.metadata.namespace ?? '', ref);
    if (d) this.#queue.add(objectKey(d));
  }

  /** A Recreate Deployment waits for its old pods to go: sync it once the last one went. */
  #deletePod(pod: Pod): void {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = this.#replicaSets.cache.get(ref.name, pod.metadata.namespace);
    if (!rs || rs.metadata.uid !== ref.uid) return;
    const dRef = controllerRefOf(rs);
    const d = dRef && this.#resolve(rs.metadata.namespace ?? '', dRef);
    if (!d || d.spec?.strategy?.type !== 'Recreate') return;
    const sel = selectorOf(d);
    if (!sel) return;
    const owned = this.#replicaSets.cache.byIndex(CONTROLLER_UID_INDEX, d.metadata.uid ?? '').filter((r) => matches(sel, r.metadata.labels));
    const pods = [...this.#podMap(d, { selector: sel, rsList: owned }).values()].reduce((n, list) => n + list.length, 0);
    if (pods === 0) this.#queue.add(objectKey(d));
  }

  /** getPodMapForDeployment: the Deployment's pods (finished ones too) by controlling ReplicaSet uid. */
  #podMap(d: Deployment, { selector, rsList }: { selector: Selector; rsList: readonly ReplicaSet[] }): Map<string, Pod[]> {
    const map = new Map<string, Pod[]>(rsList.map((rs) => [rs.metadata.uid ?? '', []]));
    for (const pod of this.#pods.cache.list(d.metadata.namespace ?? '')) {
      if (!matches(selector, pod.metadata.labels)) continue;
      const ref = controllerRefOf(pod);
      map.get(ref?.uid ?? '\u0000')?.push(pod);
    }
    return map;
  }

  /**
   * syncDeployment: idempotent; a Deployment gone from the cache is done. Throws to retry
   * with backoff (15 times, as upstream, then the key is dropped until the next change).
   */
  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.#deployments.cache.get(name, namespace);
    if (!cached) return;
    const d = withDefaults(cached);
    if (selectsEverything(d)) {
      this.#events.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status.observedGeneration = d.metadata.generation;
        await this.#client.resource(DEPLOYMENTS).updateStatus(d, { fieldManager: MANAGER }).catch(() => undefined);
      }
      return;
    }
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(d.spec.selector);
    } catch (err) {
      throw new Error(`deployment ${namespace}/${name} has invalid label selector: ${err instanceof Error ? err.message : String(err)}`);
    }
    const rsList = await this.#claimReplicaSets(d, selector);
    const s = new DeploymentSync(
      {
        client: this.#client,
        events: this.#events,
        clock: this.#clock,
        replicaSets: this.#replicaSets.cache,
        requeueAfter: (ms) => this.#queue.addAfter(key, ms),
        requeueRateLimited: () => this.#queue.addRateLimited(key),
      },
      { d, rsList, podMap: this.#podMap(d, { selector, rsList }) },
    );
    if (d.metadata.deletionTimestamp) return s.syncStatusOnly();
    await s.checkPausedConditions();
    if (d.spec.paused) return s.sync();
    // apps/v1 has no rollbackTo (kubectl rolls back by writing the old template), so the
    // deprecated rollback annotation is not acted on.
    if (await s.isScalingEvent()) return s.sync();
    switch (d.spec.strategy.type) {
      case 'Recreate':
        return rolloutRecreate(s);
      case 'RollingUpdate':
        return rolloutRolling(s);
      default:
        throw new Error(`unexpected deployment strategy type: ${d.spec.strategy.type}`);
    }
  }

  /** getReplicaSetsForDeployment: ClaimReplicaSets over every ReplicaSet in the namespace. */
  #claimReplicaSets(d: DefaultedDeployment, selector: Selector): Promise<ReplicaSet[]> {
    return claimObjects(this.#replicaSets.cache.list(d.metadata.namespace ?? ''), {
      owner: d,
      gvk: DEPLOYMENT_GVK,
      resource: this.#client.resource<ReplicaSet>(REPLICA_SETS),
      matches: (rs) => matches(selector, rs.metadata.labels),
      canAdopt: () => recheckDeletion(this.#client.resource(DEPLOYMENTS), d),
      fieldManager: MANAGER,
    });
  }
}

function selectorOf(d: Deployment): Selector | undefined {
  try {
    return selectorFromLabelSelector(d.spec?.selector);
  } catch {
    return undefined;
  }
}

/** A selector with neither matchLabels nor matchExpressions (metav1.LabelSelector{}). */
function selectsEverything(d: DefaultedDeployment): boolean {
  const sel = d.spec.selector;
  return !!sel && !Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length;
}
