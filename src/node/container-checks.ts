/**
 * @module What the runtime checks and reports around a container's process, as containerd and
 * the kubelet word it: why a process cannot start (StartError's message: no such program, no
 * working directory), and the termination message taken from the log
 * (terminationMessagePolicy FallbackToLogsOnError: its last 80 lines, at most 2048 bytes).
 */
import { readFileSync } from 'node:fs';
import { findExecutable, isExecutable } from './host-tools.js';
import type { ContainerSpec } from './pod-view.js';

const PREFIX = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process:';

/** How runc words a failed exec (`kubectl exec` into a running container). */
export const EXEC_PREFIX = 'OCI runtime exec failed: exec failed: unable to start container process:';

/** The StartError message for argv, or undefined when it can start. */
export function startErrorOf(argv: string[], path: string, workingDir: string, prefix = PREFIX): string | undefined {
  const program = argv[0];
  if (!program) return `${prefix} exec: no command specified: unknown`;
  if (program.includes('/')) {
    if (!isExecutable(program)) return `${prefix} exec: "${program}": stat ${program}: no such file or directory: unknown`;
  } else if (!findExecutable(program, path)) {
    return `${prefix} exec: "${program}": executable file not found in $PATH: unknown`;
  }
  if (!isExecutable(workingDir)) return `${prefix} chdir to cwd ("${workingDir}") set in config.json failed: no such file or directory: unknown`;
  return undefined;
}

/** The terminated state's message for a run that exited with `code`. */
export function terminationMessage(spec: Pick<ContainerSpec, 'terminationMessagePolicy'>, logPath: string, code: number): string | undefined {
  if (code === 0 || spec.terminationMessagePolicy !== 'FallbackToLogsOnError') return undefined;
  try {
    const lines = readFileSync(logPath, 'utf8').split('\n').filter(Boolean).slice(-80);
    return lines.map((l) => l.split(' ').slice(3).join(' ')).join('\n').slice(-2048);
  } catch {
    return undefined;
  }
}
