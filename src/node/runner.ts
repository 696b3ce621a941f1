/**
 * @module The one seam between the node agent's plans and the kernel: a Runner runs a command
 * (`ip ...`, `kill`, `stty`) and reports its exit code and output. Plans are lists of argv,
 * built by pure functions; `ExecRunner` runs them, `FakeRunner` records them for tests.
 */
import { execFile } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the command's stdin. */
  input?: string;
  /** Resolve with the result instead of throwing CommandError on a non-zero exit. */
  allowFailure?: boolean;
}

export interface Runner {
  /** Runs argv (no shell). Rejects with CommandError on a non-zero exit unless allowFailure. */
  run(argv: string[], options?: RunOptions): Promise<RunResult>;
}

/** A command that exited non-zero (or could not start: code -1). */
export class CommandError extends Error {
  readonly argv: string[];
  readonly code: number;
  readonly stderr: string;

  constructor(argv: string[], result: RunResult) {
    super(`${argv.join(' ')}: exit ${result.code}${result.stderr.trim() ? `: ${result.stderr.trim()}` : ''}`);
    this.name = 'CommandError';
    this.argv = argv;
    this.code = result.code;
    this.stderr = result.stderr;
  }
}

/** Runs commands for real, with execFile. */
export class ExecRunner implements Runner {
  run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = execFile(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        let code = 0;
        if (err) {
          const c = (err as { code?: unknown }).code;
          code = typeof c === 'number' ? c : -1;
          if (code === -1 && !stderr) stderr = err.message;
        }
        const result = { code, stdout, stderr };
        if (code !== 0 && !options.allowFailure) reject(new CommandError(argv, result));
        else resolve(result);
      });
      child.stdin?.on('error', () => undefined);
      if (options.input !== undefined) child.stdin?.end(options.input);
      else child.stdin?.end();
    });
  }
}

/**
 * Records every command and answers from a table of canned results, matched by the longest
 * argv prefix (joined with spaces); unmatched commands succeed with empty output.
 */
export class FakeRunner implements Runner {
  readonly commands: string[][] = [];
  #answers = new Map<string, RunResult>();

  /** Answers commands starting with `prefix` (e.g. `ip netns list`) with this result. */
  answer(prefix: string, result: Partial<RunResult>): void {
    this.#answers.set(prefix, { code: 0, stdout: '', stderr: '', ...result });
  }

  /** The recorded commands as lines, for golden comparisons. */
  lines(): string[] {
    return this.commands.map((c) => c.join(' '));
  }

  async run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
    this.commands.push([...argv]);
    const line = argv.join(' ');
    let best: RunResult | undefined;
    let bestLength = -1;
    for (const [prefix, result] of this.#answers) {
      if ((line === prefix || line.startsWith(`${prefix} `)) && prefix.length > bestLength) {
        best = result;
        bestLength = prefix.length;
      }
    }
    const result = best ?? { code: 0, stdout: '', stderr: '' };
    if (result.code !== 0 && !options.allowFailure) throw new CommandError(argv, result);
    return result;
  }
}
