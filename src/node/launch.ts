/**
 * @module For the control plane (`kubito up`): make the node's network namespace and start the
 * node agent in it, and remove a cluster's namespaces and processes (`kubito down`, Ctrl-C,
 * recovery after a crash).
 *
 * The agent is started with `nsenter --net=/run/netns/kubito-<cluster>-node` rather than
 * `ip netns exec`: it then shares the host's mount namespace, so the pod namespaces it makes
 * with `ip netns add` are mounted where the host (and `cleanupCluster`) sees them; under
 * `ip netns exec` they would live only in the agent's private mount namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable } from './host-tools.js';
import { parseCidr } from './ipam.js';
import { isClusterNetns, kubeletSocket, nodeNetns, publicToolsDir, READY_LINE, runDir, runnerDir } from './names.js';
import { ExecRunner, type Runner } from './runner.js';
import { runSteps } from './sandbox.js';
import { createNodeSteps, nodeBridgeNetfilterStep } from './sandbox-plan.js';
import { listNetns, removeNetns } from './stale-state.js';
import { killRecordedUserns, recordAgentUserns, rootlessProblem, ROOTLESS_UNSHARE, rootlessScript } from './rootless.js';

export { listNetns };

export interface LaunchOptions {
  cluster: string;
  dataDir: string;
  /** The API's Unix socket; must be `<data-dir>/run/api.sock` (the agent derives it). */
  apiSocket: string;
  nodeName?: string;
  podCIDR?: string;
  clusterDNS?: string;
  clusterDomain?: string;
  /** `--proxy-mode` for the agent's data plane; default: the agent's (nftables). */
  proxyMode?: 'nftables' | 'iptables' | 'userspace';
  /** Each line the agent writes (stdout and stderr). */
  log(line: string): void;
  runner?: Runner;
  /** How long to wait for the agent's ready line. Default 30 s. */
  timeoutMs?: number;
  /**
   * Supervise: when the agent dies, log it and start it again after a back-off (RestartBackoff),
   * as `kubito up` wants. Default false (one start).
   */
  restart?: boolean;
  /**
   * Each agent started (the first and every restarted one), once ready. It is spawned with an
   * IPC channel (`child.send`): the control plane hands it host listeners (src/hostports/).
   */
  onAgent?: (child: ChildProcess) => void;
}

export interface RunningAgent {
  /** The running agent's pid (a restarted agent has a new one; also in `<data-dir>/run/agent.pid`). */
  readonly pid: number;
  /** SIGTERM, wait for the agent to stop its pods (SIGKILL after 20 s), then cleanupCluster. */
  stop(): Promise<void>;
}

/** argv that runs the agent's entry point: the compiled module, or the source under tsx. */
export function agentEntry(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = agentNodeOptions(env);
  const js = fileURLToPath(new URL('./main.js', import.meta.url));
  if (existsSync(js)) return [...extra, js];
  return [...extra, '--import', import.meta.resolve('tsx'), fileURLToPath(new URL('./main.ts', import.meta.url))];
}

/**
 * Node options for the agent alone, from `KUBITO_AGENT_NODE_OPTIONS` (space-separated, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`): NODE_OPTIONS refuses some (`--cpu-prof`) and would
 * reach every process. Pure.
 */
