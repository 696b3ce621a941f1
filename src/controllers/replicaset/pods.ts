/**
 * @module Pure pod logic of the replicaset controller, as pkg/api/v1/pod and
 * pkg/controller/controller_utils.go define it: readiness and availability, which pods count
 * (active), the order surplus pods are deleted in (ActivePodsWithRanks, with the
 * PodDeletionCost and LogarithmicScaleDown behaviour that is on by default), and the pod a
 * template makes (GetPodFromTemplate).
 */
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { parseTime, type Pod, type PodCondition, type PodTemplateSpec } from './types.js';

/** The annotation that ranks pods for deletion: lower cost goes first. */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

/** The pod's Ready condition, if it has one. */
export function podReadyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * podutil.IsPodAvailable: ready, and (with minReadySeconds) ready since strictly more than
 * minReadySeconds before `now`. A Ready condition without a transition time is never available
 * when minReadySeconds > 0.
 */
export function isPodAvailable(pod: Pod, { minReadySeconds, now }: { minReadySeconds: number; now: number }): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = parseTime(podReadyCondition(pod)?.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 < now;
}

/** controller.IsPodActive: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** `namespace/name`, controller.PodKey. */
export function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseOrdinal(pod: Pod): number {
  // A phase outside the map is Go's zero value: 0, as Pending.
  return PHASE_ORDINAL[pod.status?.phase ?? ''] ?? 0;
}

/**
 * helper.GetDeletionCostFromPodAnnotations: an int32 without a plus sign or leading zeros;
 * anything else (and no annotation) counts as 0.
 */
export function deletionCost(pod: Pod): number {
  const value = pod.metadata.annotations?.[POD_DELETION_COST];
  if (value === undefined) return 0;
  if (!(value === '0' || /^[-1-9]/.test(value)) || !/^-?\d+$/.test(value)) return 0;
  const n = Number(value);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function readyTime(pod: Pod): number | undefined {
  const c = podReadyCondition(pod);
  return c?.status === 'True' ? parseTime(c.lastTransitionTime) : undefined;
}

/**
 * maxContainerRestarts: the most restarts of a regular container, and of a sidecar (an init
 * container with restartPolicy Always); plain init containers do not count.
 */
function maxRestarts(pod: Pod): { regular: number; sidecar: number } {
  const regular = Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
  const initContainers = (pod.spec?.initContainers ?? []) as Array<{ name?: string; restartPolicy?: string }>;
  const sidecars = new Set(initContainers.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const initStatuses = (pod.status?.initContainerStatuses ?? []) as Array<{ name?: string; restartCount?: number }>;
  const sidecar = Math.max(0, ...initStatuses.filter((c) => sidecars.has(c.name)).map((c) => c.restartCount ?? 0));
  return { regular, sidecar };
}

/** compareMaxContainerRestarts: more regular restarts first, then (equal) more sidecar restarts; 0 when the same. */
function compareRestarts(a: Pod, b: Pod): number {
  const x = maxRestarts(a);
  const y = maxRestarts(b);
  if (x.regular !== y.regular) return y.regular - x.regular;
  return y.sidecar - x.sidecar;
}

/** afterOrZero: whether t1 is after t2, a zero (unknown) time counting as after any other. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/** floor(log2(age in nanoseconds)), -1 for no age: Go's logarithmic rank of a timestamp. */
function logRank(t: number, now: number): number {
  const ns = (now - t) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

/**
 * ActivePodsWithRanks.Less with LogarithmicScaleDown, as a comparator: negative when the
 * first pod should be deleted before the second. Rules in turn: unassigned first; Pending <
 * Unknown < Running; not ready first; lower deletion cost first; more co-located related pods
 * (higher rank) first; ready for less time first; more container restarts (then sidecar
 * restarts) first; newer first. Ready and creation times compare on a log2 scale of their age, ties broken by uid.
 */
function deletionOrder(now: number): (x: { pod: Pod; rank: number }, y: { pod: Pod; rank: number }) => number {
  return ({ pod: a, rank: rankA }, { pod: b, rank: rankB }) => {
    const nodeA = a.spec?.nodeName ?? '';
    const nodeB = b.spec?.nodeName ?? '';
    if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '' ? -1 : 1;
    if (phaseOrdinal(a) !== phaseOrdinal(b)) return phaseOrdinal(a) - phaseOrdinal(b);
    if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? 1 : -1;
    if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
    if (rankA !== rankB) return rankB - rankA;
    const byTime = (t1: number | undefined, t2: number | undefined): number => {
      if (t1 === t2) return 0;
      if (t1 === undefined || t2 === undefined) return afterOrZero(t1, t2) ? -1 : 1;
      const diff = logRank(t1, now) - logRank(t2, now);
      if (diff !== 0) return diff < 0 ? -1 : 1;
      const uidA = a.metadata.uid ?? '';
      const uidB = b.metadata.uid ?? '';
      return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
    };
    if (isPodReady(a) && isPodReady(b)) {
      const c = byTime(readyTime(a), readyTime(b));
      if (c !== 0) return c;
    }
    const restarts = compareRestarts(a, b);
    if (restarts !== 0) return restarts;
    return byTime(parseTime(a.metadata.creationTimestamp), parseTime(b.metadata.creationTimestamp));
  };
}

/**
 * getPodsToDelete: the `count` pods of `pods` to delete first. Each pod is ranked by how many
 * active pods of `related` (the pods of every ReplicaSet with the same owner) share its node.
 */
export function podsToDelete(pods: readonly Pod[], { related, count: diff, now }: { related: readonly Pod[]; count: number; now: number }): Pod[] {
  if (diff >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (isPodActive(p)) onNode.set(p.spec?.nodeName ?? '', (onNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort(deletionOrder(now));
  return ranked.slice(0, diff).map((r) => r.pod);
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * getPodsPrefix: `<name>-` when ValidatePodName(prefix, true) accepts it, else the name itself.
 * That validation masks a trailing dash as maskTrailingDash does, `name[:len(name)-2] + "a"`
 * (two characters dropped, one added), so a 253-character name keeps its dash.
 */
export function podNamePrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  const masked = `${prefix.slice(0, -2)}a`;
  return masked.length <= 253 && DNS1123_SUBDOMAIN.test(masked) ? prefix : controllerName;
}

/**
 * GetPodFromTemplate: a pod to create for `parent`, with the template's labels, annotations,
 * finalizers and spec, `generateName` from the parent's name, and the controller reference.
 */
export function podFromTemplate(template: PodTemplateSpec, { parent, controllerRef }: { parent: KubeObject; controllerRef: OwnerReference }): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: podNamePrefix(parent.metadata.name ?? ''),
      labels: { ...(meta.labels ?? {}) },
      annotations: { ...(meta.annotations ?? {}) },
      ownerReferences: [{ ...controllerRef }],
    },
    spec: structuredClone(template.spec ?? {}),
  };
  if (meta.finalizers?.length) pod.metadata.finalizers = [...meta.finalizers];
  if (!Object.keys(pod.metadata.annotations!).length) delete pod.metadata.annotations;
  return pod;
}
