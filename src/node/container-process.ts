/**
 * @module Starting one run of a container as host processes, and exec'ing into it. A container is
 *
 *   ip netns exec <pod netns> unshare --uts --ipc --mount --propagation private --pid --fork
 *      --mount-proc --kill-child -- sh -c '<hostname, bind mounts, cd>; exec "$@"' - <argv>
 *
 * so its program is PID 1 of its own PID namespace (it dies with everything it started, and as
 * in any container, ignores signals it has no handler for), with the pod's network, hostname
 * and /etc/{hosts,resolv.conf,hostname}. `unshare` (the process the agent spawned) waits for
 * it. The program's stdout and stderr are FIFOs, as container runtimes give them (a program
 * may reopen /dev/stdout, which fails on the socket pairs Node makes for child stdio): the
 * agent opens their read ends first and holds a write end of its own until the run exits, so
 * the streams end only once every writer is gone and all output is read. unshare's own stderr
 * stays a separate pipe: set-up failures are not mixed into the container's log, and
 * util-linux 2.38's unshare, which exits 1 with "sigprocmask unblock failed" when its child
 * was killed, still tells a SIGKILL (137) from an exit code. Exec and exec probes enter the running program's namespaces with
 * nsenter. With a TTY the program runs under util-linux `script`, on a pseudo-terminal.
 */
