/**
 * @module Which program starts a container: the native launcher (`build/kubito-launch`, C,
 * src/node/native/launch.c, built by scripts/build-native.js) when it was built, else the shell
 * chain (`ip netns exec` + `unshare` + `sh`). `KUBITO_LAUNCHER=native|shell` forces one
 * (`native` without the program is an error, not a silent fallback). The native argv (pure)
 * carries everything the shell script did: network namespace, hostname, the pod's /etc files
 * (bound only where the host has the file), volumes, stdio FIFOs, working directory and the
 * exact environment (as `--env` words: the launcher passes those alone to the program).
 */
import { isAbsolute, relative } from 'node:path';
import { builtPath } from '../native/built.js';
import { isExecutable } from './host-tools.js';
import type { LaunchSpec } from './container-process.js';
import { launcherIdentityArgs } from './security-context.js';
import { shellQuote } from './shell-quote.js';

export type LauncherKind = 'native' | 'shell';

export interface LauncherChoice {
  kind: LauncherKind;
  /** The native program (kind 'native'). */
  path?: string;
  /** Why this one, for the agent's log line. */
  reason: string;
}

/** Where scripts/build-native.js puts the program: <package root>/build/kubito-launch. */
export function nativeLauncherPath(): string {
  return builtPath('kubito-launch');
}

export class LauncherChoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LauncherChoiceError';
  }
}

/**
 * Picks the launcher from `KUBITO_LAUNCHER` (native, shell, or unset/auto) and whether the
 * program exists; throws LauncherChoiceError for an unknown value or a forced native launcher
 * that was not built.
 */
export function chooseLauncher(env: Record<string, string | undefined>, options: { path?: string } = {}): LauncherChoice {
  const path = options.path ?? nativeLauncherPath();
  const wanted = (env.KUBITO_LAUNCHER ?? '').trim() || 'auto';
  if (!['auto', 'native', 'shell'].includes(wanted)) throw new LauncherChoiceError(`KUBITO_LAUNCHER=${wanted}: expected native, shell or auto`);
  if (wanted === 'shell') return { kind: 'shell', reason: 'KUBITO_LAUNCHER=shell' };
  const built = isExecutable(path);
  if (wanted === 'native' && !built) throw new LauncherChoiceError(`KUBITO_LAUNCHER=native but the native launcher ${path} was not built (node scripts/build-native.js)`);
  if (!built) return { kind: 'shell', reason: `${path} not built` };
  return { kind: 'native', path, reason: wanted === 'native' ? 'KUBITO_LAUNCHER=native' : `${path} built` };
}

/**
 * The native launcher's argv for a run (pure). Paths under the pod's directory are given
 * relative to it (the launcher starts there), as the shell script did, so that a volume mounted
 * over a parent of the data dir cannot hide files still to be opened.
 */
export function nativeLaunchArgv(spec: LaunchSpec, options: { launcher: string; script: string }): string[] {
  // The agent's paths are join()ed from the pod's directory: a prefix test says it without
  // path.relative (which resolves both against the cwd: ~0.1 ms a call in a burst, 7 a run).
  const prefix = spec.baseDir.endsWith('/') ? spec.baseDir : `${spec.baseDir}/`;
  const baseDirPlain = isAbsolute(spec.baseDir) && !spec.baseDir.includes('/.');
  const local = (path: string): string => {
    const plain = !path.includes('/../') && !path.includes('/./') && !path.endsWith('/..') && !path.endsWith('/.');
    if (path.startsWith(prefix) && plain && path.length > prefix.length) return path.slice(prefix.length);
    // An absolute plain path elsewhere (the /etc files on the tmpfs scratch dir) stays as it is.
    if (plain && baseDirPlain && isAbsolute(path) && !path.startsWith(prefix) && `${path}/` !== prefix) return path;
    const rel = relative(spec.baseDir, path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  };
  const argv = [options.launcher, '--netns', spec.netns];
  if (spec.adoptNetns) argv.push('--adopt-netns', spec.adoptNetns);
  argv.push('--hostname', spec.hostname, '--dir', spec.baseDir);
  for (const o of spec.overlays ?? []) {
    argv.push('--overlay', o.dir);
    for (const k of o.keep) argv.push('--keep', k);
  }
  for (const c of spec.create ?? []) argv.push(c.kind === 'file' ? '--mkfile' : '--mkdir', c.path);
  argv.push('--bind-etc', local(spec.etc.hosts), '/etc/hosts');
  argv.push('--bind-etc', local(spec.etc.resolvConf), '/etc/resolv.conf');
  argv.push('--bind-etc', local(spec.etc.hostname), '/etc/hostname');
  for (const m of spec.mounts) argv.push(m.readOnly ? '--bind-ro' : '--bind', local(m.source), m.target);
  argv.push('--stdout', local(spec.fifos.stdout), '--stderr', local(spec.fifos.stderr), '--cwd', spec.workingDir || '/');
  if (spec.targetPid !== undefined) argv.push('--target-pid', String(spec.targetPid));
  if (spec.identity) argv.push(...launcherIdentityArgs(spec.identity));
  for (const [k, v] of Object.entries(spec.env)) argv.push('--env', `${k}=${v}`);
  argv.push('--');
  if (!spec.tty) return [...argv, ...spec.argv];
  const command = `exec ${spec.argv.map(shellQuote).join(' ')}`;
  return [...argv, options.script, '-q', '-e', '-f', '-c', command, '/dev/null'];
}

