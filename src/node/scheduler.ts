/**
 * @module The single-node scheduler inside the agent: every pending pod of the default
 * scheduler without a node is bound to this node when it fits (kube-scheduler's filters:
 * `podFits`; nodeName set elsewhere is left alone), through `pods/binding` as kube-scheduler does (the API server sets
 * spec.nodeName and PodScheduled=True), with the Scheduled event; a pod that does not fit gets
 * PodScheduled=False/Unschedulable and a FailedScheduling event, with kube-scheduler's message.
 * Pods it bound count on the node at once (kube-scheduler's "assumed" pods), until `forget`.
 */
import { isConflict, isNotFound } from '../api/errors.js';
import { metaTime } from '../api/pod-conditions.js';
import type { KubeObject } from '../api/types.js';
import { resourcePath, type Client } from '../client/index.js';
import { PODS } from './api-refs.js';
import type { Pod } from './pod-view.js';
import type { EventSink } from './runtime-context.js';
import type { PodTracer } from './pod-trace.js';
import { hostPortsOf, type PortMapPod } from '../portmap/mappings.js';
import { nodeMatchesPlacement, requiredNodeNames, type PlacementNode, type PlacementPod } from '../api/scheduling/node-affinity.js';
import { firstUntoleratedTaint, tolerated, type Taint, type Toleration } from '../api/scheduling/taints.js';
import { allocatableAmounts, insufficientResources, type RequestingPod } from '../api/scheduling/resources.js';
import { interPodAffinityFailure, podAffinityParseError, type AffinityPod } from '../api/scheduling/pod-affinity.js';

/** v1.TaintNodeUnschedulable: what a cordoned node's spec.unschedulable stands for. */
export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

export interface Fit {
  fits: boolean;
  message?: string;
}

/** `<protocol>/<hostIP>/<port>` of each hostPort, hostIP "" as 0.0.0.0 and protocol "" as TCP (HostPortInfo). */
function usedHostPorts(pod: Pod): Array<{ protocol: string; ip: string; port: number }> {
  return hostPortsOf(pod as unknown as PortMapPod).map(({ port }) => ({ protocol: port.protocol || 'TCP', ip: port.hostIP || '0.0.0.0', port: port.hostPort! }));
}

/**
 * kube-scheduler's NodePorts filter (HostPortInfo.CheckConflict): a wanted hostPort conflicts
 * with a used one of the same protocol and port when either address is 0.0.0.0 or both are the
 * same. `others`: the pods on the node (not the pod itself; finished pods are not counted).
 */
export function hostPortsFree(pod: Pod, others: Iterable<Pod>): boolean {
  const want = usedHostPorts(pod);
  if (!want.length) return true;
  for (const other of others) {
    if (other.metadata.uid === pod.metadata.uid || other.status?.phase === 'Succeeded' || other.status?.phase === 'Failed') continue;
    for (const u of usedHostPorts(other)) {
      if (want.some((w) => w.protocol === u.protocol && w.port === u.port && (w.ip === u.ip || w.ip === '0.0.0.0' || u.ip === '0.0.0.0'))) return false;
    }
  }
  return true;
}

/** The fields of the Node the filters read. */
export interface SchedulingNode extends PlacementNode {
  spec?: { unschedulable?: boolean; taints?: Taint[] };
  /** Absent: the filter that reads it has nothing to check against (tests' nodes). */
  status?: { allocatable?: Record<string, string> };
}

/**
 * The one node's reasons, as kube-scheduler's FitError prints them (counted, sorted, then ". "),
 * and the default preemption PostFilter's verdict after "preemption: ", with FitError's closing
 * "." (so an inner FitError's own "." doubles): a pod with preemptionPolicy Never is not eligible
 * (PodEligibleToPreemptOthers, checked first); else an UnschedulableAndUnresolvable node is one
 * where preemption is not helpful, and on an Unschedulable one there is no victim (kubito has no
 * preemption: every pod's priority is 0).
 */
