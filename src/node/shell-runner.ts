/**
 * @module A Runner whose commands are started by one long-lived `sh` (the helper), not by the
 * agent. Node's spawn forks the agent and waits for the child's exec with its event loop stopped
 * (1-5 ms each on a busy 2-core machine); a burst of 50 pods made some 250 of them, about a
 * second of the agent doing nothing else. Here the agent writes a few lines to the helper's stdin
 * per command; the helper (a small process, cheap to fork) runs each in a background subshell,
 * its stdout and stderr in files, and prints `<id> <exit code>` when it ends. Commands run
 * concurrently and give what ExecRunner gives: exit code, stdout, stderr, CommandError on a
 * non-zero exit unless allowFailure; stdin is `input` or nothing (/dev/null).
 *
 * The helper lives in the agent's namespaces (the node's network namespace) and dies with it:
 * end of its stdin ends it. Should it die meanwhile, `onHelperExit` is told (the agent exits, to
 * be started over: a command written to it as it died may be lost); without one, the next command
 * starts a new helper. Its subshells still report what they run; what has not reported when the
 * last of them is gone fails (code -1; a started process is killed and reported killed, 137).
 *
 * The native launcher (start() with envInArgv) is not started by bash but by its own server,
 * `<launcher> --serve <dir>` (launch.c), one long-lived process started on first use: its
 * parent, which reports the launcher's pid and, having reaped it, its exit status, on the same
 * report lines. bash needed a subshell per launch to wait for it (a fork, ≈ 0.5 ms of CPU, and
 * 272 KiB of memory for as long as the container ran). The server's death is a helper's death.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from './shell-quote.js';
import { findExecutable } from './host-tools.js';
import { CommandError, type RunOptions, type RunResult, type Runner } from './runner.js';
import type { ProcessStarter } from './container-process.js';

/**
 * The helper's script for one command (pure): a background subshell that reports its exit code.
 * Its stdin: `inputFile`, else `input` as a here-document, else /dev/null. ShellRunner writes
 * input to a file: bash reads a script from a pipe one byte per read(2) (so as not to consume
 * what follows), so a 30 KB here-document cost the helper ~16 ms of CPU, a file redirect nothing.
 */
export function helperBlock(id: number, argv: string[], options: { dir: string; input?: string; inputFile?: string }): string {
  const out = shellQuote(join(options.dir, `${id}.out`));
  const err = shellQuote(join(options.dir, `${id}.err`));
  const command = argv.map(shellQuote).join(' ');
  if (options.inputFile !== undefined) return `(${command} >${out} 2>${err} <${shellQuote(options.inputFile)}; echo "${id} $?") &\n`;
  if (options.input === undefined) return `(${command} >${out} 2>${err} </dev/null; echo "${id} $?") &\n`;
  // A here-document whose end line cannot occur in the input.
  let end = `KUBITO_IN_${id}`;
  while (options.input.split('\n').includes(end)) end += '_';
  const body = options.input.endsWith('\n') || options.input === '' ? options.input : `${options.input}\n`;
  return `(${command} >${out} 2>${err} <<'${end}'\n${body}${end}\necho "${id} $?") &\n`;
}

/**
 * One line of the helper's: a command's exit code, the pid of a started process (P), or the pid
 * of the program a native launcher runs, once it runs (S).
 */
export type Report = { id: number; code: number } | { id: number; pid: number } | { id: number; program: number };

/** Parses the helper's report lines (`<id> <code>`, `P <id> <pid>`, `S <id> <pid>`) out of a chunk of its stdout (pure). */
export function parseReports(text: string): { reports: Report[]; rest: string } {
  const lines = text.split('\n');
  const rest = lines.pop() ?? '';
  const reports: Report[] = [];
  for (const line of lines) {
    const m = /^([PS] )?(\d+) (\d+)$/.exec(line.trim());
    if (!m) continue;
    const id = Number(m[2]);
    const n = Number(m[3]);
    reports.push(m[1] === 'P ' ? { id, pid: n } : m[1] === 'S ' ? { id, program: n } : { id, code: n });
  }
  return { reports, rest };
}

/**
 * The helper's script that starts a long-running process (pure): in a background subshell, with
 * exactly `env` (env -i; with envInArgv, the argv's own program sets it), stdin from /dev/null, stdout discarded, stderr in a file; it reports
 * the pid, waits, and reports the exit status (bash's: 128 + n for signal n).
 */
export function startBlock(id: number, argv: string[], options: { dir: string; env: Record<string, string>; envProgram: string; envInArgv?: boolean }): string {
  const err = shellQuote(join(options.dir, `${id}.err`));
  const env = Object.entries(options.env).map(([k, v]) => shellQuote(`${k}=${v}`));
  if (options.envInArgv) {
    // The native launcher: it reports `S <id> <pid>` on the helper's stdout once its program runs.
    const command = argv.map(shellQuote).join(' ');
    return `(KUBITO_LAUNCH_REPORT=${id} ${command} 2>${err} </dev/null & echo "P ${id} $!"; wait $!; echo "${id} $?") &\n`;
  }
  const command = [shellQuote(options.envProgram), '-i', ...env, ...argv.map(shellQuote)].join(' ');
  return `(${command} >/dev/null 2>${err} </dev/null & echo "P ${id} $!"; wait $!; echo "${id} $?") &\n`;
}

