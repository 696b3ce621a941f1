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

/** MilliValue for cpu, Value for everything else: both round up. */
function fromNanos(name: string, nanos: bigint): bigint {
  const unit = name === 'cpu' ? 1_000_000n : 1_000_000_000n;
  return nanos <= 0n ? nanos / unit : (nanos + unit - 1n) / unit;
}

function amount(name: string, q: string | number): bigint {
  const parsed = parseQuantity(q);
  return parsed ? fromNanos(name, parsed.nanos) : 0n;
}

/** Adds `list` into `into`: a ResourceList's quantities as `convert` reads them, a Map's values as they are. */
function add(into: Amounts, list: ResourceList | Amounts | undefined, convert: (name: string, q: string | number) => bigint = amount): void {
  if (!list) return;
  const entries: Iterable<[string, string | number | bigint]> = list instanceof Map ? list : Object.entries(list);
  for (const [name, q] of entries) into.set(name, (into.get(name) ?? 0n) + (typeof q === 'bigint' ? q : convert(name, q)));
}

function max(into: Amounts, other: Amounts): void {
  for (const [name, v] of other) if (v > (into.get(name) ?? 0n)) into.set(name, v);
}

const nanosOf = (_name: string, q: string | number): bigint => parseQuantity(q)?.nanos ?? 0n;

/**
 * resource.PodRequests (no pod-level resources, overhead included): the quantities added and
 * compared as quantities, the pod's totals then rounded up (MilliValue, Value) as
 * framework.Resource reads them.
 */
export function podRequests(pod: RequestingPod): Amounts {
  const reqs: Amounts = new Map();
  const addQ = (into: Amounts, list: ResourceList | Amounts | undefined) => add(into, list, nanosOf);
  for (const c of pod.spec.containers ?? []) addQ(reqs, c.resources?.requests);
  const sidecars: Amounts = new Map();
  const inits: Amounts = new Map();
  for (const c of pod.spec.initContainers ?? []) {
    let own: Amounts;
    if (c.restartPolicy === 'Always') {
      addQ(reqs, c.resources?.requests);
      addQ(sidecars, c.resources?.requests);
      own = sidecars;
    } else {
      own = new Map();
      addQ(own, c.resources?.requests);
      addQ(own, sidecars);
    }
    max(inits, own);
  }
  max(reqs, inits);
  addQ(reqs, pod.spec.overhead);
  return new Map([...reqs].map(([name, nanos]) => [name, fromNanos(name, nanos)]));
}

/** The node's allocatable as amounts. */
export function allocatableAmounts(allocatable: ResourceList | undefined): Amounts {
  const out: Amounts = new Map();
  add(out, allocatable);
  return out;
}

/** One resource the node lacks for the pod (InsufficientResource): cpu in millicores, others in units. */
export interface Shortfall {
  resource: string;
  /** "Too many pods" or "Insufficient <resource>", as the scheduler words it. */
  reason: string;
  requested: bigint;
  used: bigint;
  capacity: bigint;
}

/**
 * fitsRequest: what the node lacks for the pod (empty when it fits), in upstream's order: the
 * pod count, cpu, memory, ephemeral-storage, then extended resources. `onNode`: the pods already
 * on the node (terminal pods excluded by the caller), whose requests are added up only when the
 * pod asks for some: most pods ask for none, and the scheduler asks this for every pod.
 */
export function resourceShortfalls(pod: RequestingPod, allocatable: Amounts, onNode: readonly RequestingPod[]): Shortfall[] {
  const out: Shortfall[] = [];
  const allowedPods = allocatable.get('pods') ?? 0n;
  if (BigInt(onNode.length + 1) > allowedPods) out.push({ resource: 'pods', reason: 'Too many pods', requested: 1n, used: BigInt(onNode.length), capacity: allowedPods });
  const want = podRequests(pod);
  const asked = [...want.entries()].filter(([name, v]) => name !== 'pods' && v > 0n);
  if (!asked.length) return out;
  const requested: Amounts = new Map();
  for (const p of onNode) add(requested, podRequests(p));
  const check = (name: string, v: bigint) => {
    const capacity = allocatable.get(name) ?? 0n;
    const used = requested.get(name) ?? 0n;
    if (v > 0n && v > capacity - used) out.push({ resource: name, reason: `Insufficient ${name}`, requested: v, used, capacity });
  };
  const basic = ['cpu', 'memory', 'ephemeral-storage'];
  for (const name of basic) check(name, want.get(name) ?? 0n);
  for (const [name, v] of asked) if (!basic.includes(name)) check(name, v);
  return out;
}

/** The scheduler's reasons for the shortfalls. */
export function insufficientResources(pod: RequestingPod, allocatable: Amounts, onNode: readonly RequestingPod[]): string[] {
  return resourceShortfalls(pod, allocatable, onNode).map((s) => s.reason);
}
