/**
 * @module The proxy's process starter as an addon (native/spawn-addon.c, built by
 * scripts/build-native.js into build/proxy-spawn.node): a streamed command started with
 * posix_spawn (a vfork: nothing of this process copied) instead of a fork of this process.
 * Loaded once; where it was not built the runner keeps the spawner, then Node's spawn.
 */
import { Socket } from 'node:net';
import { builtPath, loadAddon } from '../native/built.js';
import type { StreamingCommand } from './types.js';

type Answer = { code: number; stdout: string; stderr: string };

export interface SpawnAddon {
  start(argv: string[]): { pid: number; pidfd: number; stdin: number; out: number; err: number } | { error: string };
  /** Resolves when the child ended (watched on the event loop: no thread held), reaped. */
  wait(pidfd: number, out: number, err: number, pid?: number): Promise<Answer>;
  kill(pidfd: number): void;
  close(fd: number): void;
}

/** Where scripts/build-native.js puts the addon. */
export function spawnAddonPath(): string {
  return builtPath('proxy-spawn.node');
}

/** The addon, or why not (not built, another Node's ABI, not ours). */
export function loadSpawnAddon(path = spawnAddonPath()): SpawnAddon | Error {
  return loadAddon<SpawnAddon>(path, "kubito's proxy process starter addon", (m) => ['start', 'wait', 'kill', 'close'].every((f) => typeof m[f as keyof SpawnAddon] === 'function'));
}

/** Start errors that are the program's own (missing, not executable), not the addon's. */
const PROGRAM_ERRORS = new Set(['ENOENT', 'EACCES', 'ENOEXEC', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG']);

/**
 * argv started through the addon, as runner.ts's startCommand starts it through Node: `write`
 * resolves after one turn of the event loop (the pipe's socket keeps what the pipe cannot take
 * yet), `end` closes its stdin and resolves when it exited, with what it wrote. Exit code -1:
 * could not start (stderr `spawn <program> <errno name>`, as Node says it), or killed.
 * Undefined when the addon itself cannot start processes here (pidfd_open, memfd_create or
 * posix_spawn refused: a seccomp profile, an old kernel): the caller starts it another way.
 */
export function addonStart(addon: SpawnAddon, argv: string[]): StreamingCommand | undefined {
  const started = addon.start(argv);
  if ('error' in started && !PROGRAM_ERRORS.has(started.error)) return undefined;
  if ('error' in started) {
    const failed = Promise.resolve({ code: -1, stdout: '', stderr: `spawn ${argv[0]} ${started.error}` });
    return { write: () => Promise.resolve(), end: () => failed, abort: () => undefined };
  }
  const stdin = new Socket({ fd: started.stdin, readable: false, writable: true });
  let broken = false;
  // A command that exits early (a bad line) closes its stdin: EPIPE is its exit status's story.
  stdin.on('error', () => (broken = true));
  let reaped = false;
  const exited = addon.wait(started.pidfd, started.out, started.err, started.pid).then((answer) => {
    reaped = true;
    addon.close(started.pidfd);
    stdin.destroy();
    return answer;
  });
  return {
    write(text) {
      if (broken || stdin.destroyed) return Promise.resolve();
      stdin.write(text);
      return new Promise((resolve) => setImmediate(resolve));
    },
    end() {
      if (!stdin.destroyed) stdin.end();
      return exited;
    },
    abort() {
      if (!reaped) addon.kill(started.pidfd);
    },
  };
}