export function agentNodeOptions(env: NodeJS.ProcessEnv): string[] {
  return (env.KUBITO_AGENT_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
}

/** Why the node agent cannot run here, or undefined. */
export function launchProblem(): string | undefined {
  if (process.platform !== 'linux') return 'the node agent needs Linux network namespaces';
  const missing = ['ip', 'nsenter', 'unshare', 'script'].filter((p) => !findExecutable(p));
  if (missing.length) return `the node agent needs ${missing.join(', ')} (Debian packages iproute2, util-linux, bsdutils)`;
  // Not root: rootless mode, in a user namespace (rootless.ts), where the system allows it.
  if (process.getuid?.() !== 0) return rootlessProblem();
  return undefined;
}

export async function launchNodeAgent(options: LaunchOptions): Promise<RunningAgent> {
  const problem = launchProblem();
  if (problem) throw new Error(problem);
  if (options.apiSocket !== join(runDir(options.dataDir), 'api.sock')) {
    throw new Error(`the node agent reaches the API on ${join(runDir(options.dataDir), 'api.sock')}, not ${options.apiSocket}`);
  }
  const runner = options.runner ?? new ExecRunner();
  let child = await startAgent(options, runner);
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;
  const backoff = new RestartBackoff();
  // Supervision (`restart`): an agent that dies is started again, as after a crash (launch.ts
  // clears what it left; its pods come back as after a node reboot), after a back-off.
  const supervise = (running: ChildProcess): void => {
    const startedAt = Date.now();
    running.once('exit', (code, signal) => {
      if (stopping || !options.restart || restartDisabled()) return;
      const delay = backoff.next(Date.now() - startedAt);
      options.log(`node agent (pid ${running.pid}) exited (${signal ?? `code ${code}`}); restarting it in ${delay / 1000} s`);
      const attempt = (): void => {
        timer = undefined;
        if (stopping) return;
        restarting = startAgent(options, runner).then(
          (next) => {
            restarting = undefined;
            if (stopping) return void next.kill('SIGTERM');
            child = next;
            options.log(`node agent restarted, pid ${next.pid}`);
            supervise(next);
          },
          (err: unknown) => {
            restarting = undefined;
            const again = backoff.next(0);
            options.log(`node agent restart failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}; trying again in ${again / 1000} s`);
            timer = setTimeout(attempt, again);
          },
        );
      };
      timer = setTimeout(attempt, delay);
    });
  };
  supervise(child);
  let stopped: Promise<void> | undefined;
  return {
    get pid() {
      return child.pid!;
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        if (timer) clearTimeout(timer);
        await restarting;
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
          await exited;
          clearTimeout(kill);
        }
        rmSync(agentPidFile(options.dataDir), { force: true });
        await cleanupCluster(options.cluster, { dataDir: options.dataDir, runner });
      })();
      return stopped;
    },
  };
}

/** `KUBITO_NODE_AGENT_RESTART=never` turns supervision off (tests of an agent started by hand). */
function restartDisabled(): boolean {
  return process.env.KUBITO_NODE_AGENT_RESTART === 'never';
}

/** Where the running agent's pid is recorded: `<data-dir>/run/agent.pid`. */
export function agentPidFile(dataDir: string): string {
  return join(runDir(dataDir), 'agent.pid');
}

/**
 * The supervisor's delay before restarting a dead agent: 1 s, doubling to 60 s while it keeps
 * dying; an agent that ran 10 minutes starts the series over. Pure.
 */
export class RestartBackoff {
  #delay = 0;

  /** The delay before the next start, given how long the dead agent ran (ms). */
  next(ranMs: number): number {
    if (ranMs >= 600_000) this.#delay = 0;
    this.#delay = this.#delay === 0 ? 1000 : Math.min(this.#delay * 2, 60_000);
    return this.#delay;
  }
}

/**
 * One start: clears what an earlier agent left, makes the node namespace, starts the agent in
 * it, records its pid and waits for its ready line; on failure kills it and clears again.
 */
