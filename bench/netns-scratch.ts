/**
 * @module Scratch network namespaces for benchmarks that need a kernel but no cluster: unique
 * names `kubito-tb<pid>-<tag>`, made empty (lo up), removed by exact name — when asked, and on
 * exit, SIGINT or SIGTERM for any still there. Commands run in them with
 * `nsenter --net=/run/netns/<name>`, the way kubito's node agent runs in its node namespace
 * (the same network namespace, the host's mounts; one exec, cheaper than `ip netns exec`).
 */
import { spawn, spawnSync } from 'node:child_process';

const live = new Set<string>();

function removeAll(): void {
  for (const ns of live) spawnSync('ip', ['netns', 'delete', ns]);
  live.clear();
}

let hooked = false;
function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', removeAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeAll();
      process.exit(130);
    });
  }
}

/** Makes `kubito-tb<pid>-<tag>` (deleting a leftover of that exact name first). */
export function scratchNetns(tag: string): string {
  hook();
  const name = `kubito-tb${process.pid}-${tag}`;
  spawnSync('ip', ['netns', 'delete', name]);
  const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (add.status !== 0) throw new Error(`ip netns add ${name}: ${add.stderr}`);
  live.add(name);
  spawnSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

export function removeNetns(name: string): void {
  spawnSync('ip', ['netns', 'delete', name]);
  live.delete(name);
}

/** The argv prefix that runs a command in the namespace. */
export function inNetns(name: string): string[] {
  return ['nsenter', `--net=/run/netns/${name}`, '--'];
}

/**
 * Runs a command (asynchronously, so timers and the event loop go on) with `input` on stdin;
 * resolves with its wall time in ms; rejects on a non-zero exit.
 */
export function timedCommand(argv: string[], input?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve(ms);
      else reject(new Error(`${argv.join(' ')}: exit ${code}: ${err.trim()}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}