function unfit(pod: Pod, reasons: string | string[], resolvable = false, preFilter = false): Fit {
  // A PreFilter's message stands alone (FitError's PreFilterMsg), without the node count.
  const counted = preFilter ? [reasons as string] : (Array.isArray(reasons) ? reasons : [reasons]).map((r) => `1 ${r}`).sort();
  const verdict =
    (pod.spec as { preemptionPolicy?: string }).preemptionPolicy === 'Never'
      ? 'not eligible due to preemptionPolicy=Never.'
      : `0/1 nodes are available: 1 ${resolvable ? 'No preemption victims found for incoming pod' : 'Preemption is not helpful for scheduling'}.`;
  return { fits: false, message: `0/1 nodes are available: ${counted.join(', ')}. preemption: ${verdict}.` };
}

/**
 * Whether the pod can run on this node with these pods on it (`nodePods`) — pure; kube-scheduler's filters in its default order (NodeUnschedulable,
 * TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, InterPodAffinity; NodeName is
 * the caller's: a pod with a node is not scheduled), the first that fails naming its reasons. The first three are
 * UnschedulableAndUnresolvable, so preemption is "not helpful"; NodePorts is Unschedulable:
 * preemption runs, and with no pod of lower priority to evict finds none (kubito has no
 * preemption: every pod's priority is 0); so are NodeResourcesFit and the anti-affinities (pod
 * affinity is unresolvable).
 */
