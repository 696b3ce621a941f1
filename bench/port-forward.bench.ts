/**
 * @module `kubectl port-forward`: time to first byte of a forwarded connection, and the node
 * agent's CPU per connection, with the agent's two dials side by side (src/node/netns-dial.ts):
 * `netns` (localhost inside the pod's network namespace, the socket made there by the addon) and
 * `pod-ip` (the pod's IP from the node namespace, the dial before). Two clusters run at once, one
 * per dial (`KUBITO_PORT_FORWARD_DIAL`), each with a busybox httpd pod on all its addresses and a
 * kubectl port-forward to it; rounds alternate between them (`inTurn`). A connection: connect to
 * kubectl's local port, `GET /hostname`, first byte of the answer (the TTFB), read to the end.
 * The agent's CPU per connection is net of its idle rate (measured before each round, once it
 * settled: warm pool filled). Then the dial alone, in a process of its own in the node namespace
 * (this file again, `--dials`): connect + close to the pod's IP vs localhost in the pod's
 * namespace through the addon, alternating batches, wall and CPU per dial.
 * `KUBITO_BENCH_PF_ROUNDS` (6) x `KUBITO_BENCH_PF_CONNECTIONS` (50) per dial,
 * `KUBITO_BENCH_PF_DIALS` (2,000 per way), `KUBITO_BENCH_PF_SWAP=1` (the pod-IP side's cluster
 * starts first); < 4 min.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAgentAddon } from '../src/node/agent-addon.js';
import { dialLocalhost } from '../src/node/netns-dial.js';
import { nodeNetns, podNetns } from '../src/node/names.js';
import { inTurn, median, percentile, report, round, startBenchCluster, waitFor, type BenchCluster } from './support.js';

const ROUNDS = Number(process.env.KUBITO_BENCH_PF_ROUNDS ?? 6);
const CONNECTIONS = Number(process.env.KUBITO_BENCH_PF_CONNECTIONS ?? 50);
const DIAL_COUNT = Number(process.env.KUBITO_BENCH_PF_DIALS ?? 2000);
const DIALS = ['netns', 'pod-ip'] as const;
type Dial = (typeof DIALS)[number];

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    image: busybox
    command: ["httpd", "-f", "-p", "9000", "-h", "/etc"]
`;

/** Nanoseconds the scheduler ran `pid`'s live threads (its thread pool and GC helpers included). */
function runNs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended
    }
  }
  return ns;
}

interface Side {
  dial: Dial;
  cluster: BenchCluster;
  agentPid: number;
  forward: ChildProcess;
  port: number;
  ttfb: number[];
  /** The agent's run time per connection, its idle rate over the round's length taken off. */
  agentNsPerConn: number[];
  idleNsPerS: number[];
  kubectlNsPerConn: number[];
}

