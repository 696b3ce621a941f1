/**
 * @module A hand-made copy of a kubito node's network for the "same rules loaded by hand"
 * baseline: a node namespace and pod namespaces built with kubito's own step functions
 * (`createNodeSteps`, `createSandboxSteps`, the proxy's `nodeNetworkSteps`), so bridge, veths,
 * hairpin, sysctls and routes are the same, with the same pod addresses; servers are the
 * caller's commands (the benchmark's nginx), started here without any kubito process. Rules are
 * loaded into it by the caller.
 *
 * Names: `kubito-<name>-node` and `kubito-<name>-p<8 hex>`, with `name` = `tb<pid>...`, so they
 * start with `kubito-t`; `remove()` stops the servers by PID and deletes exactly these
 * namespaces.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseCidr } from '../src/node/ipam.js';
import { nodeNetns } from '../src/node/names.js';
import { createNodeSteps, createSandboxSteps, nodeBridgeNetfilterStep, planSandbox, type Step } from '../src/node/sandbox-plan.js';
import { nodeNetworkSteps } from '../src/proxy/node-network.js';
import type { ProxyNodeConfig } from '../src/proxy/types.js';

export interface ReplicaPod {
  ip: string;
  /**
   * A server to run in the pod's namespace (a backend; none for a client): its argv, given the
   * pod's namespace name, and the port it must answer HTTP on before the replica is ready.
   */
  server?: { argv(netns: string): string[]; port: number };
}

export interface Replica {
  nodeNetns: string;
  /** The pod namespaces, in the order of the pods asked for (then the idle sandboxes'). */
  podNetns: string[];
  /** Runs a command in the node namespace; throws on failure. */
  inNode(argv: string[], input?: string): string;
  remove(): Promise<void>;
}

function must(argv: string[], input?: string): string {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function runStep(step: Step, prefix: string[] = []): void {
  must([...prefix, ...step.argv], step.input);
}

/**
 * Builds the copy. `name` must be unique to this run (e.g. `tb<pid>`); `podCIDR` is the node's
 * (10.244.0.0/24 in kubito).
 */
export async function buildReplica(name: string, options: { podCIDR: string; node: ProxyNodeConfig; pods: ReplicaPod[]; idleSandboxes?: number }): Promise<Replica> {
  const cidr = parseCidr(options.podCIDR);
  const node = nodeNetns(name);
  const pods: string[] = [];
  const servers: ChildProcess[] = [];
  // As the agent does, pod steps run with the node namespace's network but the host's mounts.
  const inNodeNet = ['nsenter', `--net=/run/netns/${node}`, '--'];
  const remove = async (): Promise<void> => {
    await Promise.all(servers.map((s) => stopProcess(s)));
    for (const ns of [...pods, node]) spawnSync('ip', ['netns', 'delete', ns]);
  };
  try {
    for (const step of createNodeSteps({ cluster: name, cidr })) runStep(step);
    spawnSync(nodeBridgeNetfilterStep(name).argv[0], nodeBridgeNetfilterStep(name).argv.slice(1));
    for (const argv of nodeNetworkSteps(options.node)) must(['ip', 'netns', 'exec', node, ...argv]);
    for (const pod of options.pods) {
      const plan = planSandbox({ cluster: name, uid: randomBytes(4).toString('hex'), ip: pod.ip, cidr });
      pods.push(plan.netns);
      for (const step of createSandboxSteps(plan)) runStep(step, step.argv[1] === '-batch' ? inNodeNet : []);
      if (pod.server) servers.push(await startServer(plan.netns, pod.server.argv(plan.netns), pod.server.port));
    }
    // Sandboxes with an address and nothing running, on the same bridge: the node's warm pool
    // (src/node/sandbox-pool.ts) has as many, at addresses no pod uses.
    const used = new Set(options.pods.map((p) => p.ip));
    const free = hostAddresses(cidr.base, cidr.prefix).filter((ip) => !used.has(ip)).reverse();
    for (let i = 0; i < (options.idleSandboxes ?? 0) && free.length; i++) {
      const plan = planSandbox({ cluster: name, uid: randomBytes(4).toString('hex'), ip: free.shift()!, cidr });
      pods.push(plan.netns);
      for (const step of createSandboxSteps(plan)) runStep(step, step.argv[1] === '-batch' ? inNodeNet : []);
    }
  } catch (err) {
    await remove();
    throw err;
  }
  return {
    nodeNetns: node,
    podNetns: pods,
    inNode: (argv, input) => must(['ip', 'netns', 'exec', node, ...argv], input),
    remove,
  };
}

/** The host addresses of an IPv4 /prefix after the gateway (the first one), as dotted quads. */
function hostAddresses(start: number, prefix: number): string[] {
  const out: string[] = [];
  for (let n = start + 2; n < start + 2 ** (32 - prefix) - 1; n++) out.push([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
  return out;
}

/** Starts a server in a namespace; resolves once it answers HTTP on `port` (5 s at most). */
async function startServer(netns: string, argv: string[], port: number): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', netns, ...argv], { stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${argv.join(' ')} in ${netns} exited ${child.exitCode}`);
    if (spawnSync('ip', ['netns', 'exec', netns, 'curl', '-sf', '-o', '/dev/null', '--max-time', '1', `http://127.0.0.1:${port}/`]).status === 0) return child;
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`${argv.join(' ')} in ${netns} did not answer on port ${port} within 5 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGTERM, then SIGKILL after 3 s; resolves when it exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
