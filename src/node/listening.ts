/**
 * @module Whether a container's program listens yet: the catalog nginx is reported Running once
 * its TCP ports listen (README.md, "Termination and the data plane": a pod without a readiness
 * probe is Ready with Running, and the rules may send it a connection before nginx has bound its
 * port). Read from `/proc/<pid>/net/tcp`, the program's network namespace's table.
 */
import { readFile } from 'node:fs/promises';
import type { Clock } from '../client/index.js';

/** The local ports in state LISTEN (0A) of a `/proc/net/tcp` (or tcp6) text. Pure. */
export function listeningPorts(procNetTcp: string): Set<number> {
  const ports = new Set<number>();
  for (const line of procNetTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== '0A') continue;
    const port = Number.parseInt(fields[1].slice(fields[1].lastIndexOf(':') + 1), 16);
    if (Number.isFinite(port)) ports.add(port);
  }
  return ports;
}

/**
 * Resolves true once every one of `ports` listens in `pid`'s network namespace (IPv4 or IPv6),
 * polling every `intervalMs` (default 5); false after `timeoutMs`, when `gone()` says the program
 * ended, or when its table cannot be read.
 */
export async function waitListening(pid: number, ports: readonly number[], options: { clock: Clock; timeoutMs: number; intervalMs?: number; gone?: () => boolean }): Promise<boolean> {
  const { clock } = options;
  const deadline = clock.now() + options.timeoutMs;
  for (;;) {
    let text: string;
    try {
      text = (await readFile(`/proc/${pid}/net/tcp`, 'utf8')) + (await readFile(`/proc/${pid}/net/tcp6`, 'utf8').catch(() => ''));
    } catch {
      return false;
    }
    const listening = listeningPorts(text);
    if (ports.every((p) => listening.has(p))) return true;
    if (options.gone?.() || clock.now() >= deadline) return false;
    await new Promise<void>((r) => clock.setTimeout(r, options.intervalMs ?? 5));
  }
}