/**
 * A launch request for the native launcher's server (`kubito-launch --serve DIR`, launch.c)
 * (pure): `<id> <length>\n`, then the argv's words, each NUL-terminated. It answers
 * `P <id> <pid>` once the launcher runs, the launcher adds `S <id> <pid>` once its program
 * runs, and the server `<id> <status>` once it reaped it; the launcher's stderr is DIR/<id>.err.
 */
export function launchRequest(id: number, argv: string[]): Buffer {
  const body = Buffer.from(argv.map((a) => `${a}\0`).join(''));
  return Buffer.concat([Buffer.from(`${id} ${body.length}\n`), body]);
}

/** A process started through the helper (start()). */
export interface HelperProcess {
  /** Its pid, once the helper has reported it (undefined if the helper died first). */
  readonly pid: Promise<number | undefined>;
  /**
   * With envInArgv (the native launcher): its program's pid once the program runs (undefined if
   * the run ended first). Otherwise absent.
   */
  readonly program?: Promise<number | undefined>;
  /** Its end: exit code, or the signal that killed it; what it wrote on stderr. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function signalName(n: number): NodeJS.Signals | undefined {
  return (Object.entries(constants.signals) as Array<[NodeJS.Signals, number]>).find(([, v]) => v === n)?.[0];
}

interface Pending {
  argv: string[];
  options: RunOptions;
  resolve(result: RunResult): void;
  reject(err: Error): void;
  /** For start(): the pid report, and the pid; the program's report (native launcher). */
  onPid?(pid: number | undefined): void;
  onProgram?(pid: number | undefined): void;
  pid?: number;
  /** The helper it was given to. */
  helper?: ChildProcess;
}

export class ShellRunner implements Runner, ProcessStarter {
  readonly #sh: string;
  readonly #dir: string;
  readonly #envProgram: string;
  readonly #onHelperExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;
  #closing = false;
  #child: ChildProcess | undefined;
  #pending = new Map<number, Pending>();
  #next = 1;
  readonly #servers = new Map<string, ChildProcess>();
  readonly #launchServer: boolean;

  /**
   * `sh`: the shell to run (a path). `dir`: where the commands' output files go, emptied first
   * and used by this runner alone; default a new directory under tmpdir(). Put it on a tmpfs
   * (runnerDir()): creating and removing files on a disk file system costs the agent more than
   * the commands. `launchServer` (default true): native launches go to the launcher's server;
   * false starts them in bash subshells as before (to compare).
   */
  constructor(options: { sh: string; dir?: string; envProgram?: string; launchServer?: boolean; onHelperExit?: (code: number | null, signal: NodeJS.Signals | null) => void }) {
    this.#sh = options.sh;
    this.#launchServer = options.launchServer ?? true;
    this.#onHelperExit = options.onHelperExit;
    this.#envProgram = options.envProgram ?? findExecutable('env') ?? 'env';
    if (options.dir) {
      rmSync(options.dir, { recursive: true, force: true });
      mkdirSync(options.dir, { recursive: true, mode: 0o700 });
      this.#dir = options.dir;
    } else {
      this.#dir = mkdtempSync(join(tmpdir(), 'kubito-runner-'));
    }
  }

