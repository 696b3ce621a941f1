/**
 * @module Rootless mode: as a normal user, the node agent runs inside a user namespace of its
 * own (`unshare --user --map-root-user --net --mount`), where it is root over a new network
 * namespace (which becomes the node namespace) and a private mount namespace. There a tmpfs
 * over /run/netns holds the node namespace (a bind mount of the agent's own, so every
 * `ip -n kubito-<cluster>-node` of the root code path works unchanged) and the pods'
 * namespaces, invisible to the host; nginx runs as (mapped) root as in root mode. Nothing
 * outlives the user namespace: its last process gone, every namespace, veth and mount goes.
 * The launcher records the user namespace (`run/agent-userns`) so that clean-up after a
 * crash can kill what still runs in it (orphaned pods).
 *
 * Needs: unprivileged user namespaces (kernel.unprivileged_userns_clone=1 where that sysctl
 * exists, user.max_user_namespaces > 0, no AppArmor restriction) and the directory /run/netns
 * (made by root once, e.g. by any `ip netns add`; a tmpfs is mounted over it only inside).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cidr } from './ipam.js';
import { nodeNetns, runDir } from './names.js';
import { createNodeSteps, nodeBridgeNetfilterStep, type Step } from './sandbox-plan.js';
import { shellQuote } from './shell-quote.js';

/** The command that gives the agent its user, network and mount namespaces. */
export const ROOTLESS_UNSHARE = ['unshare', '--user', '--map-root-user', '--net', '--mount', '--propagation', 'private'];

function shellStep(step: Step): string {
  const command = step.argv.map(shellQuote).join(' ');
  return step.input === undefined ? command : `printf '%s' ${shellQuote(step.input)} | ${command}`;
}

/**
 * The `sh -c` script run inside the new namespaces before the agent: the private /run/netns,
 * the node namespace bound there, the node's network (createNodeSteps without its `ip netns
 * add`), then `exec "$@"` (the agent's argv). Pure.
 */
export function rootlessScript(options: { cluster: string; cidr: Cidr }): string {
  const node = `/run/netns/${nodeNetns(options.cluster)}`;
  const steps = createNodeSteps(options).filter((s) => !(s.argv[1] === 'netns' && s.argv[2] === 'add'));
  return [
    'set -e',
    'mount -t tmpfs -o mode=0755 kubito-netns /run/netns',
    `touch ${node}`,
    `mount --bind /proc/self/ns/net ${node}`,
    ...steps.map(shellStep),
    `${shellStep(nodeBridgeNetfilterStep(options.cluster))} 2>/dev/null || true`,
    'exec "$@"',
  ].join('\n');
}

/** Why rootless mode cannot run here, or undefined. */
export function rootlessProblem(): string | undefined {
  const needs = 'run kubito up as root (sudo), or allow unprivileged user namespaces (sysctl -w kernel.unprivileged_userns_clone=1 where it exists, user.max_user_namespaces > 0, and on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0)';
  const probe = spawnSync(ROOTLESS_UNSHARE[0], [...ROOTLESS_UNSHARE.slice(1), 'true'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || '').trim().split('\n')[0];
    return `the node agent needs network namespaces: as a normal user it makes them in a user namespace, which this system refuses (${why}); ${needs}`;
  }
  if (!existsSync('/run/netns')) return 'rootless mode needs the directory /run/netns (root makes it once: sudo mkdir -p /run/netns); or run kubito up as root';
  return undefined;
}

let userns: boolean | undefined;

/** True inside a user namespace that maps fewer ids than the whole range (rootless mode). */
export function inUserNamespace(): boolean {
  if (userns === undefined) {
    try {
      const fields = readFileSync('/proc/self/uid_map', 'utf8').trim().split(/\s+/);
      userns = !(fields.length === 3 && fields[0] === '0' && fields[1] === '0' && fields[2] === '4294967295');
    } catch {
      userns = false;
    }
  }
  return userns;
}

function usernsFile(dataDir: string): string {
  return join(runDir(dataDir), 'agent-userns');
}

/** Records the user namespace of the rootless agent `pid` (its `/proc/<pid>/ns/user` link). */
export function recordAgentUserns(dataDir: string, pid: number): void {
  writeFileSync(usernsFile(dataDir), `${readlinkSync(`/proc/${pid}/ns/user`)}\n`);
}

/**
 * Kills every process still in the recorded user namespace (a crashed rootless agent's pods)
 * and forgets it; with them go its network namespaces. Returns how many were killed.
 */
export function killRecordedUserns(dataDir: string, options: { kill?: (pid: number) => void; proc?: string } = {}): number {
  let ns: string;
  try {
    ns = readFileSync(usernsFile(dataDir), 'utf8').trim();
  } catch {
    return 0;
  }
  const proc = options.proc ?? '/proc';
  let killed = 0;
  for (const entry of readdirSync(proc).filter((e) => /^\d+$/.test(e))) {
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let link = '';
    try {
      link = readlinkSync(join(proc, entry, 'ns', 'user'));
    } catch {
      continue;
    }
    if (link !== ns) continue;
    try {
      (options.kill ?? ((p: number) => process.kill(p, 'SIGKILL')))(pid);
      killed++;
    } catch {
      // gone meanwhile
    }
  }
  rmSync(usernsFile(dataDir), { force: true });
  return killed;
}
