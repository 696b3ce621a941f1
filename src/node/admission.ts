/**
 * @module The kubelet's admission of a pod bound to its node (pkg/kubelet/lifecycle/predicate.go,
 * GeneralPredicates): a pod that reached the node without the scheduler's checks — created with
 * spec.nodeName set — is run only if it fits, as kube-scheduler's AdmissionCheck sees it
 * (NodeResourcesFit, NodeAffinity, NodePorts) and no NoExecute taint is left untolerated. The
 * first failure is the rejection: reason `OutOf<resource>` or the predicate's name, message as
 * InsufficientResourceError / PredicateFailureError print them. Pure.
 */
import { nodeMatchesPlacement, type PlacementPod } from '../api/scheduling/node-affinity.js';
import { allocatableAmounts, resourceShortfalls, type RequestingPod } from '../api/scheduling/resources.js';
import { firstUntoleratedTaint, type Toleration } from '../api/scheduling/taints.js';
import type { Pod } from './pod-view.js';
import { hostPortsFree, type SchedulingNode } from './scheduler.js';

export interface Rejection {
  reason: string;
  message: string;
}

const BASIC = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods']);

/** IsExtendedResourceName: not native (a name with a '/' outside kubernetes.io/) nor a quota name. */
function isExtended(name: string): boolean {
  return name.includes('/') && !name.includes('kubernetes.io/') && !name.startsWith('requests.');
}

/**
 * removeMissingExtendedResources: requests of extended resources the node does not have at all
 * are left out (cluster-level resources the node knows nothing of).
 */
function withoutMissingExtended(pod: Pod, allocatable: Record<string, string>): RequestingPod {
  const keep = (list?: Record<string, string | number>) => (list ? Object.fromEntries(Object.entries(list).filter(([n]) => BASIC.has(n) || !isExtended(n) || Object.hasOwn(allocatable, n))) : list);
  const strip = (cs?: Array<{ resources?: { requests?: Record<string, string | number> } }>) => cs?.map((c) => ({ ...c, resources: { ...c.resources, requests: keep(c.resources?.requests) } }));
  const spec = pod.spec as unknown as RequestingPod['spec'];
  return { spec: { ...spec, containers: strip(spec.containers), initContainers: strip(spec.initContainers) } };
}

/** Whether the kubelet admits `pod` onto `node` beside `others` (the node's other pods, not terminal). */
export function admitPod(pod: Pod, node: SchedulingNode, others: readonly Pod[]): Rejection | undefined {
  const allocatable = node.status?.allocatable;
  if (allocatable) {
    const short = resourceShortfalls(withoutMissingExtended(pod, allocatable), allocatableAmounts(allocatable), others as unknown as RequestingPod[])[0];
    if (short) return { reason: `OutOf${short.resource}`, message: `Node didn't have enough resource: ${short.resource}, requested: ${short.requested}, used: ${short.used}, capacity: ${short.capacity}` };
  }
  if (!nodeMatchesPlacement(pod as unknown as PlacementPod, node)) return predicate('NodeAffinity', "node(s) didn't match Pod's node affinity/selector");
  if (!hostPortsFree(pod, others)) return predicate('NodePorts', "node(s) didn't have free ports for the requested pod ports");
  // The kubelet looks at NoExecute taints only.
  if (firstUntoleratedTaint(node.spec?.taints, pod.spec.tolerations as Toleration[] | undefined, (t) => t.effect === 'NoExecute')) return predicate('TaintToleration', "node(s) had taints that the pod didn't tolerate");
  return undefined;
}

function predicate(name: string, desc: string): Rejection {
  return { reason: name, message: `Predicate ${name} failed: ${desc}` };
}
