/**
 * @module Pod sandboxes for real: runs the plans of sandbox-plan.ts through a Runner and writes
 * the pod's files (hosts, resolv.conf) under its directory. Creation is all-or-nothing: a failed
 * step removes what the earlier ones made.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from './runner.js';
import { createSandboxSteps, removeSandboxSteps, type SandboxPlan, type Step } from './sandbox-plan.js';

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
}

export function writePodFiles(dir: string, files: { hosts: string; resolvConf: string; hostname: string }): PodFiles {
  const etc = join(dir, 'etc');
  mkdirSync(etc, { recursive: true });
  const paths = { hosts: join(etc, 'hosts'), resolvConf: join(etc, 'resolv.conf'), hostname: join(etc, 'hostname') };
  writeFileSync(paths.hosts, files.hosts);
  writeFileSync(paths.resolvConf, files.resolvConf);
  writeFileSync(paths.hostname, `${files.hostname}\n`);
  return paths;
}
