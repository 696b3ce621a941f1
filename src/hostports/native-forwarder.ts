/**
 * @module The node agent's native TCP forwarder for handed host listeners (native/tcp-splice.c,
 * built by scripts/build-native.js into build/hostports-fwd.node): it takes over a handed
 * `net.Server`'s listening socket (a dup of its descriptor; the Server is closed, so libuv no
 * longer accepts on it) and forwards each connection in C on its own thread. The JS
 * path (handed-listeners.ts) stays for userspace mode, UDP, and when the module is absent;
 * KUBITO_HOSTPORTS_FORWARDER=js|native forces one.
 */
import type { Server } from 'node:net';
import { parseIPv4 } from '../api/service/net.js';
import { builtPath, loadAddon } from '../native/built.js';
import type { HostListenerSpec } from './desired.js';

/** The addon's functions (tcp-splice.c). */
export interface NativeForwarderModule {
  listen(fd: number, ip: number, port: number, ranges: number[] | null, io: number): number;
  update(id: number, ip: number, port: number, ranges: number[] | null): boolean;
  close(id: number): boolean;
  destroy(id: number): boolean;
  stats(id: number): number[] | null;
  engine(maxConns?: number): number[];
}

export type ForwarderKind = 'js' | 'native';
/** `auto`: native when the module loads, else js. */
export type ForwarderChoice = ForwarderKind | 'auto';

export interface ForwarderStats {
  accepted: number;
  active: number;
  /** Clients outside loadBalancerSourceRanges, reset. */
  refusedSource: number;
  /** Clients reset because the engine held maxConns connections. */
  overLimit: number;
  /** Dials that failed or timed out (5 s); the client was reset. */
  connectFailed: number;
  /** Connections ended by a reset (any cause, destroy included). */
  reset: number;
  /** accept/socket/pipe failures. */
  errors: number;
}

/** One listening socket the native engine serves. */
export interface NativeListener {
  readonly id: number;
  /** New connections go to the spec's target, under its source ranges. */
  update(spec: Pick<HostListenerSpec, 'target' | 'sourceRanges'>): void;
  /** Stops accepting; the port is free on return; open connections go on. */
  close(): void;
  /** close(), and every connection of this listener is reset. */
  destroy(): void;
  /** undefined once closed with no connection left. */
  stats(): ForwarderStats | undefined;
}

/** Where `npm run build` puts the module: <package root>/build/hostports-fwd.node. */
export function defaultModulePath(): string {
  return builtPath('hostports-fwd.node');
}

/** The module at `path`, or why not (absent, wrong ABI, not ours). */
export function loadNativeForwarder(path = defaultModulePath()): NativeForwarderModule | Error {
  return loadAddon<NativeForwarderModule>(path, "kubito's host-port forwarder", (m) => typeof m.listen === 'function' && typeof m.destroy === 'function' && typeof m.engine === 'function');
}

/** The forwarder asked for by KUBITO_HOSTPORTS_FORWARDER (`auto` when unset or unknown). */
export function forwarderChoiceFromEnv(env: NodeJS.ProcessEnv = process.env): ForwarderChoice {
  const v = env.KUBITO_HOSTPORTS_FORWARDER;
  return v === 'js' || v === 'native' ? v : 'auto';
}

/**
 * loadBalancerSourceRanges as the addon takes them: a flat [net, mask, ...] list of uint32s,
 * null for "everyone". Same meaning as desired.ts `sourceAllowed`: a malformed range matches
 * no one (so ranges that are all malformed let no one in).
 */
export function rangesToMasks(ranges: string[] | undefined): number[] | null {
  if (!ranges?.length) return null;
  const out: number[] = [];
  for (const range of ranges.slice(0, 64)) {
    const [base, bitsText] = range.split('/');
    const network = parseIPv4(base ?? '');
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    if (network === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) continue;
    out.push(network >>> 0, bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);
  }
  return out;
}

function targetOf(spec: Pick<HostListenerSpec, 'target'>): [number, number] {
  const ip = parseIPv4(spec.target.ip);
  if (ip === undefined) throw new Error(`target ${spec.target.ip} is not an IPv4 address`);
  return [ip >>> 0, spec.target.port];
}

/** The descriptor of a listening net.Server, if it has one (Unix). */
export function serverFd(server: Server): number | undefined {
  const fd = (server as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

const STAT_NAMES = ['accepted', 'active', 'refusedSource', 'overLimit', 'connectFailed', 'reset', 'errors'] as const;

/**
 * Hands `server`'s listening socket to the engine (a dup) and closes the Server (libuv stops
 * accepting on its descriptor; the socket stays open through the dup). Throws (and leaves the
 * Server as it was) when the socket cannot be taken. Bytes move with recv/send through a 16 KiB
 * buffer per direction (`io: 'copy'`, the default: the cheaper one for request/response traffic,
 * measured) or with splice() through a pipe per direction (`io: 'splice'`).
 */
export function forwardNatively(mod: NativeForwarderModule, server: Server, spec: Pick<HostListenerSpec, 'target' | 'sourceRanges'> & { io?: 'splice' | 'copy' }): NativeListener {
  const fd = serverFd(server);
  if (fd === undefined) throw new Error('the server has no listening descriptor');
  const [ip, port] = targetOf(spec);
  const id = mod.listen(fd, ip, port, rangesToMasks(spec.sourceRanges), spec.io === 'splice' ? 1 : 0);
  server.close();
  return {
    id,
    update(next) {
      const [nip, nport] = targetOf(next);
      mod.update(id, nip, nport, rangesToMasks(next.sourceRanges));
    },
    close: () => void mod.close(id),
    destroy: () => void mod.destroy(id),
    stats() {
      const s = mod.stats(id);
      if (!s) return undefined;
      return Object.fromEntries(STAT_NAMES.map((n, i) => [n, s[i] ?? 0])) as unknown as ForwarderStats;
    },
  };
}