function kubectl(cluster: BenchCluster, args: string[], input?: string): string {
  const r = spawnSync('kubectl', ['--kubeconfig', join(cluster.dir, 'kc'), ...args], { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function startSide(dial: Dial, index: number): Promise<Side> {
  const before = process.env.KUBITO_PORT_FORWARD_DIAL;
  process.env.KUBITO_PORT_FORWARD_DIAL = dial;
  let cluster: BenchCluster;
  try {
    cluster = await startBenchCluster({ name: `pfb${process.pid % 10000}${index}`, extraArgs: ['--dns-upstream', 'none'], limitMs: 240_000 });
  } finally {
    if (before === undefined) delete process.env.KUBITO_PORT_FORWARD_DIAL;
    else process.env.KUBITO_PORT_FORWARD_DIAL = before;
  }
  kubectl(cluster, ['apply', '-f', '-'], POD);
  await waitFor('web Running', () => (kubectl(cluster, ['get', 'pod', 'web', '-o', 'jsonpath={.status.phase}']) === 'Running' ? true : undefined));
  const agentPid = Number(readFileSync(join(cluster.dataDir, 'run', 'agent.pid'), 'utf8').trim());
  const forward = spawn('kubectl', ['--kubeconfig', join(cluster.dir, 'kc'), 'port-forward', 'pod/web', ':9000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  forward.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  forward.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const port = await waitFor('port-forward', () => {
    const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  });
  return { dial, cluster, agentPid, forward, port, ttfb: [], agentNsPerConn: [], idleNsPerS: [], kubectlNsPerConn: [] };
}

/** One forwarded connection: ms from connect() to the answer's first byte; rejects on a failure. */
function oneConnection(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first = 0;
    let body = '';
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => s.write('GET /hostname HTTP/1.0\r\n\r\n'));
    s.on('data', (c: Buffer) => {
      if (!first) first = performance.now() - t0;
      body += c.toString();
    });
    s.on('end', () => (/^HTTP\/1\.[01] 200/.test(body) ? resolve(first) : reject(new Error(`unexpected answer: ${body.slice(0, 200)}`))));
    s.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The agent's run time per second while nothing is forwarded (over `ms`). */
async function idleRate(pid: number, ms: number): Promise<number> {
  const t0 = performance.now();
  const n0 = runNs(pid);
  await sleep(ms);
  return ((runNs(pid) - n0) * 1000) / (performance.now() - t0);
}

/** Waits (at most 60 s) until the agent ran < 3 ms in each of three 300 ms windows: its warm pool filled. */
async function settle(pid: number): Promise<void> {
  for (let i = 0, quiet = 0; i < 200 && quiet < 3; i++) quiet = (await idleRate(pid, 300)) * 0.3 < 3e6 ? quiet + 1 : 0;
}

async function round_(side: Side): Promise<void> {
  const idle = await idleRate(side.agentPid, 500);
  side.idleNsPerS.push(idle);
  const t0 = performance.now();
  const agent0 = runNs(side.agentPid);
  const kubectl0 = runNs(side.forward.pid!);
  for (let i = 0; i < CONNECTIONS; i++) side.ttfb.push(await oneConnection(side.port));
  const seconds = (performance.now() - t0) / 1000;
  side.agentNsPerConn.push((runNs(side.agentPid) - agent0 - idle * seconds) / CONNECTIONS);
  side.kubectlNsPerConn.push((runNs(side.forward.pid!) - kubectl0) / CONNECTIONS);
}

/**
 * `--dials <pod IP> <netns path>`, in the node namespace: connect + close, `DIAL_COUNT` times each
 * way in alternating batches of 100; prints one JSON line of µs per dial (wall and process CPU).
 */
async function dialsAlone(ip: string, netnsPath: string): Promise<void> {
  const mod = loadAgentAddon();
  if (mod instanceof Error) throw mod;
  // A listener of its own in the pod's namespace, on all its addresses (busybox httpd forks per
  // connection and its short backlog overflows under a dial loop: SYNs dropped, 1 s retries).
  const code = "require('net').createServer((s) => s.destroy()).listen({ port: 9100, backlog: 4096 }, () => console.log('ready'))";
  const server = spawn('nsenter', [`--net=${netnsPath}`, '--', process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => server.stdout!.once('data', resolve));
  const ways = {
    'pod-ip': () => new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: ip, port: 9100 });
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    }),
    netns: () => dialLocalhost(mod, { netnsPath, sandbox: 'bench', port: 9100 }),
  };
  const totals = { 'pod-ip': { wall: 0, cpu: 0, n: 0 }, netns: { wall: 0, cpu: 0, n: 0 } };
  for (let batch = 0; batch < (2 * DIAL_COUNT) / 100; batch++) {
    const way = batch % 2 === 0 ? 'netns' : 'pod-ip';
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) (await ways[way]()).destroy();
    const c = process.cpuUsage(c0);
    totals[way].wall += (performance.now() - t0) * 1000;
    totals[way].cpu += c.user + c.system;
    totals[way].n += 100;
  }
  const per = (w: keyof typeof totals): { wallUs: number; cpuUs: number; n: number } => ({ wallUs: totals[w].wall / totals[w].n, cpuUs: totals[w].cpu / totals[w].n, n: totals[w].n });
  server.kill();
  console.log(JSON.stringify({ netns: per('netns'), podIP: per('pod-ip') }));
}

if (process.argv[2] === '--dials') {
  await dialsAlone(process.argv[3], process.argv[4]);
  process.exit(0);
}

