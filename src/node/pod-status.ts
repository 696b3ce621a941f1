/**
 * @module A pod's status from what the agent knows of its containers, as the kubelet computes it
 * (kubelet_pods.go getPhase, pkg/kubelet/status/generate.go): the phase, the conditions
 * PodReadyToStartContainers, Initialized, Ready, ContainersReady (PodScheduled is kept from
 * the API) with upstream's reasons and messages, podIP(s), hostIP(s), startTime and the
 * container statuses (ephemeral containers' too, which count in neither phase nor readiness).
 * Pure.
 */
import type { ContainerStatus, Pod, PodCondition, PodStatus } from './pod-view.js';

export interface StatusInput {
  pod: Pod;
  /** ISO time, for transitions. */
  now: string;
  hostIP: string;
  podIP?: string;
  startTime?: string;
  /** The sandbox exists with its network. */
  sandboxReady: boolean;
  initContainerStatuses: ContainerStatus[];
  containerStatuses: ContainerStatus[];
  /** Ephemeral containers' statuses: reported, never counted in the phase or readiness. */
  ephemeralContainerStatuses?: ContainerStatus[];
  /** Set when the pod has been made terminal (its containers stopped for good, e.g. on deletion). */
  terminal?: boolean;
}

type Phase = NonNullable<PodStatus['phase']>;

function goList(names: string[]): string {
  return `[${names.join(' ')}]`;
}

function find(statuses: ContainerStatus[], name: string): ContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

function initDone(s: ContainerStatus | undefined): boolean {
  return !!s?.state.terminated && s.state.terminated.exitCode === 0;
}

/** A restartable init container: a sidecar (podutil.IsRestartableInitContainer). */
function restartable(c: { restartPolicy?: string }): boolean {
  return c.restartPolicy === 'Always';
}

/** Whether the pod's Initialized condition was True before (getPhase's podHasInitialized). */
function hadInitialized(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ?? false;
}

/**
 * The pod phase (kubelet_pods.go getPhase); `terminal` means no container will run again.
 * Sidecars (restartable init containers) keep a pod Pending until they have started (before it
 * was initialized) and count as running, but a terminated one counts for nothing.
 */
