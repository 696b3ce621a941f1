/**
 * @module The host programs the runtime drives, found once on PATH (and in the sbin
 * directories, which a normal user's PATH may lack): one clear error names what is missing.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export interface HostBinaries {
  ip: string;
  unshare: string;
  nsenter: string;
  mount: string;
  hostname: string;
  script: string;
  stty: string;
  mkfifo: string;
  sh: string;
  nginx?: string;
  busybox?: string;
  /** coreutils' mkdir and chown: the shell chain's overlays (mount points the host lacks). */
  mkdir?: string;
  chown?: string;
  /** util-linux setpriv: a securityContext's identity for exec (and the shell chain's containers). */
  setpriv?: string;
  /** The native container launcher (native-launcher.ts), when the agent chose it. */
  launcher?: string;
}

const SEARCH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The first executable `name` on PATH or in the usual directories, or undefined. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of [...path.split(':').filter(Boolean), ...SEARCH]) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the binaries; throws one error listing every required one that is missing. */
export function findHostBinaries(): HostBinaries {
  const required = { ip: 'iproute2', unshare: 'util-linux', nsenter: 'util-linux', mount: 'mount', hostname: 'hostname', script: 'bsdutils', stty: 'coreutils', mkfifo: 'coreutils', sh: 'dash' } as const;
  const found: Partial<HostBinaries> = {};
  const missing: string[] = [];
  for (const [name, pkg] of Object.entries(required)) {
    const path = findExecutable(name);
    if (path) found[name as keyof typeof required] = path;
    else missing.push(`${name} (Debian package ${pkg})`);
  }
  if (missing.length) throw new Error(`the node agent needs these programs, which are not installed: ${missing.join(', ')}`);
  return { ...(found as HostBinaries), nginx: findExecutable('nginx'), busybox: findExecutable('busybox'), mkdir: findExecutable('mkdir'), chown: findExecutable('chown'), setpriv: findExecutable('setpriv') };
}