export function podFits(pod: Pod, node: SchedulingNode, options: { nodePods?: Iterable<Pod> } = {}): Fit {
  // PreFilter, before any filter: NodeAffinity's (terms naming nodes: none in common is a
  // conflict), InterPodAffinity's on terms that do not parse; a node the node names leave out is
  // not filtered at all (its status: the plugins whose PreFilterResult left it out).
  const names = requiredNodeNames(pod as PlacementPod);
  if (names?.size === 0) return unfit(pod, 'pod affinity terms conflict', false, true);
  const unparsable = podAffinityParseError(pod as unknown as AffinityPod);
  if (unparsable) return unfit(pod, unparsable, false, true);
  if (names && !names.has(node.metadata.name)) return unfit(pod, "node(s) didn't satisfy plugin(s) [NodeAffinity]");
  const tolerations = pod.spec.tolerations as Toleration[] | undefined;
  // A pod that tolerates the unschedulable taint tolerates spec.unschedulable too.
  if (node.spec?.unschedulable && !tolerated(tolerations, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' })) return unfit(pod, 'node(s) were unschedulable');
  const taint = firstUntoleratedTaint(node.spec?.taints, tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (taint) return unfit(pod, `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  if (!nodeMatchesPlacement(pod as PlacementPod, node)) return unfit(pod, "node(s) didn't match Pod's node affinity/selector");
  const onNode = [...(options.nodePods ?? [])].filter((p) => p.metadata.uid !== pod.metadata.uid && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  if (!hostPortsFree(pod, onNode)) return unfit(pod, "node(s) didn't have free ports for the requested pod ports", true);
  const allocatable = node.status?.allocatable;
  const short = allocatable ? insufficientResources(pod as unknown as RequestingPod, allocatableAmounts(allocatable), onNode as unknown as RequestingPod[]) : [];
  if (short.length) return unfit(pod, short, true);
  // InterPodAffinity (required terms); every pod placed is on this one node.
  const labels = node.metadata.labels ?? {};
  const affinity = interPodAffinityFailure(pod as unknown as AffinityPod, labels, onNode.map((p) => ({ pod: p as unknown as AffinityPod, nodeLabels: labels })));
  if (affinity) return unfit(pod, affinity.reason, !affinity.unresolvable);
  return { fits: true };
}

/** Whether what the filters read of the node changed (labels, taints, spec.unschedulable). */
export function placementChanged(old: SchedulingNode, now: SchedulingNode): boolean {
  return JSON.stringify([old.metadata.labels ?? {}, old.spec?.taints ?? [], !!old.spec?.unschedulable]) !== JSON.stringify([now.metadata.labels ?? {}, now.spec?.taints ?? [], !!now.spec?.unschedulable]);
}

/**
 * True for pods this scheduler should look at: not bound, not going, not finished, of the
 * default scheduler, and without schedulingGates (the SchedulingGates PreEnqueue plugin keeps a
 * gated pod out of the queue until its gates are all removed).
 */
export function wantsScheduling(pod: Pod): boolean {
  const gates = (pod.spec as { schedulingGates?: unknown[] | null }).schedulingGates;
  return !pod.spec.nodeName && !pod.metadata.deletionTimestamp && (pod.spec.schedulerName ?? 'default-scheduler') === 'default-scheduler' && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed' && !gates?.length;
}

/** The events.k8s.io action of each event the scheduler records (kube-scheduler's). */
export const SCHEDULER_ACTIONS: Readonly<Record<string, string>> = { Scheduled: 'Binding', FailedScheduling: 'Scheduling' };

export class Scheduler {
  #client: Client;
  #nodeName: string;
  #node: () => SchedulingNode;
  #events: EventSink;
  #trace: PodTracer | undefined;
  #nodePods: () => Iterable<Pod>;
  /** Pods bound here that the node's pod list may not show yet, by uid. */
  #assumed = new Map<string, Pod>();

  constructor(client: Client, options: { nodeName: string; node: () => SchedulingNode; events: EventSink; trace?: PodTracer; nodePods?: () => Iterable<Pod> }) {
    this.#trace = options.trace;
    this.#nodePods = options.nodePods ?? (() => []);
    this.#client = client;
    this.#nodeName = options.nodeName;
    this.#node = options.node;
    this.#events = options.events;
  }

  /**
   * Schedules one pod (from the cache); NotFound means it is gone, which is fine. True when it
   * was bound (by this call).
   */
  async schedule(pod: Pod): Promise<boolean> {
    if (!wantsScheduling(pod)) return false;
    const fit = podFits(pod, this.#node(), { nodePods: this.#onNode() });
    const pods = this.#client.resource(PODS);
    const ns = pod.metadata.namespace;
    if (!fit.fits) {
      const already = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      if (already?.status === 'False' && already.message === fit.message) return false;
      await pods.patch(pod.metadata.name, { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: fit.message, lastProbeTime: null, lastTransitionTime: metaTime(Date.now()) }] } }, { namespace: ns, subresource: 'status', type: 'strategic' });
      this.#events.event(pod, 'Warning', 'FailedScheduling', fit.message!);
      return false;
    }
    // The Scheduled event carries the time of the decision: the kubelet side of this process
    // may see the pod bound (and start it) before the binding's answer arrives here.
    const decided = this.#events.stamp?.();
    this.#trace?.mark(pod, 'bind-sent');
    // Counted on the node from now (before the await): the next pod checked sees its ports.
    this.#assumed.set(pod.metadata.uid, pod);
    try {
      await this.#client.transport.request({
        method: 'POST',
        path: resourcePath(PODS, { namespace: ns, name: pod.metadata.name, subresource: 'binding' }),
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name, namespace: ns, uid: pod.metadata.uid }, target: { apiVersion: 'v1', kind: 'Node', name: this.#nodeName } },
      });
    } catch (err) {
      this.#assumed.delete(pod.metadata.uid);
      // Gone, or bound meanwhile (409 on pods/binding; a stale uid is a new pod of that
      // name, which comes through the informer): nothing to do for this one.
      if (isNotFound(err) || isConflict(err)) return false;
      throw err;
    }
    this.#trace?.mark(pod, 'bind-answered');
    this.#events.event(pod as KubeObject, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${pod.metadata.name} to ${this.#nodeName}`, decided);
    return true;
  }

  /** The node's pods and the assumed ones, read only if a filter needs them. */
  *#onNode(): Generator<Pod> {
    yield* this.#nodePods();
    yield* this.#assumed.values();
  }

  /** The pod is in the node's pod list now (bound), or gone: no longer counted as assumed. */
  forget(uid: string): void {
    this.#assumed.delete(uid);
  }
}
