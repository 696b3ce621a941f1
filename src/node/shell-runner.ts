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
 * end of its stdin ends it. Should it die meanwhile, its pending commands fail (code -1) and the
 * next command starts a new one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from './container-process.js';
import { CommandError, type RunOptions, type RunResult, type Runner } from './runner.js';

/** The helper's script for one command (pure): a background subshell that reports its exit code. */
export function helperBlock(id: number, argv: string[], options: { dir: string; input?: string }): string {
  const out = shellQuote(join(options.dir, `${id}.out`));
  const err = shellQuote(join(options.dir, `${id}.err`));
  const command = argv.map(shellQuote).join(' ');
  if (options.input === undefined) return `(${command} >${out} 2>${err} </dev/null; echo "${id} $?") &\n`;
  // A here-document whose end line cannot occur in the input.
  let end = `KUBITO_IN_${id}`;
  while (options.input.split('\n').includes(end)) end += '_';
  const body = options.input.endsWith('\n') || options.input === '' ? options.input : `${options.input}\n`;
  return `(${command} >${out} 2>${err} <<'${end}'\n${body}${end}\necho "${id} $?") &\n`;
}

/** Parses the helper's report lines (`<id> <code>`) out of a chunk of its stdout (pure). */
export function parseReports(text: string): { reports: Array<{ id: number; code: number }>; rest: string } {
  const lines = text.split('\n');
  const rest = lines.pop() ?? '';
  const reports: Array<{ id: number; code: number }> = [];
  for (const line of lines) {
    const m = /^(\d+) (\d+)$/.exec(line.trim());
    if (m) reports.push({ id: Number(m[1]), code: Number(m[2]) });
  }
  return { reports, rest };
}

function isWritableDir(path: string): boolean {
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface Pending {
  argv: string[];
  options: RunOptions;
  resolve(result: RunResult): void;
  reject(err: Error): void;
}

export class ShellRunner implements Runner {
  readonly #sh: string;
  readonly #dir: string;
  #child: ChildProcess | undefined;
  #pending = new Map<number, Pending>();
  #next = 1;
  #carry = '';

  /**
   * `sh`: the shell to run (a path). Output files go in a private directory on /dev/shm (tmpfs:
   * creating and removing files on a disk file system costs the agent more than the commands),
   * else under tmpdir().
   */
  constructor(options: { sh: string }) {
    this.#sh = options.sh;
    this.#dir = mkdtempSync(join(isWritableDir('/dev/shm') ? '/dev/shm' : tmpdir(), 'kubito-runner-'));
  }

  run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const id = this.#next++;
      this.#pending.set(id, { argv, options, resolve, reject });
      const helper = this.#helper();
      if (this.#pending.size === 1) this.#hold(helper, true);
      helper.stdin!.write(helperBlock(id, argv, { dir: this.#dir, input: options.input }));
    });
  }

  /** Ends the helper (it finishes what runs) and removes its directory once it has. */
  close(): void {
    const child = this.#child;
    this.#child = undefined;
    if (!child) {
      rmSync(this.#dir, { recursive: true, force: true });
      return;
    }
    child.once('close', () => rmSync(this.#dir, { recursive: true, force: true }));
    child.stdin!.end('wait\n');
  }

  #helper(): ChildProcess {
    if (this.#child) return this.#child;
    const child = spawn(this.#sh, ['-s'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.#child = child;
    this.#carry = '';
    child.stdin!.on('error', () => undefined);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      const { reports, rest } = parseReports(this.#carry + chunk);
      this.#carry = rest;
      for (const r of reports) this.#settle(r.id, r.code);
    });
    child.once('close', () => {
      if (this.#child === child) this.#child = undefined;
      for (const id of [...this.#pending.keys()]) this.#settle(id, -1, `the command helper (${this.#sh}) exited`);
    });
    this.#hold(child, false);
    return child;
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
    if (this.#pending.size === 0 && this.#child) this.#hold(this.#child, false);
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
    const result = { code, stdout: read('out'), stderr: read('err') || fallbackErr };
    if (code !== 0 && !p.options.allowFailure) p.reject(new CommandError(p.argv, result));
    else p.resolve(result);
  }
}
