/**
 * @module Pod sandboxes for real: runs the plans of sandbox-plan.ts through a Runner and writes
 * the pod's files (hosts, resolv.conf) under its directory. Creation is all-or-nothing: a failed
 * step removes what the earlier ones made.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runner } from './runner.js';
import { createSandboxSteps, removeSandboxSteps, type SandboxPlan, type Step } from './sandbox-plan.js';

/** An fstab line binding `source` on `target` (pure; blanks and backslashes escaped as fstab wants). */
export function bindLine(source: string, target: string): string {
  const esc = (p: string) => p.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return `${esc(source)} ${esc(target)} none bind 0 0`;
}

export async function runSteps(runner: Runner, steps: Step[]): Promise<void> {
  for (const step of steps) await runner.run(step.argv, { input: step.input });
}

export async function createSandbox(runner: Runner, plan: SandboxPlan): Promise<void> {
  try {
    await runSteps(runner, createSandboxSteps(plan));
  } catch (err) {
    await removeSandbox(runner, plan);
    throw err;
  }
}

/** Removes the sandbox's netns and veth; missing ones are fine. */
export async function removeSandbox(runner: Runner, plan: Pick<SandboxPlan, 'netns' | 'hostVeth'>): Promise<void> {
  for (const step of removeSandboxSteps(plan)) await runner.run(step.argv, { allowFailure: true });
}

/** The pod's generated /etc files, at `<pod dir>/etc/{hosts,resolv.conf,hostname}`. */
export interface PodFiles {
  hosts: string;
  resolvConf: string;
  hostname: string;
  /**
   * An fstab binding the three over those of /etc that exist here: a container's set-up binds
   * them all with one `mount -a -T` process instead of one mount per file.
   */
  fstab: string;
}

/**
 * Writes them off the agent's event loop (a burst of pods writes many files on a slow disk), or,
 * with `sync` (a tmpfs directory: the agent's scratch dir), at once: there each file is a few
 * microseconds of kernel work, where a promise write is four thread-pool round trips and a
 * FileHandle (a burst of 50 spent ~35 ms of the loop on them).
 */
export async function writePodFiles(dir: string, files: { hosts: string; resolvConf: string; hostname: string }, options: { sync?: boolean } = {}): Promise<PodFiles> {
  const etc = join(dir, 'etc');
  const paths = { hosts: join(etc, 'hosts'), resolvConf: join(etc, 'resolv.conf'), hostname: join(etc, 'hostname'), fstab: join(etc, 'fstab') };
  const binds = ([[paths.hosts, '/etc/hosts'], [paths.resolvConf, '/etc/resolv.conf'], [paths.hostname, '/etc/hostname']] as const).filter(([, target]) => existsSync(target));
  const fstab = binds.map(([source, target]) => `${bindLine(source, target)}\n`).join('');
  const contents: Array<[string, string]> = [[paths.hosts, files.hosts], [paths.resolvConf, files.resolvConf], [paths.hostname, `${files.hostname}\n`], [paths.fstab, fstab]];
  if (options.sync) {
    mkdirSync(etc, { recursive: true });
    for (const [path, text] of contents) writeFileSync(path, text);
    return paths;
  }
  await mkdir(etc, { recursive: true });
  await Promise.all(contents.map(([path, text]) => writeFile(path, text)));
  return paths;
}
