/**
 * @module `kubito node exec [--name N] [--data-dir D] -- COMMAND [ARG...]`: runs a host command
 * inside the node's network namespace, as `ssh node` would on a real cluster, e.g.
 * `kubito node exec -- iptables-save` for the chapter's `iptables-save | grep ...`. As root it
 * enters `/run/netns/kubito-<name>-node`; in rootless mode (the node lives in the agent's user
 * namespace) it enters the agent's user and network namespaces, as root there.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { agentPidFile } from '../node/launch.js';
import { nodeNetns } from '../node/names.js';
import { parseCommonFlags, UsageError, type CommonFlags } from './flags.js';
import { kubitoCommand } from './hints.js';

export interface NodeExecArgs {
  flags: CommonFlags;
  command: string[];
}

/** Splits `[flags] -- COMMAND...`; the command is everything after `--` (or after the flags). */
export function parseNodeExecArgs(args: string[]): NodeExecArgs {
  const dash = args.indexOf('--');
  const flagArgs = dash >= 0 ? args.slice(0, dash) : [];
  const command = dash >= 0 ? args.slice(dash + 1) : args;
  if (dash < 0 && command.some((a) => a.startsWith('--'))) throw new UsageError('kubito node exec: put the command after --, e.g. kubito node exec -- iptables-save');
  if (command.length === 0) throw new UsageError('kubito node exec needs a command after --, e.g. kubito node exec -- iptables-save');
  return { flags: parseCommonFlags(flagArgs), command };
}

/** What the host offers to enter the node: its namespace file (root) or the agent's pid (rootless). */
export interface NodeHandle {
  /** True when the caller is root (uid 0). */
  root: boolean;
  /** `/run/netns/kubito-<name>-node`, when it exists on the host. */
  netnsPath?: string;
  /** The node agent's pid (from `run/agent.pid`), when it runs. */
  agentPid?: number;
}

/**
 * The argv that runs `command` in the node's network namespace, or an Error saying what to do.
 * Pure: the facts come in `handle`.
 */
export function nodeExecArgv(cluster: string, handle: NodeHandle, command: string[]): string[] | Error {
  if (handle.root && handle.netnsPath) return ['nsenter', `--net=${handle.netnsPath}`, '--', ...command];
  // Rootless: the node namespace is the agent's, inside its user namespace, where our uid is root.
  // --preserve-credentials: that namespace denies setgroups, which nsenter would call otherwise.
  if (!handle.root && handle.agentPid) return ['nsenter', `--target=${handle.agentPid}`, '--user', '--preserve-credentials', '--net', '--', ...command];
  return new Error(`cluster "${cluster}" has no node running${handle.root ? ` (no ${`/run/netns/${nodeNetns(cluster)}`})` : ' (no node agent)'}; start it with: ${kubitoCommand()} up --detach${cluster === 'kubito' ? '' : ` --name ${cluster}`}`);
}

function readAgentPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(agentPidFile(dataDir), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** What this host offers to enter the cluster's node now. */
export function nodeHandle(flags: CommonFlags): NodeHandle {
  const netnsPath = `/run/netns/${nodeNetns(flags.name)}`;
  return { root: process.getuid?.() === 0, netnsPath: existsSync(netnsPath) ? netnsPath : undefined, agentPid: readAgentPid(flags.dataDir) };
}

/** Runs the command with the terminal's stdin/stdout/stderr; resolves to its exit code. */
export async function nodeExec(args: string[]): Promise<number> {
  const { flags, command } = parseNodeExecArgs(args);
  const argv = nodeExecArgv(flags.name, nodeHandle(flags), command);
  if (argv instanceof Error) throw argv;
  const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
