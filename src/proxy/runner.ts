/**
 * @module The CommandRunner the proxy's appliers use in production (the node agent's
 * ExecRunner, never throwing: appliers read exit codes), and `ApplyError`, how an applier
 * reports a command that failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { builtPath } from '../native/built.js';
import { ExecRunner, type Runner } from '../node/runner.js';
import { addonStart, loadSpawnAddon, type SpawnAddon } from './spawn-addon.js';
import type { CommandRunner, ServingCommand, StreamingCommand } from './types.js';

/** Where scripts/build-native.js puts the spawner (native/spawner.c). */
export function spawnerPath(): string {
  return builtPath('kubito-spawner');
}

/**
 * Runs commands for real; a non-zero exit is a result, not an exception. Streamed commands
 * (`start`) are started by posix_spawn through the process starter addon (`spawnAddon`,
 * default `build/proxy-spawn.node` when built and no `spawner` is given; null, or
 * `KUBITO_PROXY_SPAWNER=0`: not used), any number at once,
 * else by the native spawner (`spawner`, default `build/kubito-spawner` when built; null, or
 * `KUBITO_PROXY_SPAWNER=0`: by Node), one at a time; one started while another runs, or with
 * no spawner, is spawned by Node. A spawner that cannot start (not executable, deleted) or
 * that dies is not used again: Node spawns from then on. `close` ends the spawner.
 * `KUBITO_PROXY_SPAWNER=program` leaves the addon out and keeps the spawner (A/B).
 */
export function execCommandRunner(options: { spawner?: string | null; spawnAddon?: SpawnAddon | null } = {}): CommandRunner {
  const exec = new ExecRunner();
  const env = process.env.KUBITO_PROXY_SPAWNER;
  const addon = options.spawnAddon !== undefined ? options.spawnAddon : options.spawner !== undefined || env === '0' || env === 'program' ? null : loadSpawnAddon();
  const starter = addon instanceof Error ? null : addon;
  const program = options.spawner === undefined ? (env === '0' ? null : spawnerPath()) : options.spawner;
  const spawner = !starter && program !== null && existsSync(program) ? new Spawner(program) : undefined;
  return {
    run: (argv, o = {}) => exec.run(argv, { input: o.input, allowFailure: true }),
    start: (argv) => (starter ? addonStart(starter, argv) : (spawner?.start(argv) ?? startCommand(argv))),
    serve: (argv) => serveCommand(argv),
    close: () => spawner?.close(),
  };
}

/**
 * Spawns argv with a pipe on stdin. `write` resolves at once while the pipe takes the text (the
 * kernel's 64 KiB buffer, then Node's high-water mark), else on `drain`, so the writer renders
 * the next piece while the command parses this one. Exit code -1: could not start, or killed.
 */
export function startCommand(argv: string[]): StreamingCommand {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let broken = false;
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  // A command that exits early (a bad line) closes its stdin: EPIPE is its exit status's story.
  child.stdin.on('error', () => (broken = true));
  const exited = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    let failed = false;
    child.once('error', (err) => {
      broken = failed = true;
      stderr ||= err.message;
    });
    child.once('close', (code) => resolve({ code: failed || code === null ? -1 : code, stdout, stderr }));
  });
  return {
    write(text) {
      if (broken || child.stdin.destroyed) return Promise.resolve();
      child.stdin.write(text);
      // Not waiting for 'drain': the writer goes on rendering while the command catches up
      // (Node keeps what the pipe cannot take yet); one turn of the event loop lets libuv move
      // what the pipe has room for now.
      return new Promise((resolve) => setImmediate(resolve));
    },
    end() {
      if (!child.stdin.destroyed) child.stdin.end();
      return exited;
    },
    abort() {
      child.kill('SIGKILL');
    },
  };
}

type Answer = { code: number; stdout: string; stderr: string };

/**
 * Answers framed `exit <code> <o> <e>\n`, then o bytes of stdout and e of stderr: the spawner's
 * (native/spawner.c) and the reader server's (ipt-facts.c --serve). Byte counts, so no output
 * ends an answer early, and each answer carries its own stderr.
 */
class Frames {
  #parts: Buffer[] = [];
  #bytes = 0;
  /** The bytes the first frame needs, once its header is read (joined only when all came). */
  #need = 0;

