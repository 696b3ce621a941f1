/**
 * @module The running cluster's state file (`<data-dir>/state.json`): written by `up` once it
 * is ready, removed when it stops; `down`, `status` and `kubeconfig` read it.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClusterState {
  name: string;
  pid: number;
  server: string;
  port: number;
  dataDir: string;
  store: string;
  proxyMode: string;
  /** Where up wrote (or merged) the kubeconfig. */
  kubeconfig: string;
  /** Whether the kubeconfig was merged into a shared file (remove the entries on down) or written alone. */
  mergedKubeconfig: boolean;
  startedAt: string;
  readyMs: number;
}

export function statePath(dataDir: string): string {
  return join(dataDir, 'state.json');
}

export function readState(dataDir: string): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(dataDir), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export function writeState(state: ClusterState): void {
  mkdirSync(state.dataDir, { recursive: true, mode: 0o700 });
  const tmp = `${statePath(state.dataDir)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(tmp, statePath(state.dataDir));
}

export function removeState(dataDir: string, pid: number): void {
  const current = readState(dataDir);
  if (current && current.pid !== pid) return;
  rmSync(statePath(dataDir), { force: true });
}

/** Whether a process with this PID exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The state of a cluster that is running now, or undefined (a stale file is ignored). */
export function runningState(dataDir: string): ClusterState | undefined {
  const state = readState(dataDir);
  return state && isAlive(state.pid) ? state : undefined;
}
