/**
 * @module port-forward's dial, as containerd's (internal/cri/server/sandbox_portforward_linux.go):
 * `localhost:<port>` *inside the pod's network namespace*, IPv4 (127.0.0.1) first, then IPv6
 * ([::1]), 5 s each; so a server bound to the pod's 127.0.0.1 alone is reached. The socket is
 * made in the pod's namespace by the agent's addon (agent-addon.ts `socketIn`: two setns(2)
 * around one socket(2) on the JS thread) and connected by Node, on its loop, from
 * the agent's namespace: no thread, no process per connection. Without the addon (not built,
 * or `KUBITO_PORT_FORWARD_DIAL=pod-ip`) the agent dials the pod's IP from the node namespace
 * (what it did before; a server on the pod's 127.0.0.1 is then not reached).
 * Failures read as containerd's: `failed to execute portforward in network namespace "<path>":
 * failed to connect to localhost:<port> inside namespace "<sandbox>", IPv4: dial tcp4
 * 127.0.0.1:<port>: connect: connection refused IPv6 dial tcp6 [::1]:<port>: ...`.
 */
import net from 'node:net';
import { closeSync } from 'node:fs';
import { constants } from 'node:os';
import { agentAddonPath, loadAgentAddon, type AgentAddon } from './agent-addon.js';

/** How long one connect may take (containerd main's dialTimeout; released containerd has none). */
export const DIAL_TIMEOUT_MS = 5_000;

export type PortForwardDial = 'netns' | 'pod-ip';

export interface PortForwardDialChoice {
  kind: PortForwardDial;
  /** The addon (kind 'netns'). */
  module?: AgentAddon;
  /** Why this one, for the agent's log line. */
  reason: string;
}

/**
 * The dial from `KUBITO_PORT_FORWARD_DIAL` (netns, pod-ip, or unset/auto: netns when the addon
 * loads). Throws for an unknown value, or `netns` without the addon (no silent fallback).
 */
export function choosePortForwardDial(env: Record<string, string | undefined>, options: { path?: string } = {}): PortForwardDialChoice {
  const wanted = (env.KUBITO_PORT_FORWARD_DIAL ?? '').trim() || 'auto';
  if (!['auto', 'netns', 'pod-ip'].includes(wanted)) throw new Error(`KUBITO_PORT_FORWARD_DIAL=${wanted}: expected netns, pod-ip or auto`);
  if (wanted === 'pod-ip') return { kind: 'pod-ip', reason: 'KUBITO_PORT_FORWARD_DIAL=pod-ip' };
  const path = options.path ?? agentAddonPath();
  const mod = loadAgentAddon(path);
  if (mod instanceof Error) {
    if (wanted === 'netns') throw new Error(`KUBITO_PORT_FORWARD_DIAL=netns but ${mod.message} (node scripts/build-native.js)`);
    return { kind: 'pod-ip', reason: mod.message };
  }
  return { kind: 'netns', module: mod, reason: wanted === 'netns' ? 'KUBITO_PORT_FORWARD_DIAL=netns' : `${path} built` };
}

/** Go's words for a failed connect: `connect: connection refused`, `i/o timeout`, `socket: ...`. */
export function connectFailure(err: NodeJS.ErrnoException, strerror: (errno: number) => string): string {
  if (err.code === 'ETIMEDOUT') return 'i/o timeout';
  const errno = typeof err.errno === 'number' ? Math.abs(err.errno) : err.code ? (constants.errno as Record<string, number>)[err.code] : undefined;
  const text = errno ? strerror(errno) : err.message;
  return `${err.syscall === 'socket' || err.syscall === 'setns' ? err.syscall : 'connect'}: ${text}`;
}

/** `dial tcp4 127.0.0.1:80: <why>` / `dial tcp6 [::1]:80: <why>`, as Go's net.OpError. */
export function dialError(family: 4 | 6, port: number, why: string): string {
  return family === 4 ? `dial tcp4 127.0.0.1:${port}: ${why}` : `dial tcp6 [::1]:${port}: ${why}`;
}

/** containerd's message when neither localhost answers (its trailing space included). */
export function localhostFailure(options: { netnsPath: string; sandbox: string; port: number; ipv4: string; ipv6: string }): string {
  const { netnsPath, sandbox, port, ipv4, ipv6 } = options;
  return `failed to execute portforward in network namespace ${JSON.stringify(netnsPath)}: failed to connect to localhost:${port} inside namespace ${JSON.stringify(sandbox)}, IPv4: ${ipv4} IPv6 ${ipv6} `;
}

/** Connects a socket made by `make` (an fd, or undefined: a socket of the agent's namespace) to host:port. */
function connectOnce(make: () => number | undefined, options: { host: string; port: number; timeoutMs: number }): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    let fd: number | undefined;
    let socket: net.Socket;
    try {
      fd = make();
      socket = fd === undefined ? new net.Socket() : new net.Socket({ fd });
    } catch (err) {
      if (fd !== undefined) closeSync(fd);
      reject(err);
      return;
    }
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' }));
    }, options.timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    // Stays after the connect (a no-op then): the caller adds its own.
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
    socket.connect({ host: options.host, port: options.port });
  });
}

/** The namespace a dial was to enter is not there (its name is gone); the message is containerd's. */
export class NetnsClosedError extends Error {
  constructor(sandbox: string) {
    super(`network namespace for sandbox ${JSON.stringify(sandbox)} is closed`);
    this.name = 'NetnsClosedError';
  }
}

/**
 * localhost:port inside the namespace at `netnsPath` (undefined: the agent's own, a hostNetwork
 * pod's): 127.0.0.1, then [::1]. Rejects with containerd's message (`localhostFailure`);
 * a namespace that is gone rejects with a NetnsClosedError
 * (`network namespace for sandbox "<sandbox>" is closed`).
 */
export async function dialLocalhost(mod: Pick<AgentAddon, 'socketIn' | 'strerror'>, options: { netnsPath?: string; sandbox: string; port: number; timeoutMs?: number }): Promise<net.Socket> {
  const { netnsPath, sandbox, port } = options;
  const timeoutMs = options.timeoutMs ?? DIAL_TIMEOUT_MS;
  const errors: string[] = [];
  for (const family of [4, 6] as const) {
    const make = (): number | undefined => (netnsPath === undefined ? undefined : mod.socketIn(netnsPath, family));
    try {
      return await connectOnce(make, { host: family === 4 ? '127.0.0.1' : '::1', port, timeoutMs });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      // `path`: the pod's namespace, or the agent's own (the addon could not open its way back).
      const file = e.path ?? netnsPath;
      if (e.syscall === 'open' && e.code === 'ENOENT' && file === netnsPath) throw new NetnsClosedError(sandbox);
      if (e.syscall === 'open' || e.syscall === 'setns') throw new Error(`failed to execute portforward in network namespace ${JSON.stringify(netnsPath)}: ${e.syscall} ${file}: ${e.message}`);
      errors.push(dialError(family, port, connectFailure(e, mod.strerror)));
    }
  }
  throw new Error(localhostFailure({ netnsPath: netnsPath ?? 'host', sandbox, port, ipv4: errors[0], ipv6: errors[1] }));
}