  /** The answers this chunk completes; null when the bytes are no such frames. */
  push(chunk: Buffer): Answer[] | null {
    this.#parts.push(chunk);
    this.#bytes += chunk.length;
    const answers: Answer[] = [];
    while (this.#bytes > 0 && this.#bytes >= this.#need) {
      const all = this.#parts.length === 1 ? this.#parts[0] : Buffer.concat(this.#parts, this.#bytes);
      this.#parts = [all];
      const eol = all.indexOf(10);
      if (eol < 0) return all.length > 64 ? null : answers;
      const m = /^exit (-?\d+) (\d+) (\d+)$/.exec(all.toString('latin1', 0, eol));
      if (!m) return null;
      const o = eol + 1 + Number(m[2]);
      const end = o + Number(m[3]);
      if (all.length < end) {
        this.#need = end;
        break;
      }
      answers.push({ code: Number(m[1]), stdout: all.toString('utf8', eol + 1, o), stderr: all.toString('utf8', o, end) });
      const rest = all.subarray(end);
      this.#parts = rest.length ? [rest] : [];
      this.#bytes = rest.length;
      this.#need = 0;
    }
    return answers;
  }
}

/** Pipes to a child are net.Sockets (ref/unref), typed as plain streams. */
function refChild(child: ChildProcess, on: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as Array<{ ref(): void; unref(): void }>) {
    if (on) handle.ref();
    else handle.unref();
  }
}

/**
 * The native spawner (native/spawner.c: its protocol), started on first use and kept: a fork of
 * this process per streamed command cost it ~6-13 ms of CPU (page tables copied; its event loop
 * stopped meanwhile), the spawner's fork well under one. Unreferenced while no command runs.
 * Once it cannot start or dies (or is closed) it is not used again: `start` answers undefined.
 */
class Spawner {
  readonly #program: string;
  #child: ChildProcess | undefined;
  /** The running command's answer, while one runs. */
  #waiting: ((answer: Answer) => void) | undefined;
  #done = false;

  constructor(program: string) {
    this.#program = program;
  }

