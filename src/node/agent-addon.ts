/**
 * @module The node agent's native helpers (native/agent-addon.c, built by
 * scripts/build-native.js into build/node-agent.node): a socket made inside a pod's network
 * namespace (port-forward's localhost dial, netns-dial.ts), a terminal's size set without a
 * process (attach and exec resizes, streams/pty.ts), and the system's words for an errno.
 * Loaded once; where it was not built each caller keeps its fallback (the pod-IP dial, `stty`).
 */
import { builtPath, loadAddon } from '../native/built.js';

/**
 * The addon's functions; failures throw an Error with `errno` (positive), `code` (as Node names
 * it: EBADF, ELOOP, ...; UNKNOWN), `syscall` and `path` (the file it was about, if any).
 */
export interface AgentAddon {
  /** A non-blocking TCP socket of `family` made inside the network namespace at `path`. */
  socketIn(path: string, family: 4 | 6): number;
  /** Sets the size of the terminal at `path` (TIOCSWINSZ: SIGWINCH to its foreground group on a change). */
  setWinsize(path: string, rows: number, cols: number): void;
  /** The system's words for an errno, lowercased as Go prints them ("connection refused"). */
  strerror(errno: number): string;
}

/** Where scripts/build-native.js puts the addon: <package root>/build/node-agent.node. */
export function agentAddonPath(): string {
  return builtPath('node-agent.node');
}

/** The addon at `path`, or why not (not built, another Node's ABI, not ours). */
export function loadAgentAddon(path = agentAddonPath()): AgentAddon | Error {
  return loadAddon<AgentAddon>(path, "kubito's node agent addon", (m) => typeof m.socketIn === 'function' && typeof m.setWinsize === 'function' && typeof m.strerror === 'function');
}
