/**
 * @module The CommandRunner the proxy's appliers use in production (the node agent's
 * ExecRunner, never throwing: appliers read exit codes), and `ApplyError`, how an applier
 * reports a command that failed.
 */
import { ExecRunner, type Runner } from '../node/runner.js';
import type { CommandRunner } from './types.js';

/** Runs commands for real; a non-zero exit is a result, not an exception. */
export function execCommandRunner(): CommandRunner {
  const exec = new ExecRunner();
  return { run: (argv, options = {}) => exec.run(argv, { input: options.input, allowFailure: true }) };
}

/**
 * Commands through `helper` (the node agent's ShellRunner: its long-lived shell starts them, so
 * the agent's event loop does not stop for a fork of itself per partial sync), except those
 * whose stdin is over `maxInputBytes` (default 256 KiB; full syncs of thousands of Services),
 * which `direct` runs: the helper passes input as a here-document that its shell would read
 * line by line, holding up the commands queued behind it.
 */
export function helperCommandRunner(helper: Runner, options: { direct?: CommandRunner; maxInputBytes?: number } = {}): CommandRunner {
  const direct = options.direct ?? execCommandRunner();
  const max = options.maxInputBytes ?? 256 * 1024;
  return {
    run: (argv, o = {}) => (o.input !== undefined && o.input.length > max ? direct.run(argv, o) : helper.run(argv, { input: o.input, allowFailure: true })),
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
