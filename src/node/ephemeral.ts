/**
 * @module The pod worker's decisions about ephemeral containers (`kubectl debug`), pure: which
 * to start (each once: the kubelet never restarts one, so one that ran, here or under a previous
 * agent, is not run again), and the status of one a previous agent ran whose process is gone.
 */
import type { ContainerStatus } from './pod-view.js';

/** The part of a Container these decisions read. */
export interface EphemeralRun {
  readonly spec: { name: string };
  /** Set once a run was made (it may have ended). */
  readonly latest: unknown;
}

/** The ephemeral containers a previous agent ran, by name, from the pod's status in the API. */
export function ranBefore(statuses: readonly ContainerStatus[] | undefined): Map<string, ContainerStatus> {
  const out = new Map<string, ContainerStatus>();
  for (const s of statuses ?? []) {
    if (s.state.running || s.state.terminated || s.lastState.terminated) out.set(s.name, s);
  }
  return out;
}

/** Those of `containers` to start now: never run, neither here nor before (in their order). */
export function ephemeralToStart<C extends EphemeralRun>(containers: readonly C[], before: ReadonlyMap<string, ContainerStatus>): C[] {
  return containers.filter((c) => !c.latest && !before.has(c.spec.name));
}

/**
 * The status of an ephemeral container a previous agent ran: terminated as it was, or, if it
 * was still running (its process went with that agent), terminated as the kubelet reports a
 * container it cannot find (ContainerStatusUnknown, 137). Stable: the same input gives the same
 * status, so that it is written once.
 */
export function lostEphemeralStatus(before: ContainerStatus): ContainerStatus {
  if (before.state.terminated) return before;
  const terminated: NonNullable<ContainerStatus['state']['terminated']> = {
    exitCode: 137,
    reason: 'ContainerStatusUnknown',
    message: 'The container could not be located when the pod was terminated',
  };
  if (before.state.running?.startedAt) terminated.startedAt = before.state.running.startedAt;
  if (before.containerID) terminated.containerID = before.containerID;
  return { ...before, state: { terminated }, ready: false };
}
