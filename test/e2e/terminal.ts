/**
 * @module Drives a command the way a person at a terminal would, for the end-to-end stream
 * tests: the command runs on a pseudo-terminal made by util-linux `script -qefc CMD /dev/null`
 * (no native pty binding needed), and a list of expect-style steps waits for text on the
 * terminal and then types an answer. Also: long-running kubectl processes (port-forward,
 * attach, logs -f) that a test reads while they run and stops by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { shellQuote } from '../../src/node/shell-quote.js';

export interface TerminalStep {
  /** Text the terminal must show (after the previous step's) before `send` is typed. */
  expect: RegExp;
  /** What to type (use `\r` for Enter, as a terminal sends it). */
  send?: string;
}

export interface TerminalResult {
  /** Everything the terminal showed (CRLF line ends, terminal escapes included). */
  output: string;
  /** The command's exit code (script -e passes it on). */
  code: number;
}

/**
 * Runs argv on a new pseudo-terminal (of `size`), plays the steps, and resolves when the
 * command exits (or, with `hangUpAfterSteps`, is hung up on once the steps are done).
 * Rejects with the output so far when a step's text does not show within `timeoutMs`.
 */
export function runOnTerminal(argv: string[], steps: TerminalStep[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; size?: { rows: number; cols: number }; hangUpAfterSteps?: boolean } = {}): Promise<TerminalResult> {
  // The terminal's size as a real one would have it (kubectl sends it on as the first resize).
  const size = options.size ? `stty rows ${options.size.rows} cols ${options.size.cols}; ` : '';
  const child = spawn('script', ['-qefc', `${size}exec ${argv.map(shellQuote).join(' ')}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
  let output = '';
  let seen = 0;
  let step = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`terminal: timed out waiting for ${String(steps[step]?.expect ?? 'the exit')}; it showed:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const advance = (): void => {
      while (step < steps.length) {
        const m = steps[step].expect.exec(output.slice(seen));
        if (!m) return;
        seen += m.index + m[0].length;
        if (steps[step].send !== undefined) child.stdin.write(steps[step].send);
        step++;
      }
      // Like closing the terminal window: the session ends, whatever runs in it.
      if (options.hangUpAfterSteps && child.exitCode === null) child.kill('SIGTERM');
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      advance();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      if (step < steps.length) reject(new Error(`terminal: the command ended (${signal ?? code}) before ${String(steps[step].expect)}; it showed:\n${output}`));
      else resolve({ output, code: code ?? 128 });
    });
  });
}

/** A process a test reads while it runs (kubectl port-forward, attach, logs -f). */
export class Running {
  readonly child: ChildProcess;
  output = '';
  #waiters: Array<() => void> = [];

  constructor(file: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}) {
    this.child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    const onData = (chunk: Buffer): void => {
      this.output += chunk.toString();
      for (const w of this.#waiters.splice(0)) w();
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.child.on('close', () => {
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /** Resolves with the first match of `pattern` in the output; rejects after `timeoutMs` or at exit. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.output);
      if (m) return m;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`exited (${this.child.signalCode ?? this.child.exitCode}) before ${String(pattern)}:\n${this.output}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${String(pattern)}:\n${this.output}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** SIGTERM (by PID), then waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('close', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
