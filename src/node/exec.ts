/**
 * @module A command the agent runs inside a container for itself (exec probes, preStop exec
 * hooks): its own process group, output collected by the caller, `exited` once it has ended.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedCommand {
  readonly stdout: Readable;
  readonly stderr: Readable;
  kill(signal?: NodeJS.Signals): void;
  readonly exited: Promise<ExitInfo>;
}

/** Spawns argv (already wrapped with nsenter) with `env`, stdin closed. */
export function spawnCommand(argv: string[], env: Record<string, string>): SpawnedCommand {
  const child = spawn(argv[0], argv.slice(1), { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', () => resolve({ code: 126, signal: null }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // gone
      }
    },
    exited,
  };
}