  run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const id = this.#next++;
      // Input goes in a file beside the output files (removed by #settle), not through bash's stdin.
      const inputFile = options.input === undefined ? undefined : join(this.#dir, `${id}.in`);
      if (inputFile !== undefined) writeFileSync(inputFile, options.input!, { mode: 0o600 });
      const helper = this.#helper();
      this.#pending.set(id, { argv, options, resolve, reject, helper });
      if (this.#pending.size === 1) this.#holdAll(true);
      helper.stdin!.write(helperBlock(id, argv, { dir: this.#dir, inputFile }));
    });
  }

  /**
   * Starts a long-running process (a container's launcher) through the helper, so that the
   * agent does not fork for it. Its stdin is /dev/null and its stdout discarded.
   */
  start(argv: string[], options: { env: Record<string, string>; envInArgv?: boolean }): HelperProcess {
    const id = this.#next++;
    let onPid!: (pid: number | undefined) => void;
    const pid = new Promise<number | undefined>((r) => (onPid = r));
    let onProgram: ((pid: number | undefined) => void) | undefined;
    const program = options.envInArgv ? new Promise<number | undefined>((r) => (onProgram = r)) : undefined;
    // The native launcher goes to its own server (`kubito-launch --serve`), its parent, which
    // reports its exit: no bash subshell waits for each running container.
    const viaServer = options.envInArgv && this.#launchServer && argv.length > 0 && !argv.some((a) => a.includes('\0'));
    const helper = viaServer ? this.#server(argv[0]) : this.#helper();
    const exited = new Promise<RunResult>((resolve, reject) => {
      this.#pending.set(id, { argv, options: { allowFailure: true }, resolve, reject, onPid, onProgram, helper });
    });
    if (this.#pending.size === 1) this.#holdAll(true);
    if (viaServer) helper.stdin!.write(launchRequest(id, argv));
    else helper.stdin!.write(startBlock(id, argv, { dir: this.#dir, env: options.env, envProgram: this.#envProgram, envInArgv: options.envInArgv }));
    return {
      pid,
      program,
      exited: exited.then((r) => {
        onPid(undefined);
        onProgram?.(undefined);
        const sig = r.code > 128 ? signalName(r.code - 128) : undefined;
        return { code: sig ? null : r.code, signal: sig ?? null, stderr: r.stderr };
      }),
    };
  }

  /** Ends the helper and the launch servers (they finish what runs) and removes the directory once they have. */
  close(): void {
    this.#closing = true;
    const children = [this.#child, ...this.#servers.values()].filter((c): c is ChildProcess => !!c);
    this.#child = undefined;
    this.#servers.clear();
    const closed = children.map((child) => new Promise<void>((r) => {
      if (child.exitCode !== null || child.signalCode !== null) r();
      else child.once('close', () => r());
    }));
    for (const child of children) child.stdin!.end(child.spawnfile === this.#sh ? 'wait\n' : undefined);
    void Promise.all(closed).then(() => rmSync(this.#dir, { recursive: true, force: true }));
  }

  #helper(): ChildProcess {
    if (this.#child) return this.#child;
    // In a session of its own: a terminal's Ctrl-C (SIGINT to kubito's process group) is for the
    // agent, which stops its pods itself, not for the helper and the containers it started.
    const child = spawn(this.#sh, ['-s'], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    this.#child = child;
    this.#follow(child, () => {
      if (this.#child === child) this.#child = undefined;
    });
    return child;
  }

  /** The launch server of the native launcher at `path` (started on first use, in a session of its own). */
  #server(path: string): ChildProcess {
    const running = this.#servers.get(path);
    if (running) return running;
    const child = spawn(path, ['--serve', this.#dir], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    this.#servers.set(path, child);
    this.#follow(child, () => {
      if (this.#servers.get(path) === child) this.#servers.delete(path);
    });
    return child;
  }

  /** Reads a helper's (or server's) reports; its death is told to onHelperExit. */
  #follow(child: ChildProcess, forget: () => void): void {
    let carry = '';
    child.on('error', () => undefined);
    child.stdin!.on('error', () => undefined);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      const { reports, rest } = parseReports(carry + chunk);
      carry = rest;
      for (const r of reports) {
        if ('pid' in r) {
          const p = this.#pending.get(r.id);
          if (p) p.pid = r.pid;
          p?.onPid?.(r.pid);
        } else if ('program' in r) this.#pending.get(r.id)?.onProgram?.(r.program);
        else this.#settle(r.id, r.code);
      }
    });
    // A dead helper takes no more commands (the next one starts a new helper), but its
    // subshells (a server's launchers) still run what it started and report on the same pipe:
    // only when the pipe closes (every one of them gone) is what has not reported given up.
    child.once('exit', (code, signal) => {
      forget();
      if (!this.#closing) this.#onHelperExit?.(code, signal);
    });
    child.once('close', () => {
      forget();
      // Nobody is left to report on what it started: those processes are killed (a container
      // then ends as killed, 137, and is restarted as its policy says), not left to run unseen.
      for (const [id, p] of [...this.#pending]) {
        if (p.helper !== child) continue;
        if (p.pid) {
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        this.#settle(id, p.pid ? 137 : -1, `the command helper (${child.spawnfile}) exited`);
      }
    });
    this.#hold(child, this.#pending.size > 0);
  }

  #holdAll(on: boolean): void {
    for (const child of [this.#child, ...this.#servers.values()]) if (child) this.#hold(child, on);
  }

  /** The helper keeps the agent's event loop alive only while a command is pending. */
  #hold(child: ChildProcess, on: boolean): void {
    for (const handle of [child, child.stdout, child.stdin] as Array<{ ref?: () => void; unref?: () => void } | null>) {
      if (on) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  #settle(id: number, code: number, fallbackErr = ''): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#holdAll(false);
    const read = (ext: string): string => {
      const file = join(this.#dir, `${id}.${ext}`);
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return '';
      } finally {
        rmSync(file, { force: true });
      }
    };
    if (p.options.input !== undefined) rmSync(join(this.#dir, `${id}.in`), { force: true });
    const result = { code, stdout: read('out'), stderr: read('err') || fallbackErr };
    if (code !== 0 && !p.options.allowFailure) p.reject(new CommandError(p.argv, result));
    else p.resolve(result);
  }
}
