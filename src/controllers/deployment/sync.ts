/**
 * @module One sync of one Deployment (sync.go and progress.go): finding or creating the new
 * ReplicaSet and keeping revisions in step, proportional scaling, cleanup of old ReplicaSets
 * beyond revisionHistoryLimit, the paused condition, and status writes. A `DeploymentSync`
 * holds the Deployment copy being worked on and the ReplicaSets as last seen or written in
 * this sync; every write goes through the client, every read through the caches. Events are
 * upstream's: ScalingReplicaSet "Scaled up replica set web-7c5ddbdf54 from 0 to 2" and
 * ReplicaSetCreateError.
 */
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { LabelSelector } from '../../api/selectors/index.js';
import type { Client, Clock, ObjectCache } from '../../client/index.js';
import type { EventRecorder } from '../controller.js';
import { controllerRefOf, newControllerRef } from '../replicaset/claim.js';
import { hasStatusCause } from '../../api/errors.js';
import { formatTime, specReplicas, type Pod, type ReplicaSet } from '../replicaset/types.js';
import { desiredReplicasAnnotation, maxRevision, replicasAnnotationsNeedUpdate, setDeploymentRevision, setNewReplicaSetAnnotations, setReplicasAnnotations } from './annotations.js';
import { FAILED_RS_CREATE, FOUND_NEW_RS, getCondition, NEW_REPLICA_SET, newCondition, PAUSED, PROGRESSING, RESUMED, setCondition, TIMED_OUT } from './conditions.js';
import { computeHash } from './hash.js';
import {
  bySizeNewer,
  bySizeOlder,
  byRevision,
  equalIgnoreHash,
  filterActive,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  getProportion,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  newRSNewReplicas,
  specReplicaCount,
} from './replica-sets.js';
import { calculateStatus, compactStatus, deploymentComplete, hasProgressDeadline, hasRevisionHistoryLimit, rolloutStatus, sameStatus } from './status.js';
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, ROLLBACK_TO_ANNOTATION, type DefaultedDeployment, type DeploymentStatus } from './types.js';

const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
const REPLICA_SETS = findResource('apps', 'v1', 'replicasets')!;
export const DEPLOYMENT_GVK = { apiVersion: 'apps/v1', kind: 'Deployment' };
export const MANAGER = 'deployment-controller';

/** What a sync needs from its controller. */
export interface SyncDeps {
  client: Client;
  events: EventRecorder;
  clock: Clock;
  replicaSets: ObjectCache<ReplicaSet>;
  /** Syncs this Deployment again after `ms` (a progress-deadline check). */
  requeueAfter(ms: number): void;
  /** Syncs it again soon, rate-limited. */
  requeueRateLimited(): void;
}

export interface AllReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

export class DeploymentSync {
  readonly d: DefaultedDeployment;
  /** Pods of the Deployment by the uid of the ReplicaSet controlling them. */
  readonly podMap: Map<string, Pod[]>;
  readonly #deps: SyncDeps;
  /** The Deployment's ReplicaSets, replaced by what the API returned after each write. */
  #rsList: ReplicaSet[];

  constructor(deps: SyncDeps, { d, rsList, podMap }: { d: DefaultedDeployment; rsList: ReplicaSet[]; podMap: Map<string, Pod[]> }) {
    this.#deps = deps;
    this.d = d;
    this.#rsList = [...rsList];
    this.podMap = podMap;
  }

  now(): number {
    return this.#deps.clock.now();
  }

