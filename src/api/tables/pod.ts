/**
 * @module The Pod printer: `NAME READY STATUS RESTARTS AGE | IP NODE NOMINATED NODE READINESS
 * GATES`, with upstream's whole STATUS logic (`printPod` in pkg/printers/internalversion):
 * phase or reason, SchedulingGated, Init:N/M and Init:<reason>, the first container's
 * waiting/terminated reason, Completed turned back into Running/NotReady, Terminating and
 * Unknown; RESTARTS as `N (5m ago)`.
 */
import { AGE_COLUMN, NAME_COLUMN, column, int, str } from './columns.js';
import { DOC } from './descriptions.js';
import { humanDuration, parseTimestamp, since } from './duration.js';
import type { KubeObject } from '../types.js';
import type { PrintContext, Printer, TableRow, TableRowCondition } from './types.js';

/** The fields of a v1 Pod this printer reads. */
interface PodView {
  metadata: { name?: string; deletionTimestamp?: string; creationTimestamp?: string | null };
  spec?: {
    containers?: unknown[];
    initContainers?: Array<{ name?: string; restartPolicy?: string }>;
    nodeName?: string;
    readinessGates?: Array<{ conditionType?: string }>;
  };
  status?: {
    phase?: string;
    reason?: string;
    podIP?: string;
    podIPs?: Array<{ ip?: string }>;
    nominatedNodeName?: string;
    conditions?: Array<{ type?: string; status?: string; reason?: string }>;
    initContainerStatuses?: ContainerStatusView[];
    containerStatuses?: ContainerStatusView[];
  };
}

interface ContainerStateView {
  waiting?: { reason?: string };
  running?: object;
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string };
}

interface ContainerStatusView {
  name?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerStateView;
  lastState?: ContainerStateView;
}

const SUCCEEDED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const FAILED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

/** `node.NodeUnreachablePodReason`: the reason the node lifecycle controller sets. */
const NODE_LOST = 'NodeLost';

export const podPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE_COLUMN,
    column('IP', 'string', DOC.podIP, { priority: 1 }),
    column('Node', 'string', DOC.nodeName, { priority: 1 }),
    column('Nominated Node', 'string', DOC.nominatedNodeName, { priority: 1 }),
    column('Readiness Gates', 'string', DOC.readinessGates, { priority: 1 }),
  ],
  row: podRow,
};

function podRow(obj: KubeObject, { now }: PrintContext): TableRow {
  const pod = obj as unknown as PodView;
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const phase = str(status.phase);
  const { ready, total, reason, restarts, lastRestart } = podState(pod);

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== null) restartsText = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;

  const row: TableRow = {
    cells: [
      str(pod.metadata.name),
      `${ready}/${total}`,
      reason,
      restartsText,
      since(pod.metadata.creationTimestamp, now),
      podIP(status) || '<none>',
      str(spec.nodeName) || '<none>',
      str(status.nominatedNodeName) || '<none>',
      readinessGates(pod),
    ],
  };
  if (phase === 'Succeeded') row.conditions = SUCCEEDED.map((c) => ({ ...c }));
  if (phase === 'Failed') row.conditions = FAILED.map((c) => ({ ...c }));
  return row;
}

interface PodState {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  /** When the last counted restart ended (ms), or null if unknown. */
  lastRestart: number | null;
}

/** The READY, STATUS and RESTARTS figures, following upstream step by step. */
function podState(pod: PodView): PodState {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initContainers = spec.initContainers ?? [];
  // Restartable init containers (sidecars) count as containers; statuses find them by name.
  const sidecars = initContainers.filter((c) => c.restartPolicy === 'Always');
  const sidecarNames = new Set(sidecars.map((c) => str(c.name)));
  const total = (spec.containers ?? []).length + sidecars.length;
  let ready = 0;
  let restarts = 0;
  let lastRestart: number | null = null;
  let sidecarRestarts = 0;
  let sidecarLastRestart: number | null = null;

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const isSidecar = sidecarNames.has(str(c.name));
    restarts += int(c.restartCount);
    lastRestart = later(lastRestart, lastTermination(c));
    if (isSidecar) {
      sidecarRestarts += int(c.restartCount);
      sidecarLastRestart = later(sidecarLastRestart, lastTermination(c));
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (isSidecar && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) {
      // initialization failed
      if (str(terminated.reason) !== '') reason = `Init:${terminated.reason}`;
      else if (int(terminated.signal) !== 0) reason = `Init:Signal:${terminated.signal}`;
      else reason = `Init:ExitCode:${int(terminated.exitCode)}`;
    } else if (waiting && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || initializedConditionTrue(pod)) {
    // Only restartable init containers (sidecars) count once initialization is over.
    restarts = sidecarRestarts;
    lastRestart = sidecarLastRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Walk backwards so that the first container's reason is the one left standing.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += int(c.restartCount);
      lastRestart = later(lastRestart, lastTermination(c));
      const waiting = c.state?.waiting;
      const terminated = c.state?.terminated;
      if (waiting && str(waiting.reason) !== '') reason = str(waiting.reason);
      else if (terminated && str(terminated.reason) !== '') reason = str(terminated.reason);
      else if (terminated) reason = int(terminated.signal) !== 0 ? `Signal:${terminated.signal}` : `ExitCode:${int(terminated.exitCode)}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod with a completed container and one still running is not "Completed".
    if (reason === 'Completed' && hasRunning) reason = hasReadyCondition(pod) ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp && status.reason === NODE_LOST) reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  return { ready, total, reason, restarts, lastRestart };
}

/** `lastState.terminated.finishedAt` in ms, or null. */
function lastTermination(c: ContainerStatusView): number | null {
  const terminated = c.lastState?.terminated;
  return terminated ? parseTimestamp(terminated.finishedAt) : null;
}

function later(a: number | null, b: number | null): number | null {
  if (b === null) return a;
  return a === null || a < b ? b : a;
}

/** `hasPodReadyCondition`: any `Ready` condition with status True. */
function hasReadyCondition(pod: PodView): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** `isPodInitializedConditionTrue`: the first `Initialized` condition decides. */
function initializedConditionTrue(pod: PodView): boolean {
  return (pod.status?.conditions ?? []).find((c) => c.type === 'Initialized')?.status === 'True';
}

/**
 * The first pod IP. v1 keeps it twice (`podIP`, `podIPs`); upstream's conversion makes
 * `podIP` win when both are set, so the same rule applies here.
 */
function podIP(status: NonNullable<PodView['status']>): string {
  return str(status.podIP) || str(status.podIPs?.[0]?.ip);
}

/** `<none>`, or `true/total` over the readiness gates' conditions. */
function readinessGates(pod: PodView): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions = pod.status?.conditions ?? [];
  const trueCount = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${trueCount}/${gates.length}`;
}
