/**
 * @module kube-controller-manager's taint eviction controller (pkg/controller/tainteviction):
 * pods on a node with NoExecute taints they do not all tolerate are deleted at once; pods that
 * tolerate them for a while (tolerationSeconds, e.g. the 300 s DefaultTolerationSeconds adds)
 * are deleted when the least of those runs out, unless the taints go or the pod's tolerations
 * change first (the deletion is then cancelled, with an event). Before deleting, the pod gets
 * DisruptionTarget=True (DeletionByTaintManager). `kubectl taint nodes N key=value:NoExecute`
 * empties the node of every pod that does not tolerate it, as on any cluster.
 */
import { isNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import { matchingTolerations, minTolerationSeconds, type Taint, type Toleration } from '../../api/scheduling/taints.js';
import { metaTime, updatePodCondition, type PodCondition } from '../../api/pod-conditions.js';
import type { KubeObject } from '../../api/types.js';
import type { Informer, TimerHandle } from '../../client/index.js';
import type { Controller, ControllerContext } from '../controller.js';
import { NODE_NAME_INDEX, podNodeIndex } from './node-health.js';

const NODES = findResource('', 'v1', 'nodes')!;
const PODS = findResource('', 'v1', 'pods')!;
const MANAGER = 'taint-eviction-controller';
const DISRUPTION = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' };

interface TaintedNode extends KubeObject {
  spec?: { taints?: Taint[] };
}

interface EvictablePod extends KubeObject {
  spec: { nodeName?: string; tolerations?: Toleration[] };
  status?: { conditions?: PodCondition[] };
}

/** A pod's scheduled deletion: when it was scheduled (CreatedAt) and its timer. */
interface Scheduled {
  createdAt: number;
  timer: TimerHandle;
}

function noExecute(node: TaintedNode | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

export class TaintEvictionController implements Controller {
  readonly name = 'taint-eviction-controller';
  #ctx!: ControllerContext;
  #nodes!: Informer<TaintedNode>;
  #pods!: Informer<EvictablePod>;
  readonly #scheduled = new Map<string, Scheduled>();
  #stopped = false;
  #done!: () => void;
  readonly #onError: (message: string) => void;

  constructor(options: { onError?: (message: string) => void } = {}) {
    this.#onError = options.onError ?? ((m) => console.error(`taint-eviction-controller: ${m}`));
  }

  setup(ctx: ControllerContext): void {
    this.#ctx = ctx;
    this.#nodes = ctx.informers.informer<TaintedNode>(NODES);
    this.#pods = ctx.informers.informer<EvictablePod>(PODS, { indexers: { [NODE_NAME_INDEX]: podNodeIndex } });
    this.#nodes.addHandlers({
      onAdd: (n) => this.#nodeUpdated(undefined, n),
      onUpdate: (o, n) => this.#nodeUpdated(o, n),
    });
    this.#pods.addHandlers({
      onAdd: (p) => this.#podUpdated(undefined, p),
      onUpdate: (o, p) => this.#podUpdated(o, p),
      // handlePodUpdate of a pod gone: its pending deletion is cancelled, with the event.
      onDelete: (p) => this.#cancel(p, true),
    });
  }

  run(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    // Informer events start before run(); the work they schedule is timers, so nothing waits here.
    return new Promise((resolve) => (this.#done = resolve));
  }

  stop(): void {
    this.#stopped = true;
    for (const s of this.#scheduled.values()) this.#ctx.clock.clearTimeout(s.timer);
    this.#scheduled.clear();
    this.#done?.();
  }

  #nodeUpdated(old: TaintedNode | undefined, node: TaintedNode): void {
    const taints = noExecute(node);
    if (old && JSON.stringify(noExecute(old)) === JSON.stringify(taints)) return;
    const now = this.#ctx.clock.now();
    for (const pod of this.#pods.cache.byIndex(NODE_NAME_INDEX, node.metadata.name!)) this.#processPod(pod, taints, now);
  }

  #podUpdated(old: EvictablePod | undefined, pod: EvictablePod): void {
    if (old && old.spec.nodeName === pod.spec.nodeName && JSON.stringify(old.spec.tolerations ?? []) === JSON.stringify(pod.spec.tolerations ?? [])) return;
    if (!pod.spec.nodeName) return;
    const taints = noExecute(this.#nodes.cache.get(pod.spec.nodeName));
    if (!taints.length) return;
    this.#processPod(pod, taints, this.#ctx.clock.now());
  }

  /** processPodOnNode. */
  #processPod(pod: EvictablePod, taints: Taint[], now: number): void {
    if (this.#stopped) return;
    if (!taints.length) return this.#cancel(pod, true);
    const { allTolerated, used } = matchingTolerations(taints, pod.spec.tolerations);
    if (!allTolerated) {
      this.#cancel(pod, true);
      return this.#schedule(pod, now, 0);
    }
    const seconds = minTolerationSeconds(used);
    if (seconds === undefined) return this.#cancel(pod, true);
    const existing = this.#scheduled.get(key(pod));
    if (existing) {
      // Scheduled earlier: the deadline counts from then.
      if (existing.createdAt + seconds * 1000 < now + seconds * 1000) return;
      this.#cancel(pod, true);
    }
    this.#schedule(pod, existing?.createdAt ?? now, seconds * 1000);
  }

  #schedule(pod: EvictablePod, createdAt: number, delayMs: number): void {
    const k = key(pod);
    const evict = () => void this.#evict(pod).catch((err: unknown) => this.#onError(`deleting pod ${k}: ${String(err)}`));
    if (delayMs <= 0) return evict();
    const timer = this.#ctx.clock.setTimeout(() => {
      this.#scheduled.delete(k);
      evict();
    }, delayMs);
    this.#scheduled.set(k, { createdAt, timer });
  }

  #cancel(pod: EvictablePod, withEvent: boolean): void {
    const k = key(pod);
    const s = this.#scheduled.get(k);
    if (!s) return;
    this.#ctx.clock.clearTimeout(s.timer);
    this.#scheduled.delete(k);
    if (withEvent) this.#event(pod, `Cancelling deletion of Pod ${k}`);
  }

  /** The event names the pod by namespace and name only (the controller's ObjectReference has no uid). */
  #event(pod: EvictablePod, message: string): void {
    this.#ctx.events.event({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace } } as KubeObject, 'Normal', 'TaintManagerEviction', message);
  }

  /** deletePodHandler: the event, DisruptionTarget=True on the pod as it is now, then a delete with default options. */
  async #evict(pod: EvictablePod): Promise<void> {
    if (this.#stopped) return;
    const name = pod.metadata.name!;
    const namespace = pod.metadata.namespace;
    this.#event(pod, `Marking for deletion Pod ${key(pod)}`);
    const pods = this.#ctx.client.resource<EvictablePod>(PODS);
    try {
      const current = await pods.get(name, { namespace });
      // UpdatePodCondition: written unless nothing would change; PatchPodStatus: a strategic
      // merge patch of that one condition with the pod's uid, no resourceVersion — the kubelet's
      // own status writes meanwhile neither conflict with it nor get undone by it.
      const { conditions, changed } = updatePodCondition(current.status?.conditions, DISRUPTION, metaTime(this.#ctx.clock.now()));
      if (changed) {
        const target = conditions.find((c) => c.type === DISRUPTION.type);
        await pods.patch(name, { metadata: { uid: current.metadata.uid }, status: { conditions: [target] } }, { namespace, subresource: 'status', type: 'strategic', fieldManager: MANAGER });
      }
      await pods.delete(name, { namespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

function key(pod: KubeObject): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}
