/**
 * @module Pseudo-terminals without native code. Node has no pty binding, so a TTY process runs
 * under util-linux `script -qfec CMD /dev/null` (in every Debian install: `bsdutils` is
 * Essential, unlike python3): script makes the pty, copies our pipes to and from its master,
 * returns the command's exit code (-e; 128+N after a signal) and flushes at once (-f). The
 * window size is set from outside on the pty slave held by script's child (/proc/<child>/fd/N):
 * by the agent's addon (TIOCSWINSZ, no process: agent-addon.ts `setWinsize`), else `stty -F
 * <slave> rows H cols W`; either way the kernel sends SIGWINCH as a real terminal would.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { promisify } from 'node:util';
import { loadAgentAddon, type AgentAddon } from '../agent-addon.js';
import { shellQuote } from '../shell-quote.js';
import type { HostCommand, TerminalSize } from './types.js';

const run = promisify(execFile);


/**
 * Before the command starts, wait (up to 0.5 s) for the terminal to get a size: kubectl sends
 * its terminal's size as the first resize message, right after the session opens, and a
 * program that asks at once (`stty size`, a shell laying out its prompt) must see it, not 0x0.
 */
export const AWAIT_TERMINAL_SIZE = 'i=0; while [ $i -lt 25 ]; do case "$(stty size 2>/dev/null)" in [1-9]*" "[1-9]*) break;; esac; sleep 0.02; i=$((i+1)); done; ';

/**
 * The host command that runs `command` on a new pseudo-terminal. script starts the command
 * through `$SHELL -c`, so SHELL is pinned to /bin/sh for script and restored (or unset) for the
 * command itself; TERM defaults to xterm, as container runtimes set it for TTY processes. The
 * command starts once the terminal has its first size (AWAIT_TERMINAL_SIZE).
 */
export function wrapInPty(command: HostCommand): HostCommand {
  const env = { ...command.env };
  if (!env.TERM) env.TERM = 'xterm';
  const restore = env.SHELL === undefined ? 'unset SHELL; ' : `SHELL=${shellQuote(env.SHELL)}; `;
  const line = `${AWAIT_TERMINAL_SIZE}${restore}exec ${[command.file, ...command.args].map(shellQuote).join(' ')}`;
  return { file: 'script', args: ['-qfec', line, '/dev/null'], env: { ...env, SHELL: '/bin/sh' }, cwd: command.cwd };
}

/**
 * Sets the size of the terminal at `device` (a pty slave). With the agent's addon one ioctl on
 * this thread (microseconds); without it `stty` (`options.stty`, else from PATH): a process per
 * size, tens to hundreds of milliseconds on a loaded machine, and kubectl sends two at once.
 * Resolves false when it could not be set (the terminal is gone).
 */
export async function setTerminalSize(device: string, size: TerminalSize, options: { stty?: string; addon?: AgentAddon | Error } = {}): Promise<boolean> {
  const addon = options.addon ?? loadAgentAddon();
  if (!(addon instanceof Error)) {
    try {
      addon.setWinsize(device, size.height, size.width);
      return true;
    } catch {
      return false;
    }
  }
  try {
    await run(options.stty ?? 'stty', ['-F', device, 'rows', String(size.height), 'cols', String(size.width)]);
    return true;
  } catch {
    return false;
  }
}

// procfs reads, synchronous: microseconds, where a promise read waits its turn in the thread
// pool behind the agent's file work (a burst of pods) before a resize could land.
function childOf(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

function ptyOf(pid: number): string | undefined {
  for (const fd of [0, 1, 2]) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('/dev/pts/')) return `/proc/${pid}/fd/${fd}`;
    } catch {
      // gone, or not open
    }
  }
  return undefined;
}

/**
 * Sets the terminal size of the pty that the `script` process `scriptPid` made. script forks
 * its child right after it starts, so a resize that comes first waits for it (up to ~1 s).
 * Returns false when there is no such terminal (the process is gone).
 */
export async function resizePty(scriptPid: number, size: TerminalSize, options: { attempts?: number; delayMs?: number } = {}): Promise<boolean> {
  const attempts = options.attempts ?? 50;
  for (let i = 0; i < attempts; i++) {
    const child = childOf(scriptPid);
    const device = child === undefined ? undefined : ptyOf(child);
    if (device) return setTerminalSize(device, size);
    await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 20));
  }
  return false;
}