const sides: Side[] = [];
try {
  // KUBITO_BENCH_PF_SWAP=1: the pod-IP side's cluster starts first (a bias of the order shows).
  const order = process.env.KUBITO_BENCH_PF_SWAP === '1' ? [...DIALS].reverse() : DIALS;
  for (const [i, dial] of order.entries()) sides.push(await startSide(dial, i));
  for (const side of sides) {
    if (!side.cluster.output().includes(`port-forward dial: ${side.dial} `)) throw new Error(`the ${side.dial} side's agent does not say it dials so (addon not built?)`);
    // Warm-up: the first connections pay for cold code paths on every side.
    for (let i = 0; i < 10; i++) await oneConnection(side.port);
    await settle(side.agentPid);
  }
  const [a, b] = sides;
  for (let r = 0; r < ROUNDS; r++) {
    await inTurn(r, () => round_(a), () => round_(b));
    console.error(`round ${r + 1}: ${sides.map((s) => `${s.dial} ttfb p50 ${round(percentile(s.ttfb.slice(-CONNECTIONS), 50))} ms, agent ${round(s.agentNsPerConn.at(-1)! / 1e3, 1)} µs/conn`).join('; ')}`);
  }
  const netns = sides.find((s) => s.dial === 'netns')!;
  const podIP = sides.find((s) => s.dial === 'pod-ip')!;
  const p50 = (s: Side): number => percentile(s.ttfb, 50);
  const p99 = (s: Side): number => percentile(s.ttfb, 99);
  const agentUs = (s: Side): number => median(s.agentNsPerConn) / 1e3;
  report({ name: `port-forward TTFB p50 (${netns.ttfb.length} connections, kubectl, localhost in the pod's netns)`, value: round(p50(netns)), unit: 'ms', goal: '<= pod-ip dial', baseline: 'pod-IP dial', baseline_value: round(p50(podIP)), ratio: round(p50(podIP) / p50(netns)) });
  report({ name: `port-forward TTFB p99 (${netns.ttfb.length} connections, localhost in the pod's netns)`, value: round(p99(netns)), unit: 'ms', goal: '<= pod-ip dial', baseline: 'pod-IP dial', baseline_value: round(p99(podIP)), ratio: round(p99(podIP) / p99(netns)) });
  report({ name: 'port-forward node agent CPU per connection (median of rounds, localhost in the pod\'s netns)', value: round(agentUs(netns), 1), unit: 'µs', goal: '<= pod-ip dial', baseline: 'pod-IP dial', baseline_value: round(agentUs(podIP), 1), ratio: round(agentUs(podIP) / agentUs(netns)) });
  console.error(`agent idle µs/s per round: ${sides.map((s) => `${s.dial} ${s.idleNsPerS.map((n) => round(n / 1e3, 0)).join(' ')}`).join('; ')}`);
  console.error(`agent µs/conn per round: ${sides.map((s) => `${s.dial} ${s.agentNsPerConn.map((n) => round(n / 1e3, 1)).join(' ')}`).join('; ')}`);
  console.error(`kubectl µs/conn per round: ${sides.map((s) => `${s.dial} ${s.kubectlNsPerConn.map((n) => round(n / 1e3, 1)).join(' ')}`).join('; ')}`);
  console.error(`ttfb p50 per round: ${sides.map((s) => `${s.dial} ${Array.from({ length: ROUNDS }, (_, r) => round(percentile(s.ttfb.slice(r * CONNECTIONS, (r + 1) * CONNECTIONS), 50))).join(' ')}`).join('; ')}`);
  // The dial alone, from the node namespace of the netns side's cluster (its pod: web).
  const c = netns.cluster;
  const uid = kubectl(c, ['get', 'pod', 'web', '-o', 'jsonpath={.metadata.uid}']);
  const ip = kubectl(c, ['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}']);
  const r = spawnSync('nsenter', [`--net=/run/netns/${nodeNetns(c.name)}`, '--', process.execPath, fileURLToPath(import.meta.url), '--dials', ip, `/run/netns/${podNetns(c.name, uid)}`], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`the dials alone (${r.error?.message ?? r.signal ?? r.status}): ${r.stderr}${r.stdout}`);
  const alone = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<'netns' | 'podIP', { wallUs: number; cpuUs: number; n: number }>;
  report({ name: `the dial alone, connect + close, wall (${alone.netns.n} each way, localhost in the pod's netns)`, value: round(alone.netns.wallUs, 1), unit: 'µs', goal: '<= pod-ip dial', baseline: 'pod-IP dial', baseline_value: round(alone.podIP.wallUs, 1), ratio: round(alone.podIP.wallUs / alone.netns.wallUs) });
  report({ name: `the dial alone, connect + close, process CPU (localhost in the pod's netns)`, value: round(alone.netns.cpuUs, 1), unit: 'µs', goal: '<= pod-ip dial', baseline: 'pod-IP dial', baseline_value: round(alone.podIP.cpuUs, 1), ratio: round(alone.podIP.cpuUs / alone.netns.cpuUs) });
} finally {
  for (const side of sides) {
    side.forward.kill();
    await side.cluster.stop();
  }
}
