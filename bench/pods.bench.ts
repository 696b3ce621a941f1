/**
 * @module Node agent benchmark (issue 4): pod create -> Running and create -> Ready, for single
 * pods one at a time and for a burst created at once (p50/p99; also the time the creates took
 * and create -> bound), and the agent's RSS with the burst running. Starts its own cluster
 * (`kubito up`, memory store) in a temp dir; a watch on the pods timestamps each transition as a
 * client sees it. Busybox pods (`sleep`), no probes: Ready follows Running once the status says
 * the container is ready. Also CPU time per pod of the agent with every process it started, and
 * of the control plane: steadier than latency on a shared machine. Bounded to 60 s; prints one
 * JSON row per figure; the burst rows' baseline is the same burst of bare pods by host tools
 * (floor/pod-floor.ts), run after the cluster is gone. Needs root (network namespaces);
 * `KUBITO_BENCH_PODS` sets the burst (default 50), `KUBITO_BENCH_TRACE=1` prints each burst pod's bound and Running times (ms) on stderr.
 * The client's connections are opened before the burst (`KUBITO_BENCH_COLD_CLIENT=1`: by the
 * burst's creates themselves).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject, WatchEvent } from '../src/api/types.js';
import { Client, HttpTransport, loadKubeconfigConnection } from '../src/client/index.js';
import { cleanupCluster } from '../src/node/launch.js';
import { CONFIGMAPS, PODS } from '../src/node/api-refs.js';
import { podFloorBurst } from './floor/pod-floor.js';
import { READY_LINE, report, round } from './support.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BURST = Number(process.env.KUBITO_BENCH_PODS ?? 50);
/**
 * `KUBITO_BENCH_POD_VOLUME=sa`: each pod mounts a projected volume (a ConfigMap's ca.crt and the
 * namespace by the downward API) at /var/run/secrets/kubernetes.io/serviceaccount, a path the
 * host lacks — the service account volume's cost without its TokenRequest.
 */
const SA_VOLUME = process.env.KUBITO_BENCH_POD_VOLUME === 'sa';
const SINGLES = 5;
const LIMIT_MS = 60_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))];
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) of a process and all its descendants, live or reaped: utime, stime, cutime,
 * cstime of /proc/<pid>/stat (clock ticks of 10 ms) of it and of every live descendant (the
 * agent's command helper, containers' launchers; what they reaped counts in their cutime).
 * Less noisy than latency on a shared machine.
 */
/**
 * CPU time (ms) of the process alone (all its threads; not its children): the scheduler's
 * nanosecond run times (/proc/<pid>/task/<tid>/schedstat) of its live threads, else the 10 ms
 * ticks of /proc/<pid>/stat. A thread that ended takes its time with it (Node's threads live as
 * long as the process).
 */
function ownCpuMs(pid: number, options: { ticks?: boolean } = {}): number {
  try {
    if (options.ticks) throw new Error('ticks asked for');
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1e6;
  } catch {
    const fields = statFields(pid);
    return fields ? (Number(fields[11]) + Number(fields[12])) * 10 : 0;
  }
}

function treeCpuMs(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid)!.push(Number(entry));
  }
  let total = 0;
  const queue = [pid];
  while (queue.length) {
    const p = queue.pop()!;
    const fields = statFields(p);
    if (fields) total += fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) * 10;
    queue.push(...(children.get(p) ?? []));
  }
  return total;
}

/** The machine's CPU time (ms, all cores) from /proc/stat: busy, softirq, total; since `from` when given. */
function machineCpuMs(from?: { busy: number; softirq: number; total: number }): { busy: number; softirq: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest times are inside user and nice)
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0) * 10;
  const idle = (fields[3] + fields[4]) * 10;
  const now = { busy: total - idle, softirq: fields[6] * 10, total };
  return from ? { busy: now.busy - from.busy, softirq: now.softirq - from.softirq, total: now.total - from.total } : now;
}

interface PodView extends KubeObject {
  status?: { phase?: string; conditions?: Array<{ type: string; status: string }> };
}

/** When each pod was first seen Running and Ready (ms, performance.now()). */
class Transitions {
  bound = new Map<string, number>();
  running = new Map<string, number>();
  ready = new Map<string, number>();
  #waiters: Array<() => void> = [];

