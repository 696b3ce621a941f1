/**
 * @module What an agent that died without stopping its pods (kill -9, a crash) leaves behind,
 * removed by the next agent before it starts any pod: the pods' network namespaces with their
 * processes (still running, orphaned) and veths, the address table that named them, and the
 * directories of pods deleted meanwhile. A restarted agent does not adopt running containers:
 * it recreates every pod (new sandbox, new address from the emptied table, restartCount + 1),
 * as the kubelet does after a node reboot. `launch.ts` removes the same things, and the node
 * namespace too, before it starts an agent; this covers an agent started on its own
 * (hostNetwork pods' containers, in the node namespace itself, included).
 */
import { readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isClusterNetns, isPoolNetns, nodeNetns } from './names.js';
import type { Runner } from './runner.js';

/** The network namespaces that exist now (`ip netns list`). */
export async function listNetns(runner: Runner): Promise<string[]> {
  const out = await runner.run(['ip', 'netns', 'list'], { allowFailure: true });
  return out.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
}

function sigkill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Kills every process inside the network namespace `name` (membership is the record of what
 * is ours, immune to pid reuse; `self` is spared) and deletes it; its veths go with it.
 */
export async function removeNetns(runner: Runner, name: string, options: { self?: number; kill?: (pid: number) => void } = {}): Promise<void> {
  const pids = await runner.run(['ip', 'netns', 'pids', name], { allowFailure: true });
  for (const pid of pids.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p)).map(Number)) {
    if (pid !== (options.self ?? process.pid)) (options.kill ?? sigkill)(pid);
  }
  await runner.run(['ip', 'netns', 'delete', name], { allowFailure: true });
}

/**
 * Removes every pod sandbox namespace of the cluster (not the node's), killing what runs in
 * them, and the warm pool's (`-w<hex>`: nothing runs there but for a pool name not yet removed
 * from a pod's sandbox, whose pod name is reaped too), those by one `ip`. Returns the names:
 * the pods' and the pool's.
 */
export async function reapPodSandboxes(runner: Runner, cluster: string, options: { kill?: (pid: number) => void } = {}): Promise<{ pods: string[]; pool: string[] }> {
  const names = (await listNetns(runner)).filter((n) => isClusterNetns(cluster, n) && n !== nodeNetns(cluster));
  const pool = names.filter((n) => isPoolNetns(cluster, n));
  const pods = names.filter((n) => !isPoolNetns(cluster, n));
  for (const name of pods) await removeNetns(runner, name, options);
  if (pool.length) await runner.run(['ip', '-force', '-batch', '-'], { input: pool.map((n) => `netns delete ${n}\n`).join(''), allowFailure: true });
  return { pods, pool };
}

/**
 * Kills the containers of hostNetwork pods a previous agent left in the node namespace (which
 * stays): their launcher (`unshare ... --kill-child` or the native `kubito-launch`, whose
 * PID-namespace init dies with it)
 * names the pod's directory under `<data-dir>/pods/` on its command line (a native launcher
 * forked by its server: has it as its working directory). Returns the pids.
 */
export async function reapHostNetworkContainers(runner: Runner, cluster: string, dataDir: string, options: { kill?: (pid: number) => void; proc?: string } = {}): Promise<number[]> {
  const out = await runner.run(['ip', 'netns', 'pids', nodeNetns(cluster)], { allowFailure: true });
  const marker = `${join(dataDir, 'pods')}/`;
  const killed: number[] = [];
  for (const pid of out.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p)).map(Number)) {
    if (pid === process.pid) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(join(options.proc ?? '/proc', String(pid), 'cmdline'), 'utf8');
    } catch {
      continue;
    }
    const program = cmdline.split('\0')[0];
    if (!(program.endsWith('unshare') || program.endsWith('kubito-launch'))) continue;
    // A native launcher forked by its server (launch.c) has the server's command line; its
    // working directory is the pod's.
    if (!cmdline.includes(marker) && !(program.endsWith('kubito-launch') && cwdOf(pid, options.proc).startsWith(marker))) continue;
    (options.kill ?? sigkill)(pid);
    killed.push(pid);
  }
  return killed;
}

function cwdOf(pid: number, proc = '/proc'): string {
  try {
    return `${readlinkSync(join(proc, String(pid), 'cwd'))}/`;
  } catch {
    return '';
  }
}

/** Removes `<data-dir>/pods/<ns>_<name>_<uid>` of pods not in `keep` (uids); returns what went. */
export function removeOrphanPodDirs(dataDir: string, keep: Set<string>): string[] {
  const root = join(dataDir, 'pods');
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const uid = entry.slice(entry.lastIndexOf('_') + 1);
    if (!entry.includes('_') || keep.has(uid)) continue;
    rmSync(join(root, entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}