  #remember(rs: ReplicaSet): ReplicaSet {
    const i = this.#rsList.findIndex((r) => r.metadata.uid === rs.metadata.uid);
    if (i >= 0) this.#rsList[i] = rs;
    else this.#rsList.push(rs);
    return rs;
  }

  #normal(reason: string, message: string): void {
    this.#deps.events.event(this.d, 'Normal', reason, message);
  }

  #warning(reason: string, message: string): void {
    this.#deps.events.event(this.d, 'Warning', reason, message);
  }

  /** Writes the Deployment's status (annotations ride along, as on kube-apiserver's status subresource). */
  async updateStatus(): Promise<void> {
    this.d.status = compactStatus(this.d.status);
    const written = await this.#deps.client.resource(DEPLOYMENTS).updateStatus(this.d, { fieldManager: MANAGER });
    // Later writes in this sync build on this one, not on the version that was read.
    this.d.metadata.resourceVersion = written.metadata.resourceVersion;
  }

  /** getAllReplicaSetsAndSyncRevision. */
  async allReplicaSets(create: boolean): Promise<AllReplicaSets> {
    const { all } = findOldReplicaSets(this.d, this.#rsList);
    const newRS = await this.#newReplicaSet(all, create);
    return { newRS, oldRSs: all };
  }

  /**
   * getNewReplicaSet: the ReplicaSet with the Deployment's template, its annotations and
   * minReadySeconds brought in line and the Deployment's revision synced to it; or, with
   * `create`, a new one named `<deployment>-<pod-template-hash>`. A name taken by a ReplicaSet
   * that is not this Deployment's with this template is a hash collision: collisionCount goes
   * up and the sync is retried.
   */
  async #newReplicaSet(oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const rsClient = this.#deps.client.resource<ReplicaSet>(REPLICA_SETS);
    const existing = findNewReplicaSet(d, this.#rsList);
    const newRevision = String(maxRevision(oldRSs) + 1);
    const now = formatTime(this.now());
    if (existing) {
      const copy = structuredClone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, { rs: copy, newRevision, exists: true, maxSurge: maxSurge(d) });
      const minReady = d.spec.minReadySeconds ?? 0;
      if (annotationsUpdated || (copy.spec?.minReadySeconds ?? 0) !== minReady) {
        copy.spec = { ...copy.spec, minReadySeconds: minReady };
        if (!minReady) delete copy.spec.minReadySeconds;
        return this.#remember(await rsClient.update(copy, { fieldManager: MANAGER }));
      }
      let needsUpdate = setDeploymentRevision(d, copy.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
      if (hasProgressDeadline(d) && !getCondition(d.status, PROGRESSING)) {
        setCondition(d.status, newCondition(PROGRESSING, { status: 'True', reason: FOUND_NEW_RS, message: `Found new replica set "${copy.metadata.name}"`, now: now }));
        needsUpdate = true;
      }
      if (needsUpdate) await this.updateStatus();
      return copy;
    }
    if (!create) return undefined;

    const hash = computeHash(d.spec.template, d.status.collisionCount);
    const template = structuredClone(d.spec.template ?? {});
    template.metadata = { ...template.metadata, labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
    const name = `${d.metadata.name}-${hash}`;
    const newRS: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace: d.metadata.namespace, labels: { ...template.metadata.labels }, ownerReferences: [newControllerRef(d, DEPLOYMENT_GVK)] },
      spec: { replicas: 0, selector: selectorWithLabels(d.spec.selector, { [POD_TEMPLATE_HASH_LABEL]: hash }), template },
    };
    if (d.spec.minReadySeconds) newRS.spec!.minReadySeconds = d.spec.minReadySeconds;
    const replicas = newRSNewReplicas(d, { allRSs: [...oldRSs, newRS], newRS });
    newRS.spec!.replicas = replicas;
    setNewReplicaSetAnnotations(d, { rs: newRS, newRevision, exists: false, maxSurge: maxSurge(d) });

    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = await rsClient.create(newRS, { namespace: d.metadata.namespace, fieldManager: MANAGER });
    } catch (err) {
      if (isAlreadyExists(err)) {
        // A slow cache, or a collision with a ReplicaSet this template does not own.
        const rs = this.#deps.replicaSets.get(name, d.metadata.namespace);
        if (!rs) throw new Error(`replica set "${name}" already exists but is not in the cache yet`);
        const ref = controllerRefOf(rs);
        if (ref?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, rs.spec?.template)) {
          created = rs;
          alreadyExists = true;
        } else {
          d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
          await this.updateStatus().catch(() => undefined);
          throw err;
        }
      } else {
        if (hasStatusCause(err, 'NamespaceTerminating')) throw err;
        const msg = `Failed to create new replica set "${name}": ${err instanceof Error ? err.message : String(err)}`;
        if (hasProgressDeadline(d)) {
          setCondition(d.status, newCondition(PROGRESSING, { status: 'False', reason: FAILED_RS_CREATE, message: msg, now: now }));
          // The bigger problem is the failed create; a failed status write is not worth reporting.
          await this.updateStatus().catch(() => undefined);
        }
        this.#warning(FAILED_RS_CREATE, msg);
        throw err;
      }
    }
    this.#remember(created);
    if (!alreadyExists && replicas > 0) this.#normal('ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
    let needsUpdate = setDeploymentRevision(d, newRevision);
    if (!alreadyExists && hasProgressDeadline(d)) {
      setCondition(d.status, newCondition(PROGRESSING, { status: 'True', reason: NEW_REPLICA_SET, message: `Created new replica set "${created.metadata.name}"`, now: now }));
      needsUpdate = true;
    }
    if (needsUpdate) await this.updateStatus();
    return created;
  }

  /** scaleReplicaSetAndRecordEvent. */
  async scaleAndRecord(rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    if (specReplicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, { replicas: newScale, operation: specReplicas(rs) < newScale ? 'up' : 'down' });
  }

  /** scaleReplicaSet: sets spec.replicas and the replicas annotations; the event when the size changed. */
  async scaleReplicaSet(rs: ReplicaSet, { replicas: newScale, operation }: { replicas: number; operation: string }): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const d = this.d;
    const max = d.spec.replicas + maxSurge(d);
    const sizeNeedsUpdate = specReplicas(rs) !== newScale;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, { desired: d.spec.replicas, max })) return { scaled: false, rs };
    const oldScale = specReplicas(rs);
    const copy = structuredClone(rs);
    copy.spec = { ...copy.spec, replicas: newScale };
    setReplicasAnnotations(copy, { desired: d.spec.replicas, max });
    const updated = this.#remember(await this.#deps.client.resource<ReplicaSet>(REPLICA_SETS).update(copy, { fieldManager: MANAGER }));
    if (sizeNeedsUpdate) this.#normal('ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata.name} from ${oldScale} to ${newScale}`);
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  /**
   * scale: on a scaling event (or while paused). One active ReplicaSet takes the whole size; a
   * saturated new one makes the old ones go to 0; otherwise (rolling) the change is spread over
   * the active ReplicaSets in proportion to their size, leftovers to the largest.
   */
  async scale(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const d = this.d;
    const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (specReplicas(activeOrLatest) === d.spec.replicas) return;
      await this.scaleAndRecord(activeOrLatest, d.spec.replicas);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of filterActive(oldRSs)) await this.scaleAndRecord(old, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const allRSs = filterActive([...oldRSs, newRS]);
    const allowed = d.spec.replicas > 0 ? d.spec.replicas + maxSurge(d) : 0;
    const toAdd = allowed - specReplicaCount(allRSs);
    let operation = '';
    if (toAdd > 0) {
      allRSs.sort(bySizeNewer);
      operation = 'up';
    } else if (toAdd < 0) {
      allRSs.sort(bySizeOlder);
      operation = 'down';
    }
    let added = 0;
    const sizes = new Map<string, number>();
    for (const rs of allRSs) {
      if (toAdd === 0) {
        sizes.set(rs.metadata.name ?? '', specReplicas(rs));
        continue;
      }
      const proportion = getProportion(d, { rs, toAdd, added });
      sizes.set(rs.metadata.name ?? '', specReplicas(rs) + proportion);
      added += proportion;
    }
    for (const [i, rs] of allRSs.entries()) {
      const name = rs.metadata.name ?? '';
      if (i === 0 && toAdd !== 0) sizes.set(name, Math.max(0, sizes.get(name)! + toAdd - added));
      await this.scaleReplicaSet(rs, { replicas: sizes.get(name)!, operation });
    }
  }

  /**
   * cleanupDeployment: deletes the oldest old ReplicaSets beyond revisionHistoryLimit, those
   * without pods, whose spec was observed, and that are not being deleted already.
   */
  async cleanupDeployment(oldRSs: ReplicaSet[]): Promise<void> {
    if (!hasRevisionHistoryLimit(this.d)) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
    const diff = cleanable.length - (this.d.spec.revisionHistoryLimit ?? 0);
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i];
      if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata.deletionTimestamp) continue;
      await this.#deps.client
        .resource(REPLICA_SETS)
        .delete(rs.metadata.name ?? '', { namespace: rs.metadata.namespace })
        .catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
    }
  }

  /** syncDeploymentStatus: writes calculateStatus when it differs. */
  async syncDeploymentStatus(allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined): Promise<void> {
    const next = calculateStatus(this.d, { allRSs, newRS, now: this.now() });
    if (sameStatus(this.d.status, next)) return;
    this.d.status = next;
    await this.updateStatus();
  }

  /** syncRolloutStatus: writes rolloutStatus when it differs, else checks whether the rollout may be stuck. */
  async syncRolloutStatus(allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined): Promise<void> {
    const next = rolloutStatus(this.d, { allRSs, newRS, now: this.now() });
    if (sameStatus(this.d.status, next)) {
      this.#requeueStuck(next);
      return;
    }
    this.d.status = next;
    await this.updateStatus();
  }

  /** requeueStuckDeployment: look again when the progress deadline would pass. */
  #requeueStuck(next: DeploymentStatus): void {
    const cond = getCondition(this.d.status, PROGRESSING);
    if (!hasProgressDeadline(this.d) || !cond) return;
    if (deploymentComplete(this.d, next) || cond.reason === TIMED_OUT) return;
    const last = Date.parse(cond.lastUpdateTime ?? '');
    const after = (Number.isNaN(last) ? 0 : last) + (this.d.spec.progressDeadlineSeconds ?? 0) * 1000 - this.now();
    if (after < 1000) this.#deps.requeueRateLimited();
    else this.#deps.requeueAfter(after + 1000);
  }

  /** checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed, unless timed out. */
  async checkPausedConditions(): Promise<void> {
    const d = this.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, PROGRESSING);
    if (cond?.reason === TIMED_OUT) return;
    const pausedCond = cond?.reason === PAUSED;
    const now = formatTime(this.now());
    if (d.spec.paused && !pausedCond) setCondition(d.status, newCondition(PROGRESSING, { status: 'Unknown', reason: PAUSED, message: 'Deployment is paused', now: now }));
    else if (!d.spec.paused && pausedCond) setCondition(d.status, newCondition(PROGRESSING, { status: 'Unknown', reason: RESUMED, message: 'Deployment is resumed', now: now }));
    else return;
    await this.updateStatus();
  }

  /** isScalingEvent: an active ReplicaSet was sized for another spec.replicas. */
  async isScalingEvent(): Promise<boolean> {
    const { newRS, oldRSs } = await this.allReplicaSets(false);
    return filterActive([...oldRSs, newRS]).some((rs) => {
      const desired = desiredReplicasAnnotation(rs);
      return desired !== undefined && desired !== this.d.spec.replicas;
    });
  }

  /** sync: scaling events and paused Deployments; no rollout. */
  async sync(): Promise<void> {
    const { newRS, oldRSs } = await this.allReplicaSets(false);
    await this.scale(newRS, oldRSs);
    if (this.d.spec.paused && !this.d.metadata.annotations?.[ROLLBACK_TO_ANNOTATION]) await this.cleanupDeployment(oldRSs);
    await this.syncDeploymentStatus([...oldRSs, newRS], newRS);
  }

  /** syncStatusOnly: a Deployment being deleted only gets its status updated. */
  async syncStatusOnly(): Promise<void> {
    const { newRS, oldRSs } = await this.allReplicaSets(false);
    await this.syncDeploymentStatus([...oldRSs, newRS], newRS);
  }
}

/** labelsutil.CloneSelectorAndAddLabel. */
function selectorWithLabels(selector: LabelSelector | null | undefined, labels: Record<string, string>): LabelSelector {
  const out: LabelSelector = { matchLabels: { ...(selector?.matchLabels ?? {}), ...labels } };
  if (selector?.matchExpressions?.length) out.matchExpressions = structuredClone(selector.matchExpressions);
  return out;
}