import { spawn } from 'node:child_process';
import { closeSync, constants, lchownSync, openSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import { isAbsolute, relative } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { HostBinaries } from './host-tools.js';
import type { Overlay } from './mount-plan.js';
import { setprivArgv, type ProcessIdentity } from './security-context.js';
import { killLeftovers } from './leftovers.js';
import { nativeLaunchArgv } from './native-launcher.js';
import type { Runner } from './runner.js';
import type { HelperProcess } from './shell-runner.js';
import { shellQuote } from './shell-quote.js';
import { setTerminalSize } from './streams/pty.js';

export interface ContainerMount {
  source: string;
  target: string;
  readOnly?: boolean;
}

export interface LaunchSpec {
  netns: string;
  /**
   * A warm pool sandbox's name while the pod's own (`netns`) is not yet bound: the native
   * launcher enters it and names it `netns` (launch.c, `--adopt-netns`). The shell chain is
   * never given one (its sandbox is named by the pool: sandbox-pool.ts).
   */
  adoptNetns?: string;
  /**
   * The pod's directory: the wrapper starts there and names what lies inside it by relative
   * paths, so a volume mounted over a parent of the data dir (an emptyDir at /tmp, say) cannot
   * hide the files and FIFOs still to be opened.
   */
  baseDir: string;
  /** Paths for the stdout and stderr FIFOs (created here, removed when the run ends). */
  fifos: { stdout: string; stderr: string };
  hostname: string;
  /** Files bind-mounted over /etc/hosts, /etc/resolv.conf, /etc/hostname. */
  etc: { hosts: string; resolvConf: string; hostname: string; fstab?: string };
  mounts: ContainerMount[];
  /**
   * Overlays for mount points the host does not have (mount-plan.ts), made before the /etc files
   * and the binds, and the mount points then made in them. Pods without: nothing changes.
   */
  overlays?: Overlay[];
  create?: Array<{ path: string; kind: 'dir' | 'file' }>;
  /**
   * The shell chain's mount point (under the pod's directory) for the tmpfs holding the
   * overlays' upper and work directories, in the container's mount namespace alone.
   */
  overlayScratch?: string;
  workingDir: string;
  env: Record<string, string>;
  argv: string[];
  tty: boolean;
  stdin: boolean;
  /**
   * An ephemeral container's target (targetContainerName): the host pid of that container's
   * PID 1, whose PID namespace the run joins instead of having one of its own.
   */
  targetPid?: number;
  /** The securityContext's user, groups, capabilities, no_new_privs, read-only root (security-context.ts). */
  identity?: ProcessIdentity;
}


/**
 * The sh script run as the container's first process before it execs the program. Pure. Every
 * process it starts counts in a burst of pods: the hostname is written to the UTS namespace's
 * /proc/sys/kernel/hostname by the shell itself (the hostname program where that is refused: in
 * a user namespace), and the /etc files are bound by busybox's mount where there is one
 * (util-linux's costs twice as much to start), all three by one `mount -a -T <the pod's fstab>`
 * when the sandbox wrote one; volumes by util-linux's (read-only binds).
 */
export function setupScript(spec: LaunchSpec, bin: Pick<HostBinaries, 'hostname' | 'mount' | 'script' | 'busybox' | 'mkdir' | 'chown' | 'setpriv'>): string {
  const q = shellQuote;
  const local = (path: string): string => {
    const rel = relative(spec.baseDir, path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  };
  // The FIFOs are opened first (fds 3 and 4, moved to 1 and 2 after the mounts): the agent's FIFO
  // pool is on tmpfs (/dev/shm), which a volume mounted there would hide.
  const steps = [
    `cd ${q(spec.baseDir)}`,
    `exec 3>${q(local(spec.fifos.stdout))} 4>${q(local(spec.fifos.stderr))}`,
    `{ printf %s ${q(spec.hostname)} 2>/dev/null >/proc/sys/kernel/hostname || ${q(bin.hostname)} ${q(spec.hostname)}; }`,
  ];
  if (spec.overlays?.length) steps.push(...overlaySteps(spec, bin, local));
  const etc: Array<[string, string]> = [
    [spec.etc.hosts, '/etc/hosts'],
    [spec.etc.resolvConf, '/etc/resolv.conf'],
    [spec.etc.hostname, '/etc/hostname'],
  ];
  const bind = bin.busybox ? `${q(bin.busybox)} mount -o bind` : `${q(bin.mount)} --bind`;
  // With busybox and the pod's fstab (the binds of the /etc files that exist): one process.
  if (bin.busybox && spec.etc.fstab) steps.push(`${q(bin.busybox)} mount -a -T ${q(local(spec.etc.fstab))}`);
  else for (const [source, target] of etc) steps.push(`{ [ ! -e ${target} ] || ${bind} ${q(local(source))} ${target}; }`);
  // Volumes: with overlays, `mount -c` (no canonicalizing: a source's real path could lie below
  // an overlaid directory, seen through it) binds the names relative to the pod's directory.
  const noCanon = spec.overlays?.length ? ' -c' : '';
  for (const m of spec.mounts) steps.push(`${q(bin.mount)}${noCanon} ${m.readOnly ? '-o bind,ro' : '--bind'} ${q(local(m.source))} ${q(m.target)}`);
  // A read-only root: `/` and the overlays on directories (an image's, read-only with it); the binds on them stay.
  if (spec.identity?.readOnlyRoot) for (const dir of ['/', ...(spec.overlays ?? []).map((o) => o.dir).filter((d) => d !== '/')]) steps.push(`${q(bin.mount)} -o remount,bind,ro ${q(dir)}`);
  // The securityContext's identity: setpriv execs the program (native: the launcher's --user...).
  const as = spec.identity ? `${setprivArgv(bin.setpriv ?? 'setpriv', spec.identity).map(q).join(' ')} ` : '';
  const run = spec.tty ? `exec ${as}${q(bin.script)} -q -e -f -c ${q(`exec ${spec.argv.map(q).join(' ')}`)} /dev/null` : `exec ${as}"$@"`;
  return [
    `${steps.join(' && ')} || exit 128`,
    'exec >&3 2>&4 3>&- 4>&-',
    `cd ${q(spec.workingDir || '/')} || exit 128`,
    run,
    '',
  ].join('\n');
}

/**
 * The shell chain's overlays (pure; the native launcher's --overlay, done with mount programs):
 * a tmpfs on the pod's scratch mount point for the upper and work directories, each kept mount
 * below an overlaid directory bound recursively aside, the overlay mounted on the directory
 * (with `userxattr` where the kernel refuses it without: a user namespace), the kept mounts
 * moved back on top of it, then the missing mount points made in it.
 */
function overlaySteps(spec: LaunchSpec, bin: Pick<HostBinaries, 'mount' | 'mkdir' | 'chown'>, local: (path: string) => string): string[] {
  const q = shellQuote;
  const mount = `${q(bin.mount)} -c`;
  const mkdir = q(bin.mkdir ?? 'mkdir');
  const t = local(spec.overlayScratch ?? '.overlays');
  const steps = [`${mount} -t tmpfs -o mode=0700 kubito-overlays ${q(t)}`];
  (spec.overlays ?? []).forEach((o, i) => {
    const upper = `${t}/u${i}`;
    const work = `${t}/w${i}`;
    const keeps = o.keep.map((_k, k) => `${t}/k${i}-${k}`);
    steps.push(`${mkdir} -m ${(o.mode ?? 0o755).toString(8)} ${q(upper)}`, `${mkdir} ${[work, ...keeps].map(q).join(' ')}`);
    if ((o.uid ?? 0) !== 0 || (o.gid ?? 0) !== 0) steps.push(`{ ${q(bin.chown ?? 'chown')} ${o.uid ?? 0}:${o.gid ?? 0} ${q(upper)} 2>/dev/null || :; }`);
    // A kept mount that went away since the agent read the table: nothing to keep.
    o.keep.forEach((k, j) => steps.push(`{ [ ! -e ${q(k)} ] || { ${mount} --rbind ${q(k)} ${q(keeps[j])} && kept${i}_${j}=1; }; }`));
    const options = `lowerdir=${o.dir},upperdir=${upper},workdir=${work}`;
    steps.push(`{ ${mount} -t overlay -o ${q(options)} kubito-overlay ${q(o.dir)} 2>/dev/null || ${mount} -t overlay -o ${q(`${options},userxattr`)} kubito-overlay ${q(o.dir)}; }`);
    o.keep.forEach((k, j) => steps.push(`{ [ -z "\${kept${i}_${j}-}" ] || ${mount} --move ${q(keeps[j])} ${q(k)}; }`));
  });
  const dirs = (spec.create ?? []).map((c) => (c.kind === 'dir' ? c.path : posixDirname(c.path)));
  if (dirs.length) steps.push(`${mkdir} -p ${dirs.map(q).join(' ')}`);
  for (const c of spec.create ?? []) if (c.kind === 'file') steps.push(`: >>${q(c.path)}`);
  return steps;
}

function posixDirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The argv that starts the container: the native launcher's when bin has one, else the shell chain's. Pure. */
export function launchArgv(spec: LaunchSpec, bin: HostBinaries): string[] {
  if (bin.launcher) return nativeLaunchArgv(spec, { launcher: bin.launcher, script: bin.script });
  // A target's PID namespace is entered (nsenter forks into it) before unshare makes the rest.
  const pid = spec.targetPid === undefined ? ['--pid'] : [];
  const enter = spec.targetPid === undefined ? [] : [bin.nsenter, '-t', String(spec.targetPid), '-p', '--'];
  return [
    bin.ip, 'netns', 'exec', spec.netns, ...enter,
    bin.unshare, '--uts', '--ipc', '--mount', '--propagation', 'private', ...pid, '--fork', '--mount-proc', '--kill-child', '--',
    bin.sh, '-c', setupScript(spec, bin), 'kubito-init', ...(spec.tty ? [] : spec.argv),
  ];
}

/**
 * The argv that runs a command inside a running container (its program's pid), as the
 * container's user with its groups, capabilities and no_new_privs (runc exec applies the
 * container's process settings): setpriv after nsenter. Pure.
 */
export function execArgv(pid: number, argv: string[], options: { workingDir: string; tty: boolean; identity?: ProcessIdentity }, bin: HostBinaries): string[] {
  const as = options.identity ? setprivArgv(bin.setpriv ?? 'setpriv', options.identity) : [];
  const enter = [bin.nsenter, '-t', String(pid), '-n', '-u', '-i', '-m', '-p', `--wd=${options.workingDir || '/'}`, '--', ...as];
  if (!options.tty) return [...enter, ...argv];
  return [...enter, bin.script, '-q', '-e', '-f', '-c', `exec ${argv.map(shellQuote).join(' ')}`, '/dev/null'];
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the launcher (unshare/ip, or the native one) said on its own stderr (set-up failures). */
  runtimeMessage: string;
}

/** The exit code the status reports: a signal is 128 + its number. */
export function exitCodeOf(status: ExitStatus): number {
  if (status.signal) return 128 + (SIGNAL_NUMBERS[status.signal] ?? 0);
  if (status.code === 1 && /sigprocmask unblock failed/.test(status.runtimeMessage)) return 137;
  return status.code ?? 0;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

/**
 * Makes the output FIFOs of a run (Node has no mkfifo): replaces leftovers of an earlier one.
 * Through the agent's Runner (its command helper: no spawn from the agent).
 */
export async function makeFifos(fifos: { stdout: string; stderr: string }, options: { bin: Pick<HostBinaries, 'mkfifo'>; runner: Runner }): Promise<void> {
  await Promise.all([rm(fifos.stdout, { force: true }), rm(fifos.stderr, { force: true })]);
  await options.runner.run([options.bin.mkfifo, '-m', '600', fifos.stdout, fifos.stderr]);
}

/**
 * Gives a run's output FIFOs to the container's user (its uid; the group kept), as runc's
 * fixStdioPermissions gives it its stdio: a program run as another user opens /dev/stdout and
 * /dev/stderr (its FIFOs, through /proc/self/fd) to write its log. A uid the agent cannot give
 * (rootless: outside its user namespace) leaves them root's, as runc leaves them.
 */
export function giveFifos(fifos: { stdout: string; stderr: string }, uid: number): void {
  for (const path of [fifos.stdout, fifos.stderr]) {
    try {
      lchownSync(path, uid, -1);
    } catch (err) {
      if (!['EINVAL', 'EPERM', 'EROFS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    }
  }
}

/**
 * Starts a process for the agent without the agent forking (the command helper, shell-runner.ts):
 * stdin /dev/null, stdout discarded, exactly `env`.
 */
export interface ProcessStarter {
  /** envInArgv: the argv gives the program its environment itself (the native launcher): no `env -i`. */
  start(argv: string[], options: { env: Record<string, string>; envInArgv?: boolean }): HelperProcess;
}

/**
 * One run of a container (its FIFOs made by makeFifos or the pool). Without stdin it is started
 * by the `starter` when there is one (Node's spawn stops the agent until the child has exec'd:
 * 5-10 ms a container on a busy machine); with stdin (attach), by the agent, which holds the pipe.
 */
export class ContainerProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdin: Writable | null;
  readonly exited: Promise<ExitStatus>;
  /**
   * When the launcher reports it (the native one, through the command helper): resolves with
   * the program's pid once it runs, undefined if the run ended first. Else undefined: poll
   * programPid().
   */
  readonly programReady: Promise<number | undefined> | undefined;
  #pid: number | undefined;
  #program: number | undefined;
  #killWhenStarted = false;
  #runtime = '';

  constructor(spec: LaunchSpec, options: { bin: HostBinaries; starter?: ProcessStarter }) {
    // Made just before (asynchronously: a burst of pods must not stall the agent).
    const fifos = [spec.fifos.stdout, spec.fifos.stderr];
    const readers = fifos.map((f) => openSync(f, constants.O_RDONLY | constants.O_NONBLOCK));
    const holders = fifos.map((f) => openSync(f, constants.O_WRONLY | constants.O_NONBLOCK));
    const [stdout, stderr] = readers.map((fd) => new net.Socket({ fd, readable: true, writable: false }));
    this.stdout = stdout;
    this.stderr = stderr;
    const argv = launchArgv(spec, options.bin);
    const ended = Promise.all([stdout, stderr].map((s) => new Promise<void>((r) => {
      s.once('close', () => r());
      s.on('error', () => undefined);
    })));
    let exit: Promise<ExitStatus>;
    if (options.starter && !spec.stdin) {
      const started = options.starter.start(argv, { env: spec.env, envInArgv: !!options.bin.launcher });
      this.stdin = null;
      this.programReady = started.program?.then((pid) => (this.#program = pid));
      void started.pid.then((pid) => {
        this.#pid = pid;
        if (pid && this.#killWhenStarted) this.signal('SIGKILL');
      });
      exit = started.exited.then((r) => ({ code: r.code, signal: r.signal, runtimeMessage: r.stderr.slice(0, 4096) }));
    } else {
      const child = spawn(argv[0], argv.slice(1), {
        env: spec.env,
        detached: true,
        stdio: [spec.stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'],
      });
      this.#pid = child.pid;
      this.programReady = undefined;
      this.stdin = spec.stdin ? child.stdin : null;
      child.stdin?.on('error', () => undefined);
      child.stderr!.on('data', (c: Buffer) => {
        if (this.#runtime.length < 4096) this.#runtime += c.toString();
      });
      exit = new Promise<ExitStatus>((resolve) => {
        child.once('error', (err) => resolve({ code: 128, signal: null, runtimeMessage: err.message }));
        child.once('close', (code, signal) => resolve({ code, signal, runtimeMessage: '' }));
      });
    }
    this.exited = exit.then(async (status) => {
      this.#program = undefined; // its pid may be reused from now on
      // A targeted run's leftovers (the native launcher kills them itself): leftovers.ts.
      if (spec.targetPid !== undefined && !options.bin.launcher) await killLeftovers(holders).catch(() => 0);
      // Our write ends go; the read ends see EOF once the container's are gone too.
      for (const fd of holders) closeSync(fd);
      for (const f of fifos) rmSync(f, { force: true });
      await ended;
      return { ...status, runtimeMessage: (status.runtimeMessage || this.#runtime).trim() };
    });
  }

  /** The launcher's pid (unshare's); undefined until the helper has reported it. */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** The container's PID 1, as the host sees it; undefined before it exists or after it ended. */
  programPid(): number | undefined {
    if (this.#program) return this.#program;
    const pid = this.#pid;
    if (!pid) return undefined;
    try {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      return children.length ? Number(children[0]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Signals the container's program (PID 1 of its namespace); SIGKILL ends the whole container. */
  signal(sig: NodeJS.Signals): void {
    const program = this.programPid();
    try {
      if (program) process.kill(program, sig);
      else if (sig === 'SIGKILL' && this.#pid) process.kill(this.#pid, 'SIGKILL');
      else if (sig === 'SIGKILL') this.#killWhenStarted = true;
    } catch {
      // Already gone.
    }
  }
}

/** The pseudo-terminal a process tree under `pid` uses (a /dev/pts path), if any. */
export function findTerminal(pid: number): string | undefined {
  const queue = [pid];
  for (let i = 0; i < queue.length && i < 64; i++) {
    const p = queue[i];
    try {
      const fd0 = readlinkSync(`/proc/${p}/fd/0`);
      if (fd0.startsWith('/dev/pts/')) return `/proc/${p}/fd/0`;
    } catch {
      // gone or not ours
    }
    try {
      for (const tid of [p]) {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
        queue.push(...kids);
      }
    } catch {
      // gone
    }
  }
  return undefined;
}

/**
 * Sets a terminal's size (the foreground program gets SIGWINCH): streams/pty.ts
 * `setTerminalSize`, one ioctl with the agent's addon, else `stty`. Resolves once it is set, so
 * that sizes applied one after another land in order: kubectl attach sends its size plus one and
 * then its size, and two racing `stty`s could leave the first.
 */
export async function resizeTerminal(bin: HostBinaries, pid: number, size: { width: number; height: number }): Promise<void> {
  const tty = findTerminal(pid);
  if (tty) await setTerminalSize(tty, size, { stty: bin.stty });
}