  onEvent(event: WatchEvent): void {
    const pod = event.object as PodView;
    const name = pod.metadata?.name ?? '';
    const now = performance.now();
    if ((pod as { spec?: { nodeName?: string } }).spec?.nodeName && !this.bound.has(name)) this.bound.set(name, now);
    if (pod.status?.phase === 'Running' && !this.running.has(name)) this.running.set(name, now);
    if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !this.ready.has(name)) this.ready.set(name, now);
    for (const w of this.#waiters.splice(0)) w();
  }

  async waitReady(names: string[]): Promise<void> {
    while (!names.every((n) => this.ready.has(n))) await new Promise<void>((r) => this.#waiters.push(r));
  }
}

/** The agent's phase marks (KUBITO_POD_TRACE, src/node/pod-trace.ts) of the burst's pods, ms from its start. */
function addAgentPhases(phases: Map<string, number[]>, file: string, burst: { start: number; end: number; settled: number; names: Set<string> }): void {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const first = new Map<string, Map<string, number>>();
  const lines = text.split('\n').map((line) => line.split(' '));
  // The burst's work ends with the last Running status write sent; requests made until then
  // competed with it (the bench's watch sees that write answered a little later).
  const lastPatch = Math.max(0, ...lines.filter(([, ref, phase]) => phase === 'patch-Running' && burst.names.has(ref?.split('/')[1])).map(([at]) => Number(at)));
  for (const [at, ref, phase] of lines) {
    if (ref?.startsWith('~api/') && phase === 'sent') countRequest(ref.slice(5), Number(at), { ...burst, end: lastPatch || burst.end });
    const pod = ref?.split('/')[1];
    if (!phase || !burst.names.has(pod)) continue;
    if (!first.has(phase)) first.set(phase, new Map());
    if (!first.get(phase)!.has(pod)) first.get(phase)!.set(pod, Number(at) - burst.start);
  }
  for (const [phase, byPod] of first) phases.set(`agent: ${phase}`, [...byPod.values()]);
  // Per pod, the agent's own stretches (less hostage to when the API delivered the pod).
  const spans: Array<[string, string, string]> = [
    ['seen -> slot', 'seen', 'slot'],
    ['slot -> spawned', 'slot', 'spawned'],
    ['spawned -> program', 'spawned', 'program'],
    ['program -> patch', 'program', 'patch-Running'],
    ['patch -> patched', 'patch-Running', 'patched-Running'],
    ['seen -> patch', 'seen', 'patch-Running'],
  ];
  for (const [label, from, to] of spans) {
    const a = first.get(from);
    const b = first.get(to);
    if (!a || !b) continue;
    const deltas = [...a].filter(([pod]) => b.has(pod)).map(([pod, t]) => b.get(pod)! - t);
    if (deltas.length) spanTable.set(label, deltas);
  }
}

/** The agent's API requests (src/node/request-trace.ts) by kind: made in the burst (its start -> the last Running status write sent), and until the node settled. */
const requestTable = new Map<string, { burst: number; settled: number }>();

function countRequest(kind: string, at: number, burst: { start: number; end: number; settled: number }): void {
  if (at < burst.start || at > burst.settled) return;
  const row = requestTable.get(kind) ?? { burst: 0, settled: 0 };
  if (at <= burst.end) row.burst++;
  row.settled++;
  requestTable.set(kind, row);
}

/** Per-pod spans of the agent's phases (ms), filled by addAgentPhases. */
const spanTable = new Map<string, number[]>();

/** Per phase, ms from the burst's start: p50 rows, and a table of p50/p90/p99 on stderr. */
function reportPhases(phases: Map<string, number[]>): void {
  const order = [...phases].sort(([, a], [, b]) => percentile(a, 50) - percentile(b, 50));
  console.error(`burst phases, ms from the burst's start (first / p50 / p90 / p99, pods):`);
  for (const [phase, values] of order) {
    console.error(`  ${phase.padEnd(28)} ${[0, 50, 90, 99].map((p) => String(Math.round(percentile(values, p))).padStart(5)).join(' /')}  (${values.length})`);
    report({ name: `pod burst of ${BURST}, start -> ${phase}, p50`, value: Math.round(percentile(values, 50)), unit: 'ms', goal: '' });
  }
  if (requestTable.size) {
    console.error(`agent API requests, per pod of the burst: in the burst (start -> last Running status write sent) / until settled`);
    const rows = [...requestTable].sort(([, a], [, b]) => b.settled - a.settled);
    const total = rows.reduce((sum, [, r]) => ({ burst: sum.burst + r.burst, settled: sum.settled + r.settled }), { burst: 0, settled: 0 });
    for (const [kind, r] of [...rows, ['all', total] as const]) console.error(`  ${kind.padEnd(28)} ${(r.burst / BURST).toFixed(2).padStart(6)} / ${(r.settled / BURST).toFixed(2).padStart(6)}`);
    report({ name: `node agent API requests per pod, burst of ${BURST} (start -> last Running status write sent)`, value: Number((total.burst / BURST).toFixed(2)), unit: 'requests', goal: '' });
    report({ name: `node agent API requests per pod, burst of ${BURST}, until settled`, value: Number((total.settled / BURST).toFixed(2)), unit: 'requests', goal: '' });
  }
  console.error(`agent spans per pod, ms (p50 / p90 / max):`);
  for (const [label, values] of spanTable) {
    console.error(`  ${label.padEnd(28)} ${[50, 90, 100].map((p) => String(Math.round(percentile(values, p))).padStart(5)).join(' /')}`);
    report({ name: `pod burst of ${BURST}, agent span ${label} per pod, p50`, value: Math.round(percentile(values, 50)), unit: 'ms', goal: '' });
  }
}

/**
 * Resolves once the agent, with its processes, has used at most 10 ms of CPU per 100 ms three
 * times running (its deferred work done: warm pool refills, held events); at most 5 s.
 */
async function settled(agentPid: number): Promise<void> {
  for (let i = 0, quiet = 0, last = treeCpuMs(agentPid); i < 50 && quiet < 3; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = treeCpuMs(agentPid);
    quiet = now - last <= 10 ? quiet + 1 : 0;
    last = now;
  }
}

function busybox(name: string): KubeObject {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { bench: 'pods' } },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'sleep', image: 'busybox', command: ['sleep', '3600'] }] },
  } as KubeObject & { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } };
  if (SA_VOLUME) {
    pod.spec.volumes = [{ name: 'sa', projected: { defaultMode: 420, sources: [{ configMap: { name: 'bench-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } }] } }];
    pod.spec.containers[0].volumeMounts = [{ name: 'sa', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }];
  }
  return pod;
}

async function main(): Promise<void> {
  let burst: { running: number[]; ready: number[] } | undefined;
  let burstStart = 0;
  let burstEnd = 0;
  let burstSettled = 0;
  let burstNames = new Set<string>();
  if (process.getuid?.() !== 0 || spawnSync('ip', ['netns', 'list']).status !== 0) {
    console.error('pods.bench: needs root and network namespaces; skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'kubito-bench-pods-'));
  const name = `benchpods${process.pid % 100000}`;
  const dataDir = join(dir, 'data');
  const traceFile = join(dir, 'pod-trace.log');
  // KUBITO_BENCH_CP_NODE_OPTIONS: Node options for the control plane alone (e.g. --cpu-prof).
  const cpOptions = (process.env.KUBITO_BENCH_CP_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...cpOptions, join(ROOT, 'bin', 'kubito.js'), 'up', '--name', name, '--data-dir', dataDir, '--kubeconfig', join(dir, 'kc'), '--api-port', '0', '--store', 'memory'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, KUBITO_POD_TRACE: traceFile } });
  let phases: Map<string, number[]> | undefined;
  const deadline = setTimeout(() => {
    console.error(`pods.bench took longer than ${LIMIT_MS / 1000} s; stopping`);
    child.kill('SIGKILL');
    void cleanupCluster(name, { dataDir }).finally(() => process.exit(1));
  }, LIMIT_MS);
  let transport: HttpTransport | undefined;
  try {
    let out = '';
    await new Promise<void>((res, rej) => {
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (READY_LINE.test(out)) res();
      });
      child.once('exit', () => rej(new Error(`kubito exited:\n${out}`)));
    });
    const agentPid = Number(/node agent\s+\S+ \([^)]*\), pid (\d+)/.exec(out)?.[1]);
    if (!agentPid) throw new Error(`no node agent in kubito's output:\n${out}`);
    transport = new HttpTransport(loadKubeconfigConnection(join(dir, 'kc')).transport);
    const pods = new Client(transport).resource(PODS);
    if (SA_VOLUME) await new Client(transport).resource(CONFIGMAPS).create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench-ca', namespace: 'default' }, data: { 'ca.crt': 'PEM' } } as KubeObject);
    const seen = new Transitions();
    const watch = await pods.watch({ namespace: 'default', labelSelector: 'bench=pods' }, { onEvent: (e) => seen.onEvent(e), onClose: () => undefined });
    report({ name: 'node agent RSS, idle', value: Math.round(rssMiB(agentPid)), unit: 'MiB', goal: '' });

    // One at a time: the latency of a pod on a quiet node.
    const single = { running: [] as number[], ready: [] as number[] };
    for (let i = 0; i < SINGLES; i++) {
      const podName = `single-${i}`;
      const t0 = performance.now();
      await pods.create(busybox(podName));
      await seen.waitReady([podName]);
      single.running.push(seen.running.get(podName)! - t0);
      single.ready.push(seen.ready.get(podName)! - t0);
    }
    report({ name: 'pod create -> Running, single (median of 5)', value: Math.round(percentile(single.running, 50)), unit: 'ms', goal: '< 150 ms' });
    report({ name: 'pod create -> Ready, single (median of 5)', value: Math.round(percentile(single.ready, 50)), unit: 'ms', goal: '' });

    // A burst created at once, on a settled node (what the singles started done), as on a node
    // that has been up a while.
    await settled(agentPid);
    // The client's connections are opened before the burst (KUBITO_BENCH_COLD_CLIENT=1: not):
    // one TLS connection per concurrent create, each with its own secure context, kept this
    // client's CPU busy some 50 ms before the API server saw a request (a client-go client
    // multiplexes one HTTP/2 connection; upstream's pod start-up SLI counts from the pod's
    // creation). The burst's latency is the cluster's, not this client's set-up.
    if (!process.env.KUBITO_BENCH_COLD_CLIENT) await Promise.all(Array.from({ length: BURST }, () => pods.list({ namespace: 'default', limit: 1 })));
    // A burst created at once.
    const names = Array.from({ length: BURST }, (_, i) => `burst-${i}`);
    const t0 = performance.now();
    const cpu0 = treeCpuMs(agentPid);
    const agentOwn0 = ownCpuMs(agentPid);
    const agentTicks0 = ownCpuMs(agentPid, { ticks: true });
    const cpOwn0 = ownCpuMs(child.pid!);
    const cpCpu0 = treeCpuMs(child.pid!) - cpu0;
    const mono0 = process.hrtime.bigint() / 1000n;
    const machine0 = machineCpuMs();
    const bench0 = process.cpuUsage();
    const answered = new Map<string, number>();
    await Promise.all(names.map((n) => pods.create(busybox(n)).then(() => answered.set(n, performance.now()))));
    const created = performance.now() - t0;
    await seen.waitReady(names);
    // The burst's window on the monotonic clock (µs), which CPU profiles' timestamps use.
    if (process.env.KUBITO_BENCH_TRACE) console.error(`burst window (monotonic us): ${mono0} ${process.hrtime.bigint() / 1000n}; pids: agent ${agentPid}, control plane ${child.pid}, this bench ${process.pid}`);
    // Where the machine's CPU went in the burst (all processes, this bench's client too).
    const window = performance.now() - t0;
    const machine = machineCpuMs(machine0);
    const benchCpu = process.cpuUsage(bench0);
    const agentOwn = ownCpuMs(agentPid) - agentOwn0;
    const cpOwn = ownCpuMs(child.pid!) - cpOwn0;
    // The processes it started: the tree's ticks less the agent's own (both 10 ms ticks).
    const agentKids = treeCpuMs(agentPid) - cpu0 - (ownCpuMs(agentPid, { ticks: true }) - agentTicks0);
    const agentTree = treeCpuMs(agentPid) - cpu0;
    console.error(`agent CPU per pod in the burst: ${(agentTree / BURST).toFixed(1)} ms (its Node process ${(agentOwn / BURST).toFixed(2)} (scheduler run time), the processes it started ${(agentKids / BURST).toFixed(1)}); control plane's Node process ${(cpOwn / BURST).toFixed(2)} ms`);
    console.error(`burst: ${Math.round(window)} ms; machine CPU busy ${Math.round(machine.busy)} ms of ${Math.round(machine.total)} (${Math.round((100 * machine.busy) / Math.max(1, machine.total))}%; softirq ${Math.round(machine.softirq)} ms); this bench's client ${Math.round((benchCpu.user + benchCpu.system) / 1000)} ms; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    report({ name: `node agent CPU per pod started (burst of ${BURST}, with every process it started)`, value: Math.round((treeCpuMs(agentPid) - cpu0) / BURST), unit: 'ms', goal: '' });
    report({ name: `control plane CPU per pod started (burst of ${BURST})`, value: Math.round((treeCpuMs(child.pid!) - treeCpuMs(agentPid) - cpCpu0) / BURST), unit: 'ms', goal: '' });
    report({ name: `${BURST} pod creates answered`, value: Math.round(created), unit: 'ms', goal: '' });
    const bound = names.map((n) => seen.bound.get(n)! - t0);
    report({ name: `pod create -> bound (scheduled), burst of ${BURST}, p50`, value: Math.round(percentile(bound, 50)), unit: 'ms', goal: '' });
    if (process.env.KUBITO_BENCH_TRACE) for (const n of names) console.error(n, Math.round(seen.bound.get(n)! - t0), Math.round(seen.running.get(n)! - t0));
    const running = names.map((n) => seen.running.get(n)! - t0);
    const ready = names.map((n) => seen.ready.get(n)! - t0);
    burst = { running, ready };
    phases = new Map([['create answered', names.map((n) => answered.get(n)! - t0)], ['bound (watch)', bound]]);
    burstStart = performance.timeOrigin + t0;
    burstNames = new Set(names);
    burstEnd = burstStart + window;
    phases.set('Running (watch)', running);
    report({ name: `node agent RSS with ${BURST + SINGLES} pods`, value: Math.round(rssMiB(agentPid)), unit: 'MiB', goal: '' });
    // What the burst cost in all, the work it deferred included (warm pool refills, held
    // events): CPU from its start until the node has settled again.
    await settled(agentPid);
    burstSettled = performance.timeOrigin + performance.now();
    const agentAll = treeCpuMs(agentPid) - cpu0;
    console.error(`until settled, CPU per pod: agent's Node process ${((ownCpuMs(agentPid) - agentOwn0) / BURST).toFixed(2)} ms, control plane's Node process ${((ownCpuMs(child.pid!) - cpOwn0) / BURST).toFixed(2)} ms`);
    report({ name: `node agent CPU per pod started, until settled (burst of ${BURST}, refills and held events included)`, value: Math.round(agentAll / BURST), unit: 'ms', goal: '' });
    report({ name: `control plane CPU per pod started, until settled (burst of ${BURST})`, value: Math.round((treeCpuMs(child.pid!) - agentAll - cpu0 - cpCpu0) / BURST), unit: 'ms', goal: '' });
    watch.stop();
  } finally {
    transport?.close();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await cleanupCluster(name, { dataDir });
    if (phases) addAgentPhases(phases, traceFile, { start: burstStart, end: burstEnd, settled: burstSettled, names: burstNames });
    rmSync(dir, { recursive: true, force: true });
    clearTimeout(deadline);
  }
  // The floor, once the cluster is gone: the same burst of bare pods by host tools, no Kubernetes.
  if (!burst) return;
  reportPhases(phases!);
  const floor = await podFloorBurst(BURST);
  const baseline = 'bare pods by host tools (netns, veth, route, busybox; one shell each, all at once)';
  const rows: Array<[string, number[], number, string]> = [
    [`pod create -> Running, burst of ${BURST}, p50`, burst.running, 50, '< 150 ms'],
    [`pod create -> Running, burst of ${BURST}, p99`, burst.running, 99, ''],
    [`pod create -> Ready, burst of ${BURST}, p50`, burst.ready, 50, ''],
    [`pod create -> Ready, burst of ${BURST}, p99`, burst.ready, 99, ''],
  ];
  for (const [rowName, values, p, goal] of rows) {
    const value = Math.round(percentile(values, p));
    const floorValue = Math.round(percentile(floor, p));
    report({ name: rowName, value, unit: 'ms', goal, baseline, baseline_value: floorValue, ratio: round(floorValue / value) });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
