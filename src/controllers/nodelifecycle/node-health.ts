/**
 * @module What the node lifecycle controller decides, pure (pkg/controller/nodelifecycle/
 * node_lifecycle_controller.go): the NoSchedule taints a node's conditions and
 * spec.unschedulable call for (doNoScheduleTaintingPass), whether a node's health signal —
 * its Ready condition's heartbeat or its Lease's renewTime — is older than the grace period
 * and so its conditions become Unknown (tryUpdateNodeHealth), the NoExecute taint its Ready
 * condition calls for, and a zone's disruption state (ComputeZoneState).
 */
import { metaTime } from '../../api/pod-conditions.js';
import { sameTaint, type Taint } from '../../api/scheduling/taints.js';

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface LifecycleNode {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; uid?: string; resourceVersion?: string; creationTimestamp?: string; labels?: Record<string, string> };
  spec?: { unschedulable?: boolean; taints?: Taint[] };
  status?: { conditions?: NodeCondition[] };
}

/** --node-monitor-grace-period (1.32's default: 50 s, was 40 s), --node-startup-grace-period, --node-monitor-period. */
export const NODE_MONITOR_GRACE_MS = 50_000;
export const NODE_STARTUP_GRACE_MS = 60_000;
export const NODE_MONITOR_PERIOD_MS = 5_000;

export const UNREACHABLE_TAINT_KEY = 'node.kubernetes.io/unreachable';
export const NOT_READY_TAINT_KEY = 'node.kubernetes.io/not-ready';
export const UNSCHEDULABLE_TAINT_KEY = 'node.kubernetes.io/unschedulable';
export const UNREACHABLE_NO_EXECUTE: Taint = { key: UNREACHABLE_TAINT_KEY, effect: 'NoExecute' };
export const NOT_READY_NO_EXECUTE: Taint = { key: NOT_READY_TAINT_KEY, effect: 'NoExecute' };

/** nodeConditionToTaintKeyStatusMap: which condition, in which status, calls for which taint key. */
const CONDITION_TAINTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Ready: { False: NOT_READY_TAINT_KEY, Unknown: UNREACHABLE_TAINT_KEY },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};
const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));

/** The pods informers' index of pods by node (both controllers share one informer and this index). */
export const NODE_NAME_INDEX = 'spec.nodeName';
export function podNodeIndex(pod: { spec?: { nodeName?: string } }): string[] {
  return pod.spec?.nodeName ? [pod.spec.nodeName] : [];
}

export function condition(node: LifecycleNode, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/**
 * doNoScheduleTaintingPass: the NoSchedule taints to add and to remove — those of the node's
 * conditions and spec.unschedulable, against the NoSchedule taints of those keys it has. The
 * taints to add carry `timeAdded` (SwapNodeControllerTaint stamps every taint it adds).
 */
export function noScheduleTaintChanges(node: LifecycleNode, now: string): { add: Taint[]; remove: Taint[] } {
  const want: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) want.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) want.push({ key: UNSCHEDULABLE_TAINT_KEY, effect: 'NoSchedule' });
  const have = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && (t.key === UNSCHEDULABLE_TAINT_KEY || CONDITION_TAINT_KEYS.has(t.key)));
  // TaintSetDiff: by key and effect.
  const add = want.filter((w) => !have.some((h) => sameTaint(h, w))).map((t) => ({ ...t, timeAdded: now }));
  const remove = have.filter((h) => !want.some((w) => sameTaint(h, w)));
  return { add, remove };
}

/** What the controller last saw of a node (nodeHealthData): when its health signal last moved, on its own clock. */
export interface NodeHealth {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  /** The Ready condition last seen (its heartbeat and transition times). */
  ready?: NodeCondition;
  /** The Lease's renewTime last seen. */
  leaseRenewTime?: string;
}

export interface HealthVerdict {
  health: NodeHealth;
  /** The Ready condition as the node had it (a node with none: Unknown, as of its creation). */
  observed: NodeCondition;
  /** The Ready condition after this pass (undefined: the node has none and keeps none). */
  current: NodeCondition | undefined;
  /** The node's conditions to write, when they changed (Ready, MemoryPressure, DiskPressure, PIDPressure set Unknown). */
  conditions?: NodeCondition[];
}

