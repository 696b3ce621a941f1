/**
 * @module A hand-made copy of a kubito node's network for the "same rules loaded by hand"
 * baseline: a node namespace and pod namespaces built with kubito's own step functions
 * (`createNodeSteps`, `createSandboxSteps`, the proxy's `nodeNetworkSteps`), so bridge, veths,
 * hairpin, sysctls and routes are the same, with the same pod addresses; servers are the
 * caller's commands (the benchmark's nginx), started here without any kubito process, all in
 * one session of their own as kubito's pods are (server-session.ts). Rules are loaded into it
 * by the caller.
 *
 * Names: `kubito-<name>-node` and `kubito-<name>-p<8 hex>`, with `name` = `tb<pid>...`, so they
 * start with `kubito-t`; `remove()` stops the servers by PID and deletes exactly these
 * namespaces.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseCidr } from '../src/node/ipam.js';
import { nodeNetns } from '../src/node/names.js';
import { createNodeSteps, createSandboxSteps, nodeBridgeNetfilterStep, planSandbox, type Step } from '../src/node/sandbox-plan.js';
import { nodeNetworkSteps } from '../src/proxy/node-network.js';
import type { ProxyNodeConfig } from '../src/proxy/types.js';
import { startServerSession, type ServerSession } from './server-session.js';

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
  let servers: ServerSession | undefined;
  // As the agent does, pod steps run with the node namespace's network but the host's mounts.
  const inNodeNet = ['nsenter', `--net=/run/netns/${node}`, '--'];
  const remove = async (): Promise<void> => {
    await servers?.stop();
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
    }
    // The servers, all in one session of their own, as kubito's node agent runs a node's pods
    // (all under its launch server, a session leader): never in the session of the benchmark
    // that runs the clients (server-session.ts says what that changed).
    const serving = options.pods.flatMap((pod, i) => (pod.server ? [{ netns: pods[i], argv: pod.server.argv(pods[i]), port: pod.server.port }] : []));
    if (serving.length) {
      // KUBITO_BENCH_REPLICA_SESSION=bench: in the benchmark's session instead (for A/B runs).
      servers = await startServerSession(serving.map((s) => ['ip', 'netns', 'exec', s.netns, ...s.argv]), { ownSession: process.env.KUBITO_BENCH_REPLICA_SESSION !== 'bench' });
      for (const [i, s] of serving.entries()) await waitServer(s.netns, s.port, { alive: () => servers!.alive(servers!.pids[i]), what: s.argv.join(' ') });
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

/** Resolves once a server answers HTTP on `port` in its namespace (5 s at most). */
async function waitServer(netns: string, port: number, options: { alive(): boolean; what: string }): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    if (!options.alive()) throw new Error(`${options.what} in ${netns} exited`);
    if (spawnSync('ip', ['netns', 'exec', netns, 'curl', '-sf', '-o', '/dev/null', '--max-time', '1', `http://127.0.0.1:${port}/`]).status === 0) return;
    if (Date.now() > deadline) throw new Error(`${options.what} in ${netns} did not answer on port ${port} within 5 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
