/**
 * @module The single-node scheduler inside the agent: every pending pod of the default
 * scheduler without a node is bound to this node when it fits (nodeSelector against the node's
 * labels; nodeName set elsewhere is left alone), through `pods/binding` as kube-scheduler does
 * (the API server sets spec.nodeName and PodScheduled=True), with the Scheduled event; a pod
 * that does not fit gets PodScheduled=False/Unschedulable and a FailedScheduling event, with
 * kube-scheduler's message.
 */
import { isConflict, isNotFound } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { resourcePath, type Client } from '../client/index.js';
import { PODS } from './api-refs.js';
import type { Pod } from './pod-view.js';
import type { EventSink } from './runtime-context.js';
import type { PodTracer } from './pod-trace.js';

export interface Fit {
  fits: boolean;
  message?: string;
}

/** Whether the pod can run on a node with these labels (pure). */
export function podFits(pod: Pod, nodeLabels: Record<string, string>): Fit {
  const selector = pod.spec.nodeSelector ?? {};
  const matches = Object.entries(selector).every(([k, v]) => nodeLabels[k] === v);
  if (matches) return { fits: true };
  return {
    fits: false,
    message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
  };
}

/** True for pods this scheduler should look at. */
export function wantsScheduling(pod: Pod): boolean {
  return !pod.spec.nodeName && !pod.metadata.deletionTimestamp && (pod.spec.schedulerName ?? 'default-scheduler') === 'default-scheduler' && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The events.k8s.io action of each event the scheduler records (kube-scheduler's). */
export const SCHEDULER_ACTIONS: Readonly<Record<string, string>> = { Scheduled: 'Binding', FailedScheduling: 'Scheduling' };

export class Scheduler {
  #client: Client;
  #nodeName: string;
  #labels: () => Record<string, string>;
  #events: EventSink;
  #trace: PodTracer | undefined;
  #onBind: ((pod: Pod) => ((bound: boolean) => void) | undefined) | undefined;

  /**
   * `onBind`: called as a binding is sent (the kubelet side starts the pod then: agent.ts); the
   * function it returns, if any, learns whether the binding was made.
   */
  constructor(client: Client, options: { nodeName: string; nodeLabels: () => Record<string, string>; events: EventSink; trace?: PodTracer; onBind?: (pod: Pod) => ((bound: boolean) => void) | undefined }) {
    this.#trace = options.trace;
    this.#onBind = options.onBind;
    this.#client = client;
    this.#nodeName = options.nodeName;
    this.#labels = options.nodeLabels;
    this.#events = options.events;
  }

  /**
   * Schedules one pod (from the cache); NotFound means it is gone, which is fine. True when it
   * was bound (by this call).
   */
  async schedule(pod: Pod): Promise<boolean> {
    if (!wantsScheduling(pod)) return false;
    const fit = podFits(pod, this.#labels());
    const pods = this.#client.resource(PODS);
    const ns = pod.metadata.namespace;
    if (!fit.fits) {
      const already = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      if (already?.status === 'False' && already.message === fit.message) return false;
      await pods.patch(pod.metadata.name, { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: fit.message, lastProbeTime: null, lastTransitionTime: now() }] } }, { namespace: ns, subresource: 'status', type: 'strategic' });
      this.#events.event(pod, 'Warning', 'FailedScheduling', fit.message!);
      return false;
    }
    // The Scheduled event carries the time of the decision: the kubelet side of this process
    // may see the pod bound (and start it) before the binding's answer arrives here.
    const decided = this.#events.stamp?.();
    this.#trace?.mark(pod, 'bind-sent');
    const answered = this.#onBind?.(pod);
    try {
      await this.#client.transport.request({
        method: 'POST',
        path: resourcePath(PODS, { namespace: ns, name: pod.metadata.name, subresource: 'binding' }),
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name, namespace: ns, uid: pod.metadata.uid }, target: { apiVersion: 'v1', kind: 'Node', name: this.#nodeName } },
      });
    } catch (err) {
      answered?.(false);
      // Gone, or bound meanwhile (409 on pods/binding; a stale uid is a new pod of that
      // name, which comes through the informer): nothing to do for this one.
      if (isNotFound(err) || isConflict(err)) return false;
      throw err;
    }
    answered?.(true);
    this.#trace?.mark(pod, 'bind-answered');
    this.#events.event(pod as KubeObject, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${pod.metadata.name} to ${this.#nodeName}`, decided);
    return true;
  }
}