  /** The command started, or undefined when one runs already (or the spawner is not usable). */
  start(argv: string[]): StreamingCommand | undefined {
    if (this.#waiting || this.#done) return undefined;
    const child = this.#child ?? this.#spawn();
    if (!child?.stdin || child.stdin.destroyed) return undefined;
    const stdin = child.stdin;
    const args = Buffer.from(`${argv.join('\0')}\0`);
    const answer = new Promise<Answer>((resolve) => (this.#waiting = resolve));
    refChild(child, true);
    stdin.write(`start ${args.length}\n`);
    stdin.write(args);
    let ended = false;
    const finish = (how: 'end' | 'kill'): Promise<Answer> => {
      if (!ended && !stdin.destroyed) stdin.write(`${how}\n`);
      ended = true;
      return answer;
    };
    return {
      write(text) {
        if (ended || stdin.destroyed) return Promise.resolve();
        stdin.write(`data ${Buffer.byteLength(text)}\n`);
        stdin.write(text);
        // As startCommand: on rendering while the spawner relays what it has.
        return new Promise((resolve) => setImmediate(resolve));
      },
      end: () => finish('end'),
      abort: () => void finish('kill'),
    };
  }

  /** Ends its stdin: it kills a command still running (its input is cut short) and exits. */
  close(): void {
    this.#done = true;
    this.#child?.stdin?.end();
  }

  #spawn(): ChildProcess | undefined {
    const child = spawn(this.#program, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    const frames = new Frames();
    let stderr = '';
    const gone = (why: string): void => {
      this.#done = true; // a spawner that failed once is not trusted again: Node spawns
      if (this.#child !== child) return;
      this.#child = undefined;
      const resolve = this.#waiting;
      this.#waiting = undefined;
      resolve?.({ code: -1, stdout: '', stderr: `${this.#program}: ${why}${stderr ? `: ${stderr.trim()}` : ''}` });
    };
    child.stdin!.on('error', () => undefined);
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdout!.on('data', (c: Buffer) => {
      const answers = frames.push(c);
      if (!answers) return void child.kill('SIGKILL'); // not its protocol
      for (const answer of answers) {
        const resolve = this.#waiting;
        this.#waiting = undefined;
        refChild(child, false);
        resolve?.(answer);
      }
    });
    child.once('error', (err) => gone(err.message));
    child.once('close', (code, signal) => gone(`exited (${signal ?? code})`));
    if (child.pid !== undefined) return child;
    // Could not start (EACCES, ENOENT): this command and the later ones are Node's.
    this.#done = true;
    this.#child = undefined;
    return undefined;
  }
}

/**
 * Spawns argv as a ServingCommand (types.ts): requests go to its stdin one line each, in turn;
 * each answer is framed as the spawner's (Frames). Unreferenced while no request waits, so an
 * idle server does not keep this process alive; its stdin closes when this process exits. A
 * request unanswered after `timeoutMs` (default 30 s: a wedged server) kills it (SIGKILL):
 * it and those queued behind it answer -1, and the caller starts another.
 */
export function serveCommand(argv: string[], options: { timeoutMs?: number } = {}): ServingCommand {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const waiting: Array<(answer: Answer) => void> = [];
  const frames = new Frames();
  /** What it said outside its answers (a wrapper's or the loader's complaint). */
  let stderr = '';
  let gone: string | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  refChild(child, false);
  const fail = (why: string): void => {
    if (gone !== undefined) return;
    gone = `${why}${stderr.trim() ? `: ${stderr.trim()}` : ''}`;
    clearTimeout(timer);
    for (const resolve of waiting.splice(0)) resolve({ code: -1, stdout: '', stderr: gone });
  };
  /** The oldest request's clock: started when it heads the queue. */
  const arm = (): void => {
    clearTimeout(timer);
    if (!waiting.length) return;
    timer = setTimeout(() => {
      fail(`${argv.join(' ')}: no answer in ${timeoutMs} ms`);
      child.kill('SIGKILL');
    }, timeoutMs);
  };
  child.stdout.on('data', (c: Buffer) => {
    const answers = frames.push(c);
    if (!answers) {
      fail(`${argv.join(' ')}: not a framed answer`);
      return void child.kill('SIGKILL');
    }
    for (const answer of answers) waiting.shift()?.(answer);
    if (!answers.length) return;
    if (!waiting.length) refChild(child, false);
    arm();
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.on('error', () => undefined);
  child.once('error', (err) => fail(err.message));
  child.once('close', (code, signal) => fail(`${argv.join(' ')} exited (${signal ?? code})`));
  return {
    ask(request) {
      if (gone !== undefined || closed) return Promise.resolve({ code: -1, stdout: '', stderr: gone ?? 'closed' });
      return new Promise((resolve) => {
        waiting.push(resolve);
        if (waiting.length === 1) arm();
        refChild(child, true);
        child.stdin.write(`${request}\n`);
      });
    },
    close() {
      closed = true;
      if (!child.stdin.destroyed) child.stdin.end();
    },
  };
}

/**
 * Commands through `helper` (the node agent's ShellRunner: its long-lived shell starts them, so
 * the agent's event loop does not stop for a fork of itself per partial sync; the input goes
 * to the command from a file the helper redirects, not through the shell), except those whose
 * stdin is over `maxInputBytes` (default 256 KiB; full syncs of thousands of Services), which
 * `direct` runs: a pipe, not a file written whole by the agent before the command starts.
 */
export function helperCommandRunner(helper: Runner, options: { direct?: CommandRunner; maxInputBytes?: number } = {}): CommandRunner {
  const direct = options.direct ?? execCommandRunner();
  const max = options.maxInputBytes ?? 256 * 1024;
  return {
    run: (argv, o = {}) => (o.input !== undefined && o.input.length > max ? direct.run(argv, o) : helper.run(argv, { input: o.input, allowFailure: true })),
    // Streamed commands are the big restores (full syncs of many Services): direct, like big input.
    ...(direct.start ? { start: direct.start.bind(direct) } : {}),
    // A server is forked once: direct.
    ...(direct.serve ? { serve: direct.serve.bind(direct) } : {}),
    ...(direct.close ? { close: direct.close.bind(direct) } : {}),
  };
}

/** A backend command that failed: the argv, its exit code and what it said. */
export class ApplyError extends Error {
  override name = 'ApplyError';
  readonly argv: string[];
  readonly code: number;
  readonly stderr: string;

  constructor(argv: string[], result: { code: number; stderr: string }, detail = '') {
    super(`${argv.join(' ')}: exit ${result.code}${result.stderr.trim() ? `: ${result.stderr.trim()}` : ''}${detail ? `\n${detail}` : ''}`);
    this.argv = argv;
    this.code = result.code;
    this.stderr = result.stderr;
  }
}
