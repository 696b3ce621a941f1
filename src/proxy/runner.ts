/**
 * @module The CommandRunner the proxy's appliers use in production (the node agent's
 * ExecRunner, never throwing: appliers read exit codes), and `ApplyError`, how an applier
 * reports a command that failed.
 */
import { ExecRunner } from '../node/runner.js';
import type { CommandRunner } from './types.js';

/** Runs commands for real; a non-zero exit is a result, not an exception. */
export function execCommandRunner(): CommandRunner {
  const exec = new ExecRunner();
  return { run: (argv, options = {}) => exec.run(argv, { input: options.input, allowFailure: true }) };
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
