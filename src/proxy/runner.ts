/**
 * @module The CommandRunner the proxy's appliers use in production (the node agent's
 * ExecRunner, never throwing: appliers read exit codes), and `ApplyError`, how an applier
 * reports a command that failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { builtPath } from '../native/built.js';
import { ExecRunner, type Runner } from '../node/runner.js';
import type { CommandRunner, ServingCommand, StreamingCommand } from './types.js';

/** Where scripts/build-native.js puts the spawner (native/spawner.c). */
export function spawnerPath(): string {
  return builtPath('kubito-spawner');
}

/**
 * Runs commands for real; a non-zero exit is a result, not an exception. Streamed commands
 * (`start`) are started by the native spawner (`spawner`, default `build/kubito-spawner` when
 * built; null, or `KUBITO_PROXY_SPAWNER=0`: by Node), one at a time; one started while another
 * runs, or with no spawner, is spawned by Node.
 */
export function execCommandRunner(options: { spawner?: string | null } = {}): CommandRunner {
  const exec = new ExecRunner();
  const program = options.spawner === undefined ? (process.env.KUBITO_PROXY_SPAWNER === '0' ? null : spawnerPath()) : options.spawner;
  const spawner = program !== null && existsSync(program) ? new Spawner(program) : undefined;
  return {
    run: (argv, o = {}) => exec.run(argv, { input: o.input, allowFailure: true }),
    start: (argv) => spawner?.start(argv) ?? startCommand(argv),
    serve: serveCommand,
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
 * The native spawner (native/spawner.c: its protocol), started on first use and kept: a fork of
 * this process per streamed command cost it ~6-13 ms of CPU (page tables copied; its event loop
 * stopped meanwhile), the spawner's fork well under one. Unreferenced while no command runs.
 */
class Spawner {
  readonly #program: string;
  #child: ChildProcess | undefined;
  /** The running command's answer, while one runs. */
  #waiting: ((answer: Answer) => void) | undefined;
  #out: Buffer[] = [];
  #outBytes = 0;

  constructor(program: string) {
    this.#program = program;
  }

  /** The command started, or undefined when one runs already (or the spawner cannot start). */
  start(argv: string[]): StreamingCommand | undefined {
    if (this.#waiting) return undefined;
    const child = this.#child ?? this.#spawn();
    if (!child?.stdin || child.stdin.destroyed) return undefined;
    const stdin = child.stdin;
    const args = Buffer.from(`${argv.join('\0')}\0`);
    const answer = new Promise<Answer>((resolve) => (this.#waiting = resolve));
    this.#ref(true);
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

  #spawn(): ChildProcess | undefined {
    const child = spawn(this.#program, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    this.#out = [];
    this.#outBytes = 0;
    let stderr = '';
    const gone = (why: string): void => {
      if (this.#child !== child) return;
      this.#child = undefined;
      const resolve = this.#waiting;
      this.#waiting = undefined;
      resolve?.({ code: -1, stdout: '', stderr: `${this.#program}: ${why}${stderr ? `: ${stderr.trim()}` : ''}` });
    };
    child.stdin!.on('error', () => undefined);
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdout!.on('data', (c: Buffer) => this.#read(c));
    child.once('error', (err) => gone(err.message));
    child.once('close', (code, signal) => gone(`exited (${signal ?? code})`));
    return child;
  }

  /** Collects the answer: `exit <code> <o> <e>\n`, then o bytes of stdout and e of stderr. */
  #read(chunk: Buffer): void {
    this.#out.push(chunk);
    this.#outBytes += chunk.length;
    const all = this.#out.length === 1 ? this.#out[0] : Buffer.concat(this.#out, this.#outBytes);
    this.#out = [all];
    const eol = all.indexOf(10);
    if (eol < 0) return;
    const m = /^exit (-?\d+) (\d+) (\d+)$/.exec(all.toString('latin1', 0, eol));
    if (!m) {
      this.#child?.kill('SIGKILL'); // not its protocol: start another next time
      return;
    }
    const o = Number(m[2]);
    const e = Number(m[3]);
    if (all.length < eol + 1 + o + e) return;
    const answer = { code: Number(m[1]), stdout: all.toString('utf8', eol + 1, eol + 1 + o), stderr: all.toString('utf8', eol + 1 + o, eol + 1 + o + e) };
    this.#out = [];
    this.#outBytes = 0;
    const resolve = this.#waiting;
    this.#waiting = undefined;
    this.#ref(false);
    resolve?.(answer);
  }

  #ref(on: boolean): void {
    const child = this.#child;
    if (!child) return;
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as Array<{ ref(): void; unref(): void }>) {
      if (on) handle.ref();
      else handle.unref();
    }
  }
}

/**
 * Spawns argv as a ServingCommand (types.ts): requests go to its stdin one line each, in turn;
 * each answer is its stdout up to a line `#end <code>`. Unreferenced while no request waits, so
 * an idle server does not keep this process alive; its stdin closes when this process exits.
 */
export function serveCommand(argv: string[]): ServingCommand {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  // Pipes to a child are net.Sockets (ref/unref), typed as plain streams.
  const pipes = [child.stdin, child.stdout, child.stderr] as unknown as Socket[];
  const waiting: Array<(answer: Answer) => void> = [];
  /** Output not yet answered, in the pieces it came in (joined once an answer ends in them). */
  let parts: string[] = [];
  /** Its last characters; a newline before an answer's first (an answer may be `#end` alone). */
  let tail = '\n';
  /** An `#end` line has begun in `parts`, its newline not yet come. */
  let ending = false;
  let stderr = '';
  let gone = false;
  const idle = (): void => {
    child.unref();
    for (const pipe of pipes) pipe.unref();
  };
  idle();
  const fail = (why: string): void => {
    if (gone) return;
    gone = true;
    stderr ||= why;
    for (const resolve of waiting.splice(0)) resolve({ code: -1, stdout: '', stderr });
  };
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    parts.push(c);
    const seen = tail + c;
    tail = seen.slice(-6);
    if (!ending && !seen.includes('\n#end ')) return;
    let text = parts.join('');
    for (;;) {
      const at = text.startsWith('#end ') ? 0 : text.indexOf('\n#end ') + 1;
      if (at === 0 && !text.startsWith('#end ')) {
        ending = false;
        break;
      }
      const eol = text.indexOf('\n', at);
      if (eol < 0) {
        ending = true;
        break;
      }
      const answer = { code: Number(text.slice(at + 5, eol)), stdout: text.slice(0, at), stderr };
      text = text.slice(eol + 1);
      stderr = '';
      ending = false;
      const resolve = waiting.shift();
      if (!resolve) continue; // not asked for: nobody to give it to
      resolve(answer);
      if (!waiting.length) idle();
    }
    parts = text ? [text] : [];
    tail = `\n${text}`.slice(-6);
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.on('error', () => undefined);
  child.once('error', (err) => fail(err.message));
  child.once('close', (code, signal) => fail(`${argv.join(' ')} exited (${signal ?? code})`));
  return {
    ask(request) {
      if (gone || child.stdin.destroyed) return Promise.resolve({ code: -1, stdout: '', stderr: stderr || 'not running' });
      return new Promise((resolve) => {
        waiting.push(resolve);
        child.ref();
        for (const pipe of pipes) pipe.ref();
        child.stdin.write(`${request}\n`);
      });
    },
    close() {
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
