/**
 * @module kube-scheduler's NodeResourcesFit filter, pure: a pod's requests as
 * component-helpers' resource.PodRequests adds them up (every container, restartable init
 * containers (sidecars) on top, the largest of the other init containers with the sidecars
 * started before each, the overhead), against what the node's allocatable leaves after the
 * requests of the pods on it (fitsRequest): "Too many pods", "Insufficient cpu", "Insufficient
 * memory", "Insufficient ephemeral-storage", "Insufficient <extended resource>".
 */
import { parseQuantity, quantityValue } from '../validation/quantity.js';

type ResourceList = Record<string, string | number>;

interface ContainerRequests {
  restartPolicy?: string;
  resources?: { requests?: ResourceList };
}

export interface RequestingPod {
  spec: { containers?: ContainerRequests[]; initContainers?: ContainerRequests[]; overhead?: ResourceList };
}

/** Amounts by resource name: cpu in millicores (MilliValue), everything else in whole units (Value). */
export type Amounts = Map<string, bigint>;

function amount(name: string, q: string | number): bigint {
  const parsed = parseQuantity(q);
  if (!parsed) return 0n;
  if (name === 'cpu') return (parsed.nanos + 999_999n) / 1_000_000n;
  return quantityValue(parsed);
}

function add(into: Amounts, list: ResourceList | Amounts | undefined): void {
  if (!list) return;
  const entries: Iterable<[string, string | number | bigint]> = list instanceof Map ? list : Object.entries(list);
  for (const [name, q] of entries) into.set(name, (into.get(name) ?? 0n) + (typeof q === 'bigint' ? q : amount(name, q)));
}

function max(into: Amounts, other: Amounts): void {
  for (const [name, v] of other) if (v > (into.get(name) ?? 0n)) into.set(name, v);
}

/** resource.PodRequests (no pod-level resources, overhead included). */
export function podRequests(pod: RequestingPod): Amounts {
  const reqs: Amounts = new Map();
  for (const c of pod.spec.containers ?? []) add(reqs, c.resources?.requests);
  const sidecars: Amounts = new Map();
  const inits: Amounts = new Map();
  for (const c of pod.spec.initContainers ?? []) {
    let own: Amounts;
    if (c.restartPolicy === 'Always') {
      add(reqs, c.resources?.requests);
      add(sidecars, c.resources?.requests);
      own = sidecars;
    } else {
      own = new Map();
      add(own, c.resources?.requests);
      add(own, sidecars);
    }
    max(inits, own);
  }
  max(reqs, inits);
  add(reqs, pod.spec.overhead);
  return reqs;
}

/** The node's allocatable as amounts. */
export function allocatableAmounts(allocatable: ResourceList | undefined): Amounts {
  const out: Amounts = new Map();
  add(out, allocatable);
  return out;
}

/**
 * fitsRequest: the reasons the pod does not fit (empty when it does). `onNode`: the requests of
 * each pod already on the node (terminal pods excluded by the caller).
 */
export function insufficientResources(pod: RequestingPod, allocatable: Amounts, onNode: readonly Amounts[]): string[] {
  const reasons: string[] = [];
  const allowedPods = allocatable.get('pods') ?? 0n;
  if (BigInt(onNode.length + 1) > allowedPods) reasons.push('Too many pods');
  const want = podRequests(pod);
  const asked = [...want.entries()].filter(([name, v]) => name !== 'pods' && v > 0n);
  if (!asked.length) return reasons;
  const requested: Amounts = new Map();
  for (const r of onNode) add(requested, r);
  const free = (name: string) => (allocatable.get(name) ?? 0n) - (requested.get(name) ?? 0n);
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    const v = want.get(name) ?? 0n;
    if (v > 0n && v > free(name)) reasons.push(`Insufficient ${name}`);
  }
  for (const [name, v] of asked) {
    if (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage') continue;
    if (v > free(name)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}