async function startAgent(options: LaunchOptions, runner: Runner): Promise<ChildProcess> {
  const podCIDR = options.podCIDR ?? '10.244.0.0/24';
  await cleanupCluster(options.cluster, { dataDir: options.dataDir, runner });
  const rootless = process.getuid?.() !== 0;
  if (!rootless) {
    await runSteps(runner, createNodeSteps({ cluster: options.cluster, cidr: parseCidr(podCIDR) }));
    const nf = nodeBridgeNetfilterStep(options.cluster);
    await runner.run(nf.argv, { allowFailure: true });
  }

  const args = [
    ...agentEntry(),
    '--cluster', options.cluster,
    '--data-dir', options.dataDir,
    '--pod-cidr', podCIDR,
    ...(options.nodeName ? ['--node-name', options.nodeName] : []),
    ...(options.clusterDNS !== undefined ? ['--cluster-dns', options.clusterDNS] : []),
    ...(options.clusterDomain ? ['--cluster-domain', options.clusterDomain] : []),
    ...(options.proxyMode ? ['--proxy-mode', options.proxyMode] : []),
  ];
  const child = rootless
    ? spawn(ROOTLESS_UNSHARE[0], [...ROOTLESS_UNSHARE.slice(1), '--', 'sh', '-c', rootlessScript({ cluster: options.cluster, cidr: parseCidr(podCIDR) }), 'sh', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
    : spawn(findExecutable('nsenter')!, [`--net=/run/netns/${nodeNetns(options.cluster)}`, '--', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  try {
    // unshare and sh exec: the child is the agent, in its user namespace.
    if (rootless) await waitSpawned(child).then(() => recordAgentUserns(options.dataDir, child.pid!));
    await waitReady(child, options);
    writeFileSync(agentPidFile(options.dataDir), `${child.pid}\n`);
    options.onAgent?.(child);
  } catch (err) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await cleanupCluster(options.cluster, { dataDir: options.dataDir, runner });
    throw err;
  }
  return child;
}

/** Resolves once the child runs (its pid exists); rootless: its user namespace is made right after. */
function waitSpawned(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => {
      // unshare(2) happens before exec; wait until /proc shows the new user namespace.
      const mine = readlinkSync('/proc/self/ns/user');
      const started = Date.now();
      const poll = (): void => {
        let link = mine;
        try {
          link = readlinkSync(`/proc/${child.pid}/ns/user`);
        } catch {
          // not yet readable
        }
        if (link !== mine) resolve();
        else if (Date.now() - started > 5000) reject(new Error('the rootless agent did not enter its user namespace within 5 s'));
        else setTimeout(poll, 5);
      };
      poll();
    });
    child.once('error', reject);
  });
}

function waitReady(child: ChildProcess, options: LaunchOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let ready = false;
    const forward = (stream: NodeJS.ReadableStream, isStdout: boolean): void => {
      let carry = '';
      stream.on('data', (chunk: Buffer) => {
        carry += chunk.toString();
        let nl;
        while ((nl = carry.indexOf('\n')) >= 0) {
          const line = carry.slice(0, nl);
          carry = carry.slice(nl + 1);
          if (!ready) lines.push(line);
          options.log(line);
          if (isStdout && line.startsWith(READY_LINE) && !ready) {
            ready = true;
            clearTimeout(timer);
            resolve();
          }
        }
      });
    };
    forward(child.stdout!, true);
    forward(child.stderr!, false);
    const timer = setTimeout(() => reject(new Error(`the node agent was not ready within ${(options.timeoutMs ?? 30_000) / 1000} s:\n${lines.join('\n')}`)), options.timeoutMs ?? 30_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`the node agent exited (${signal ?? code}) before it was ready:\n${lines.join('\n')}`));
    });
  });
}

/**
 * Removes every network namespace of the cluster (`kubito-<cluster>-node` and its pods'
 * `kubito-<cluster>-p<hex>`; their veths go with them, since veths live only in the node
 * namespace) after killing every process still in them (pods, a crashed agent's leftovers):
 * membership of a cluster namespace is the record of what is ours, immune to pid reuse. With
 * `dataDir`, also the agent's runtime state (address table, kubelet socket, pod directories,
 * FIFO pool, the command helper's directory).
 */
export async function cleanupCluster(cluster: string, options: { dataDir?: string; runner?: Runner } = {}): Promise<void> {
  const runner = options.runner ?? new ExecRunner();
  const names = (await listNetns(runner)).filter((n) => isClusterNetns(cluster, n));
  // Pods first, the node (with the agent) last.
  names.sort((a, b) => Number(a.endsWith('-node')) - Number(b.endsWith('-node')));
  for (const name of names) await removeNetns(runner, name);
  if (options.dataDir) {
    // A rootless agent's namespaces are not under /run/netns here: its user namespace is the record.
    killRecordedUserns(options.dataDir);
    rmSync(join(runDir(options.dataDir), 'ipam.json'), { force: true });
    rmSync(kubeletSocket(options.dataDir), { force: true });
    rmSync(join(options.dataDir, 'pods'), { recursive: true, force: true });
    rmSync(join(runDir(options.dataDir), 'fifos'), { recursive: true, force: true });
    rmSync(join(runDir(options.dataDir), 'pod-dirs'), { recursive: true, force: true });
    rmSync(runnerDir(cluster, join(runDir(options.dataDir), 'runner')), { recursive: true, force: true });
    rmSync(publicToolsDir(cluster), { recursive: true, force: true });
  }
}
