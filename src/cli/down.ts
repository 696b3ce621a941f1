/**
 * @module `kubito down`: stops a detached cluster (SIGTERM to the PID in its state file, then
 * waits) and removes the kubeconfig entries `up` merged. The data stays in --data-dir.
 */
import { cleanupCluster } from '../node/launch.js';
import type { CommonFlags } from './flags.js';
import { isAlive, readState, removeState } from './state.js';
import { forgetKubeconfig } from './up.js';

export async function down(flags: CommonFlags, out: (line: string) => void): Promise<void> {
  const state = readState(flags.dataDir);
  if (!state || !isAlive(state.pid)) {
    if (state) removeState(flags.dataDir, state.pid);
    // A crashed `up` leaves its namespaces and pods behind; take them away all the same.
    await cleanupCluster(flags.name, { dataDir: flags.dataDir });
    out(`cluster "${flags.name}" is not running`);
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  if (isAlive(state.pid)) {
    process.kill(state.pid, 'SIGKILL');
    out(`cluster "${flags.name}" did not stop within 30 s; killed pid ${state.pid}`);
  }
  removeState(flags.dataDir, state.pid);
  // Whatever a killed `up` could not remove: its namespaces, veths and pod processes.
  await cleanupCluster(flags.name, { dataDir: flags.dataDir });
  if (state.mergedKubeconfig) await forgetKubeconfig(state.kubeconfig, state.name);
  out(`cluster "${flags.name}" stopped; data kept in ${flags.dataDir}`);
}
