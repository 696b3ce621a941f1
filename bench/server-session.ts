/**
 * @module Servers started together in one session of their own, for the hand-made copy of a
 * node (replica.ts): the way kubito's node agent runs a node's pods, all of them under its
 * launch server, a session leader (`setsid`) apart from the agent, the control plane and
 * whoever runs the benchmark.
 *
 * Why it matters (measured 2026-11-29, data-plane bench, iptables, new connection per request):
 * with `kernel.sched_autogroup_enabled=1` (the default on these machines) the scheduler shares
 * CPU between sessions first and between the tasks of a session second. kubito's backends sit
 * in the launch server's session, the bench's wrk clients in the bench's; the copy's servers,
 * spawned by the bench, sat in the bench's session beside the wrk clients. Same servers, same
 * rules, but not the same scheduling: under load the copy's clients and servers shared one
 * session's share task by task, while kubito's clients got one session's share and its
 * backends another. wrk's wait on the run queue per request rose (kubito 94-108 µs vs the copy
 * 92-96), its CPU per request too (91-98 vs 86-94), and kubito's VIP read 0.84-0.96x of the
 * copy; with the copy's servers moved into a session of their own, both sides' waits and CPU
 * per request matched and the per-round ratio centred on 1.0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerSession {
  /** The servers' PIDs, in the order of the commands (each `argv[0]` exec'd in place). */
  pids: number[];
  /** Whether a server still runs (signal 0). */
  alive(pid: number): boolean;
  /** SIGTERM to every server, SIGKILL after 3 s; resolves once the session's shell exited. */
  stop(): Promise<void>;
}

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The shell script that starts the commands in the background of one shell, prints each one's
 * PID on a line (the background subshell execs the command, so the PID is the server's), then
 * waits for all of them.
 */
export function sessionScript(commands: string[][]): string {
  const lines = commands.map((argv) => `exec ${argv.map(shellQuote).join(' ')} </dev/null >/dev/null &\necho $!`);
  return [...lines, 'wait', ''].join('\n');
}

/**
 * Waits until each PID runs its own program: `echo $!` prints a background subshell's PID
 * before that subshell has exec'd, so for a moment the PID still reads as the shell (seen in CI:
 * the servers' cmdline was the script). Bounded at 2 s; a PID gone meanwhile is left to the
 * caller (its `alive` says so).
 */
async function untilExeced(pids: number[], shellCmdline: string): Promise<void> {
  const cmdline = (pid: number): string | undefined => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return undefined;
    }
  };
  for (const deadline = Date.now() + 2000; Date.now() < deadline; await sleep(2)) {
    if (pids.every((pid) => cmdline(pid) !== shellCmdline)) return;
  }
}

/**
 * Starts the commands in one new session (a detached shell, i.e. `setsid`); resolves with their
 * PIDs once each has exec'd its command. Their stderr goes to this process's stderr.
 * `ownSession: false` keeps them in the caller's session (the benchmark's layout before
 * 2026-11-29, for A/B runs).
 */
export async function startServerSession(commands: string[][], options: { ownSession?: boolean } = {}): Promise<ServerSession> {
  const shell: ChildProcess = spawn('sh', ['-c', sessionScript(commands)], { detached: options.ownSession ?? true, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => shell.once('exit', () => resolve()));
  const pids = await new Promise<number[]>((resolve, reject) => {
    let out = '';
    const done = (err?: Error) => {
      shell.stdout!.removeAllListeners('data');
      if (err) reject(err);
      else resolve(out.trim().split('\n').map(Number));
    };
    shell.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.split('\n').length > commands.length) done();
    });
    shell.once('error', done);
    void exited.then(() => done(new Error(`the server session's shell exited before printing ${commands.length} PIDs: ${JSON.stringify(out)}`)));
  });
  await untilExeced(pids, `sh\0-c\0${sessionScript(commands)}\0`);
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of pids) if (alive(pid)) process.kill(pid, sig);
  };
  return {
    pids,
    alive,
    async stop() {
      if (shell.exitCode !== null || shell.signalCode !== null) return;
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