export function podPhase(input: Pick<StatusInput, 'pod' | 'initContainerStatuses' | 'containerStatuses' | 'terminal'>): Phase {
  const spec = input.pod.spec;
  const policy = spec.restartPolicy ?? 'Always';
  const inits = spec.initContainers ?? [];
  let pendingRegularInit = 0;
  let pendingRestartableInit = 0;
  let failedInit = 0;
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of inits) {
    const s = find(input.initContainerStatuses, c.name);
    if (restartable(c)) {
      if (!s) unknown++;
      else if (s.state.running) {
        if (!s.started) pendingRestartableInit++;
        running++;
      } else if (s.state.terminated) {
        // A terminated sidecar counts for nothing.
      } else if (s.state.waiting) {
        if (!s.lastState.terminated) {
          pendingRestartableInit++;
          waiting++;
        }
      } else {
        pendingRestartableInit++;
        unknown++;
      }
      continue;
    }
    if (!s || s.state.running) pendingRegularInit++;
    else if (s.state.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state.waiting && s.lastState.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else pendingRegularInit++;
  }
  for (const c of spec.containers) {
    const s = find(input.containerStatuses, c.name);
    if (!s) unknown++;
    else if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInit > 0 && (policy === 'Never' || input.terminal)) return 'Failed';
  if (pendingRegularInit > 0 || (pendingRestartableInit > 0 && !hadInitialized(input.pod)) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (input.terminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

interface Cond {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

function containersReady(input: StatusInput, phase: Phase): Cond {
  if (phase === 'Succeeded') return { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' };
  if (phase === 'Failed') return { type: 'ContainersReady', status: 'False', reason: 'PodFailed' };
  const unknown: string[] = [];
  const unready: string[] = [];
  // Sidecars' readiness counts, before the containers' (GenerateContainersReadyCondition).
  const sidecars = (input.pod.spec.initContainers ?? []).filter(restartable).map((c) => [c.name, find(input.initContainerStatuses, c.name)] as const);
  const regular = input.pod.spec.containers.map((c) => [c.name, find(input.containerStatuses, c.name)] as const);
  for (const [name, s] of [...sidecars, ...regular]) {
    if (!s) unknown.push(name);
    else if (!s.ready) unready.push(name);
  }
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (unready.length) messages.push(`containers with unready status: ${goList(unready)}`);
  if (messages.length) return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: messages.join(', ') };
  return { type: 'ContainersReady', status: 'True' };
}

function podReady(input: StatusInput, containers: Cond): Cond {
  if (containers.status !== 'True') return { ...containers, type: 'Ready' };
  const gates = input.pod.spec.readinessGates ?? [];
  const missing: string[] = [];
  const falses: string[] = [];
  for (const g of gates) {
    const c = input.pod.status?.conditions?.find((x) => x.type === g.conditionType);
    if (!c) missing.push(g.conditionType);
    else if (c.status !== 'True') falses.push(g.conditionType);
  }
  const messages: string[] = [];
  if (missing.length) messages.push(`corresponding condition of pod readiness gate ${JSON.stringify(missing[0])} does not exist.`);
  if (falses.length) messages.push(`the status of pod readiness gate ${JSON.stringify(falses[0])} is not "True", but False`);
  if (messages.length) return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: messages.join(', ') };
  return { type: 'Ready', status: 'True' };
}

function initialized(input: StatusInput, phase: Phase): Cond {
  const inits = input.pod.spec.initContainers ?? [];
  if (phase === 'Succeeded') return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  // A sidecar is done once it has started; any regular container that ran means the pod was
  // initialized before (a sidecar restarting since does not undo it).
  const incomplete = inits.filter((c) => {
    const s = find(input.initContainerStatuses, c.name);
    return restartable(c) ? !s?.started : !initDone(s);
  }).map((c) => c.name);
  if (incomplete.length === 0) return { type: 'Initialized', status: 'True' };
  if (input.containerStatuses.some((s) => s.state.running || s.state.terminated)) return { type: 'Initialized', status: 'True' };
  return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: ${goList(incomplete)}` };
}

function withTimes(cond: Cond, previous: PodCondition[] | undefined, now: string): PodCondition {
  const old = previous?.find((c) => c.type === cond.type);
  const lastTransitionTime = old && old.status === cond.status && old.lastTransitionTime ? old.lastTransitionTime : now;
  const out: PodCondition = { type: cond.type, status: cond.status, lastProbeTime: null, lastTransitionTime };
  if (cond.reason) out.reason = cond.reason;
  if (cond.message) out.message = cond.message;
  return out;
}

/** The status the agent reports for the pod. */
export function podStatus(input: StatusInput): PodStatus {
  const phase = podPhase(input);
  const previous = input.pod.status?.conditions;
  const cr = containersReady(input, phase);
  const ready = phase === 'Succeeded' || phase === 'Failed' ? { type: 'Ready', status: 'False' as const, reason: cr.reason } : podReady(input, cr);
  const conditions: PodCondition[] = [
    withTimes({ type: 'PodReadyToStartContainers', status: input.sandboxReady ? 'True' : 'False' }, previous, input.now),
    withTimes(initialized(input, phase), previous, input.now),
    withTimes(ready, previous, input.now),
    withTimes(cr, previous, input.now),
  ];
  const known = new Set(conditions.map((c) => c.type));
  for (const c of previous ?? []) if (!known.has(c.type)) conditions.push(c);
  const status: PodStatus = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
  };
  if (input.podIP) {
    status.podIP = input.podIP;
    status.podIPs = [{ ip: input.podIP }];
  }
  if (input.startTime) status.startTime = input.startTime;
  // Init containers in the spec's order; the others sorted by name, as the kubelet's
  // convertToAPIContainerStatuses sorts them (SortedContainerStatuses).
  if (input.initContainerStatuses.length) status.initContainerStatuses = input.initContainerStatuses;
  status.containerStatuses = byName(input.containerStatuses);
  if (input.ephemeralContainerStatuses?.length) status.ephemeralContainerStatuses = byName(input.ephemeralContainerStatuses);
  return status;
}

function byName(statuses: ContainerStatus[]): ContainerStatus[] {
  return [...statuses].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
