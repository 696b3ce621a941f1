/** @module What the e2e tests look at in the kernel: network namespaces and processes. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The names of the network namespaces `ip netns` knows. */
export function netnsList(): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
}

/** The pids inside a network namespace. */
export function pidsIn(netns: string): number[] {
  return spawnSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number);
}

/** A process that still runs (a zombie waiting for its parent to reap it does not). */
export function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