const UNKNOWN_TYPES = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/**
 * tryUpdateNodeHealth: `saved` is what the controller knew; `now` its clock (ms). A heartbeat
 * (a new lastHeartbeatTime on Ready, or a newer Lease renewTime) moves the probe time to now;
 * past the grace period (the startup grace for a node that never posted Ready) the four
 * conditions become Unknown (NodeStatusUnknown, or NodeStatusNeverUpdated for one never posted).
 */
export function assessNodeHealth(node: LifecycleNode, saved: NodeHealth | undefined, leaseRenewTime: string | undefined, now: number): HealthVerdict {
  const created = Date.parse(node.metadata.creationTimestamp ?? '') || now;
  const currentReady = condition(node, 'Ready');
  const observed: NodeCondition = currentReady ? { ...currentReady } : { type: 'Ready', status: 'Unknown', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: node.metadata.creationTimestamp };
  const grace = currentReady ? NODE_MONITOR_GRACE_MS : NODE_STARTUP_GRACE_MS;
  let health: NodeHealth;
  if (!currentReady) {
    health = saved ? { ...saved, ready: undefined } : { probeTimestamp: created, readyTransitionTimestamp: created };
  } else if (!saved || !saved.ready) {
    health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: currentReady, leaseRenewTime: saved?.leaseRenewTime };
  } else if (saved.ready.lastHeartbeatTime !== currentReady.lastHeartbeatTime) {
    const transition = saved.ready.lastTransitionTime !== currentReady.lastTransitionTime ? now : saved.readyTransitionTimestamp;
    health = { probeTimestamp: now, readyTransitionTimestamp: transition, ready: currentReady, leaseRenewTime: saved.leaseRenewTime };
  } else {
    health = { ...saved, ready: currentReady };
  }
  // Always a new probe time when the Lease was renewed.
  if (leaseRenewTime && (!health.leaseRenewTime || Date.parse(health.leaseRenewTime) < Date.parse(leaseRenewTime))) {
    health = { ...health, leaseRenewTime, probeTimestamp: now };
  }
  if (now <= health.probeTimestamp + grace) return { health, observed, current: currentReady };
  const at = metaTime(now);
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  for (const type of UNKNOWN_TYPES) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: at });
    } else if (c.status !== 'Unknown') {
      Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: at });
    }
  }
  const current = conditions.find((c) => c.type === 'Ready')!;
  if (JSON.stringify(current) === JSON.stringify(observed)) return { health, observed, current };
  return { health: { ...health, readyTransitionTimestamp: now }, observed, current, conditions };
}

/** The NoExecute taint a Ready condition calls for, and the one it rules out (the two are exclusive). */
export function noExecuteTaintFor(readyStatus: string): { taint: Taint; opposite: Taint } | undefined {
  if (readyStatus === 'False') return { taint: NOT_READY_NO_EXECUTE, opposite: UNREACHABLE_NO_EXECUTE };
  if (readyStatus === 'Unknown') return { taint: UNREACHABLE_NO_EXECUTE, opposite: NOT_READY_NO_EXECUTE };
  return undefined;
}

export type ZoneState = 'Initial' | 'Normal' | 'FullDisruption' | 'PartialDisruption';

/**
 * ComputeZoneState over a zone's Ready conditions: no node Ready is a full disruption; more
 * than 2 not Ready and at least `unhealthyThreshold` (0.55) of them a partial one.
 */
export function computeZoneState(ready: ReadonlyArray<NodeCondition | undefined>, unhealthyThreshold = 0.55): { unhealthy: number; state: ZoneState } {
  const readyNodes = ready.filter((c) => c?.status === 'True').length;
  const notReady = ready.length - readyNodes;
  if (readyNodes === 0 && notReady > 0) return { unhealthy: notReady, state: 'FullDisruption' };
  if (notReady > 2 && notReady / (notReady + readyNodes) >= unhealthyThreshold) return { unhealthy: notReady, state: 'PartialDisruption' };
  return { unhealthy: notReady, state: 'Normal' };
}

/** nodetopology.GetZoneKey: region and zone labels (stable, else beta), "" when neither. */
export function zoneKey(node: LifecycleNode): string {
  const l = node.metadata.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  if (!region && !zone) return '';
  return `${region}:\x00:${zone}`;
}
