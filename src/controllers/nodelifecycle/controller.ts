/**
 * @module kube-controller-manager's node lifecycle controller (pkg/controller/nodelifecycle), at
 * kubito's size. It records RegisteredNode / RemovingNode for nodes it sees come and go; keeps
 * each node's NoSchedule taints in step with its conditions and spec.unschedulable (`kubectl
 * cordon` shows node.kubernetes.io/unschedulable:NoSchedule, as on any cluster); every 5 s
 * checks each node's health signal (its Lease, its Ready heartbeat) and, past the 50 s grace
 * period, sets its conditions Unknown ("Kubelet stopped posting node status."), records
 * NodeNotReady and marks its pods not Ready (MarkPodsNotReady: the Services drop them); and
 * taints not-ready / unreachable nodes NoExecute, one node per 10 s (--node-eviction-rate 0.1),
 * unless every zone is fully disrupted — with kubito's one node, a node that stopped posting
 * is the whole cluster, so, as upstream, it is not tainted NoExecute and its pods stay (the
 * taint eviction controller would otherwise delete them after their 300 s toleration).
 * Decisions are pure (node-health.ts).
 */
import { isConflict, isNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import { swapTaints, sameTaint, type Taint } from '../../api/scheduling/taints.js';
import { metaTime, updatePodCondition, type PodCondition } from '../../api/pod-conditions.js';
import type { KubeObject } from '../../api/types.js';
import { runWorkers, WorkQueue, type Informer, type TimerHandle } from '../../client/index.js';
import type { Controller, ControllerContext } from '../controller.js';
import {
  assessNodeHealth,
  computeZoneState,
  condition,
  NODE_MONITOR_PERIOD_MS,
  NODE_NAME_INDEX,
  podNodeIndex,
  noExecuteTaintFor,
  noScheduleTaintChanges,
  NOT_READY_NO_EXECUTE,
  UNREACHABLE_NO_EXECUTE,
  zoneKey,
  type LifecycleNode,
  type NodeCondition,
  type NodeHealth,
  type ZoneState,
} from './node-health.js';

const NODES = findResource('', 'v1', 'nodes')!;
const PODS = findResource('', 'v1', 'pods')!;
const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;
const MANAGER = 'node-lifecycle-controller';
/** --node-eviction-rate: NoExecute taints per second in a zone in normal state (burst 1). */
const EVICTION_INTERVAL_MS = 10_000;
/** --secondary-node-eviction-rate (0.01/s), for zones of more than --large-cluster-size-threshold nodes in a partial disruption. */
const SECONDARY_EVICTION_INTERVAL_MS = 100_000;
const LARGE_CLUSTER_THRESHOLD = 50;

interface PodView extends KubeObject {
  spec: { nodeName?: string };
  status?: { conditions?: PodCondition[] };
}

export interface NodeLifecycleOptions {
  onError?: (message: string) => void;
}

export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle-controller';
  readonly #options: NodeLifecycleOptions;
  #ctx!: ControllerContext;
  #nodes!: Informer<LifecycleNode & KubeObject>;
  #pods!: Informer<PodView>;
  #leases!: Informer;
  #queue!: WorkQueue<string>;
  readonly #known = new Map<string, LifecycleNode>();
  readonly #health = new Map<string, NodeHealth>();
  /** Nodes waiting for their NoExecute taint (the zone's rate-limited queue), and when each zone may taint next. */
  readonly #toTaint = new Set<string>();
  /** Nodes whose pods could not all be marked not Ready: tried again on the next pass. */
  readonly #podsToRetry = new Set<string>();
  readonly #zoneNextTaint = new Map<string, number>();
  #zoneStates = new Map<string, ZoneState>();
  #zoneSizes = new Map<string, number>();
  #timer: TimerHandle | undefined;
  #stopped = false;
  #monitoring: Promise<void> = Promise.resolve();

  constructor(options: NodeLifecycleOptions = {}) {
    this.#options = options;
  }

  setup(ctx: ControllerContext): void {
    this.#ctx = ctx;
    this.#queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#nodes = ctx.informers.informer<LifecycleNode & KubeObject>(NODES);
    this.#pods = ctx.informers.informer<PodView>(PODS, { indexers: { [NODE_NAME_INDEX]: podNodeIndex } });
    this.#leases = ctx.informers.informer(LEASES, { namespace: 'kube-node-lease' });
    this.#nodes.addHandlers({ onAdd: (n) => this.#queue.add(n.metadata.name), onUpdate: (_o, n) => this.#queue.add(n.metadata.name) });
    // processPod: a pod newly bound to a node that is not Ready is marked not Ready at once.
    this.#pods.addHandlers({
      onAdd: (p) => this.#podBound(undefined, p),
      onUpdate: (o, p) => this.#podBound(o, p),
    });
  }

  run(): Promise<void> {
    const workers = runWorkers(this.#queue, (name) => this.#noScheduleTaints(name), { workers: 1, onError: (err, key) => this.#error(`node ${key}: ${String(err)}`) });
    this.#tick();
    return workers.then(() => this.#monitoring);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#ctx.clock.clearTimeout(this.#timer);
    this.#queue.shutDown();
  }

  /** One monitorNodeHealth pass now (tests), as the 5 s timer runs them. */
  monitorNow(): Promise<void> {
    this.#monitoring = this.#monitoring.then(() => this.#monitor()).catch((err: unknown) => this.#error(`monitoring node health: ${String(err)}`));
    return this.#monitoring;
  }

  #tick(): void {
    if (this.#stopped) return;
    void this.monitorNow().finally(() => {
      if (!this.#stopped) this.#timer = this.#ctx.clock.setTimeout(() => this.#tick(), NODE_MONITOR_PERIOD_MS);
    });
  }

  #error(message: string): void {
    (this.#options.onError ?? ((m: string) => console.error(`node-lifecycle-controller: ${m}`)))(message);
  }

  #event(node: LifecycleNode, reason: string, message: string): void {
    this.#ctx.events.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, uid: node.metadata.uid } } as KubeObject, 'Normal', reason, message);
  }

  async #swapTaints(node: LifecycleNode, add: Taint[], remove: Taint[]): Promise<void> {
    const taints = swapTaints(node.spec?.taints, add, remove);
    if (JSON.stringify(taints) === JSON.stringify(node.spec?.taints ?? [])) return;
    // The whole list, guarded by the resourceVersion read (a conflict is retried from the cache).
    await this.#ctx.client.resource(NODES).patch(node.metadata.name, { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints: taints.length ? taints : null } }, { type: 'merge', fieldManager: MANAGER });
  }

  async #noScheduleTaints(name: string): Promise<void> {
    const node = this.#nodes.cache.get(name);
    if (!node) return;
    const { add, remove } = noScheduleTaintChanges(node, metaTime(this.#ctx.clock.now()));
    if (!add.length && !remove.length) return;
    try {
      await this.#swapTaints(node, add, remove);
    } catch (err) {
      if (isNotFound(err)) return;
      if (isConflict(err)) return this.#queue.addAfter(name, 20);
      throw err;
    }
  }

  async #monitor(): Promise<void> {
    const now = this.#ctx.clock.now();
    const nodes = this.#nodes.cache.list();
    for (const node of nodes) {
      if (this.#known.has(node.metadata.name)) continue;
      this.#event(node, 'RegisteredNode', `Node ${node.metadata.name} event: Registered Node ${node.metadata.name} in Controller`);
      this.#known.set(node.metadata.name, node);
      await this.#markReachable(node).catch((err: unknown) => this.#error(`node ${node.metadata.name}: ${String(err)}`));
    }
    for (const [name, node] of this.#known) {
      if (nodes.some((n) => n.metadata.name === name)) continue;
      this.#event(node, 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
      this.#known.delete(name);
      this.#health.delete(name);
      this.#toTaint.delete(name);
      this.#podsToRetry.delete(name);
    }
    const zones = new Map<string, Array<NodeCondition | undefined>>();
    for (const node of nodes) {
      const current = await this.#updateHealth(node, now).catch((err: unknown) => {
        this.#error(`node ${node.metadata.name}: ${String(err)}`);
        return undefined;
      });
      if (current === undefined) continue;
      if (node.metadata.labels?.['node.kubernetes.io/exclude-disruption'] === undefined) {
        const zone = zoneKey(node);
        zones.set(zone, [...(zones.get(zone) ?? []), current ?? undefined]);
      }
    }
    await this.#handleDisruption(zones, nodes);
    await this.#noExecuteTaints(now);
  }

  /** tryUpdateNodeHealth and what follows it; the Ready condition after (null: none), undefined when the node could not be handled. */
  async #updateHealth(node: LifecycleNode, now: number): Promise<NodeCondition | null | undefined> {
    const lease = this.#leases.cache.get(node.metadata.name, 'kube-node-lease') as { spec?: { renewTime?: string } } | undefined;
    const verdict = assessNodeHealth(node, this.#health.get(node.metadata.name), lease?.spec?.renewTime, now);
    let written = node;
    if (verdict.conditions) {
      written = (await this.#ctx.client.resource(NODES).updateStatus({ ...(node as KubeObject), status: { ...(node as { status?: object }).status, conditions: verdict.conditions } } as KubeObject, { fieldManager: MANAGER })) as unknown as LifecycleNode;
      const ready = condition(written, 'Ready');
      verdict.health = { ...verdict.health, ready };
    }
    this.#health.set(node.metadata.name, verdict.health);
    const current = verdict.current;
    if (!current) return null;
    this.#processTaintBasedEviction(written, verdict.observed);
    // The pods go not Ready on the transition, and on each later pass while that failed
    // (nodesToRetry) and the node is still not Ready.
    const name = node.metadata.name;
    const transition = current.status !== 'True' && verdict.observed.status === 'True';
    if (transition || (this.#podsToRetry.has(name) && verdict.observed.status !== 'True')) {
      if (transition) this.#event(written, 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      try {
        await this.#markPodsNotReady(name);
      } catch (err) {
        this.#podsToRetry.add(name);
        throw err;
      }
    }
    this.#podsToRetry.delete(name);
    return current;
  }

  /** processTaintBaseEviction: not Ready → the NoExecute taint (queued; swapped at once if the other one is there); Ready → neither. */
  #processTaintBasedEviction(node: LifecycleNode, observed: NodeCondition): void {
    const want = noExecuteTaintFor(observed.status);
    const taints = node.spec?.taints ?? [];
    if (!want) {
      void this.#markReachable(node).catch((err: unknown) => this.#error(`node ${node.metadata.name}: ${String(err)}`));
      return;
    }
    if (taints.some((t) => sameTaint(t, want.opposite))) {
      void this.#swapTaints(node, [{ ...want.taint, timeAdded: metaTime(this.#ctx.clock.now()) }], [want.opposite]).catch((err: unknown) => this.#error(`node ${node.metadata.name}: ${String(err)}`));
      return;
    }
    if (!taints.some((t) => sameTaint(t, want.taint))) this.#toTaint.add(node.metadata.name);
  }

  async #markReachable(node: LifecycleNode): Promise<void> {
    this.#toTaint.delete(node.metadata.name);
    const fresh = this.#nodes.cache.get(node.metadata.name) ?? node;
    if ((fresh.spec?.taints ?? []).some((t) => sameTaint(t, UNREACHABLE_NO_EXECUTE) || sameTaint(t, NOT_READY_NO_EXECUTE))) {
      await this.#swapTaints(fresh, [], [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE]);
    }
  }

  /**
   * handleDisruption: a zone seen for the first time starts Initial; entering "every zone fully
   * disrupted" untaints every node and stops NoExecute tainting everywhere; leaving it restarts
   * every node's probe time; otherwise each zone takes its new state (which sets its rate:
   * `#taintInterval`).
   */
  async #handleDisruption(zones: Map<string, Array<NodeCondition | undefined>>, nodes: LifecycleNode[]): Promise<void> {
    const next = new Map<string, ZoneState>();
    for (const [zone, conditions] of zones) next.set(zone, computeZoneState(conditions).state);
    this.#zoneSizes = new Map([...zones].map(([zone, conditions]) => [zone, conditions.length]));
    for (const zone of next.keys()) if (!this.#zoneStates.has(zone)) this.#zoneStates.set(zone, 'Initial');
    for (const zone of [...this.#zoneStates.keys()]) if (!next.has(zone)) this.#zoneStates.delete(zone);
    // Both hold for no zone at all (every node excluded, or none): nothing changes then.
    const allAre = [...next.values()].every((s) => s === 'FullDisruption');
    const allWere = [...this.#zoneStates.values()].every((s) => s === 'FullDisruption');
    if (allAre && allWere) return;
    if (allAre) {
      for (const node of nodes) await this.#markReachable(node).catch((err: unknown) => this.#error(`node ${node.metadata.name}: ${String(err)}`));
    } else if (allWere) {
      // Leaving the disruption: every node's probe time starts again now.
      const now = this.#ctx.clock.now();
      for (const [name, h] of this.#health) this.#health.set(name, { ...h, probeTimestamp: now, readyTransitionTimestamp: now });
    }
    this.#zoneStates = next;
  }

  /**
   * The zone's NoExecute tainting interval (setLimiterInZone), undefined for none: none while
   * every zone is fully disrupted; --node-eviction-rate (0.1/s) in a Normal zone and in a fully
   * disrupted one (HealthyQPSFunc) beside others that are not; in a partial disruption
   * (ReducedQPSFunc) --secondary-node-eviction-rate (0.01/s) for a zone of more than
   * --large-cluster-size-threshold (50) nodes, else none.
   */
  #taintInterval(zone: string): number | undefined {
    const states = [...this.#zoneStates.values()];
    if (states.length > 0 && states.every((s) => s === 'FullDisruption')) return undefined;
    if (this.#zoneStates.get(zone) !== 'PartialDisruption') return EVICTION_INTERVAL_MS;
    return (this.#zoneSizes.get(zone) ?? 0) > LARGE_CLUSTER_THRESHOLD ? SECONDARY_EVICTION_INTERVAL_MS : undefined;
  }

  /** doNoExecuteTaintingPass: each zone taints its queued nodes at its rate (burst 1). */
  async #noExecuteTaints(now: number): Promise<void> {
    for (const name of [...this.#toTaint]) {
      const node = this.#nodes.cache.get(name);
      if (!node) {
        this.#toTaint.delete(name);
        continue;
      }
      const zone = zoneKey(node);
      const interval = this.#taintInterval(zone);
      if (interval === undefined || (this.#zoneNextTaint.get(zone) ?? 0) > now) continue;
      const want = noExecuteTaintFor(condition(node, 'Ready')?.status ?? '');
      this.#toTaint.delete(name);
      if (!want) continue;
      this.#zoneNextTaint.set(zone, now + interval);
      await this.#swapTaints(node, [{ ...want.taint, timeAdded: metaTime(now) }], [want.opposite]).catch((err: unknown) => {
        this.#toTaint.add(name);
        this.#error(`node ${name}: ${String(err)}`);
      });
    }
  }

  /** MarkPodsNotReady: each pod's Ready condition False (its transition time now), with a NodeNotReady event on the pod. */
  async #markPodsNotReady(nodeName: string, only?: PodView): Promise<void> {
    const pods = only ? [only] : this.#pods.cache.byIndex(NODE_NAME_INDEX, nodeName);
    let failed: unknown;
    for (const pod of pods) {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      const next = updatePodCondition(pod.status?.conditions, { ...ready, status: 'False' }, metaTime(this.#ctx.clock.now())).conditions;
      try {
        await this.#ctx.client.resource(PODS).patch(pod.metadata.name!, { metadata: { resourceVersion: pod.metadata.resourceVersion }, status: { conditions: next } }, { namespace: pod.metadata.namespace, subresource: 'status', type: 'merge', fieldManager: MANAGER });
      } catch (err) {
        if (isNotFound(err)) continue;
        failed ??= err;
        continue;
      }
      this.#ctx.events.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    }
    if (failed) throw failed;
  }

  #podBound(old: PodView | undefined, pod: PodView): void {
    const nodeName = pod.spec.nodeName;
    if (!nodeName || old?.spec.nodeName === nodeName) return;
    const ready = this.#health.get(nodeName)?.ready;
    if (!ready || ready.status === 'True') return;
    void this.#markPodsNotReady(nodeName, pod).catch((err: unknown) => this.#error(`pod ${pod.metadata.namespace}/${pod.metadata.name}: ${String(err)}`));
  }
}
