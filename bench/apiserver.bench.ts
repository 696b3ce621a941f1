/**
 * @module API server benchmark (issue 2): `up` to ready, idle RSS, Service creates per second
 * with 4 concurrent clients, list of 10,000 Services as JSON and as Table, and watch event
 * latency with 100 watchers. Starts its own cluster (SQLite store) on a free loopback port,
 * bounded in count and time, and prints one JSON row per figure.
 */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { percentile, report, rssMiB, startBenchCluster } from './support.js';

const SERVICES = Number(process.env.KUBITO_BENCH_SERVICES ?? 10_000);
const WATCHERS = 100;

function rawGet(server: string, path: string, headers: Record<string, string>, ca: string): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolveGet, reject) => {
    const t0 = performance.now();
    const req = request(`${server}${path}`, { headers, ca }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolveGet({ ms: performance.now() - t0, bytes }) : reject(new Error(`${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/** CPU time in ms of `pid` (user + system), with its reaped children's when `children` is set. */
function cpuMs(pid: number, options: { children?: boolean } = {}): number {
  // Fields after the `(comm)`: utime is the 14th field of the line, stime 15th, cutime 16th, cstime 17th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]) + (options.children ? Number(fields[13]) + Number(fields[14]) : 0);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** The pids of `pid`'s direct children. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU ms per process of interest: the control plane alone, the node agent with its helpers, this client. */
function cpuSnapshot(controlPlane: number): { controlPlane: number; agent: number; client: number } {
  const agentPids = childrenOf(controlPlane);
  const client = process.cpuUsage();
  return {
    controlPlane: cpuMs(controlPlane),
    agent: agentPids.reduce((sum, pid) => {
      try {
        return sum + cpuMs(pid, { children: true });
      } catch {
        return sum;
      }
    }, 0),
    client: (client.user + client.system) / 1000,
  };
}

/**
 * Waits until the control plane is quiet: under 10% of a core over two half-second windows in
 * a row (its controllers have written what the creates asked for), or `limitMs` passed.
 * Returns how long it waited.
 */
async function settle(controlPlane: number, limitMs = 120_000): Promise<number> {
  const start = performance.now();
  let quiet = 0;
  let last = cpuMs(controlPlane);
  while (quiet < 2 && performance.now() - start < limitMs) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuMs(controlPlane);
    quiet = now - last < 50 ? quiet + 1 : 0;
    last = now;
  }
  return performance.now() - start;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const cluster = await startBenchCluster({ name: 'bench-api', limitMs: 300_000 });
  try {
    const { server, ca, token } = cluster;
    report({ name: 'up to API ready (wall, first start)', value: Math.round(cluster.apiReadyAt - t0), unit: 'ms', goal: '< 300 ms' });
    report({ name: 'up to API ready (as kubito reports)', value: Number(/API ready at (\d+) ms/.exec(cluster.output())![1]), unit: 'ms', goal: '< 300 ms' });
    // `up` says ready (and `up --detach` returns) once the node agent's DNS and proxy run too.
    report({ name: 'up to cluster ready, API + DNS + proxy (as kubito reports)', value: Number(/ready in (\d+) ms/.exec(cluster.output())![1]), unit: 'ms', goal: '-' });
    await new Promise((r) => setTimeout(r, 2000));
    report({ name: 'idle RSS (control plane)', value: Math.round(rssMiB(cluster.process.pid!)), unit: 'MiB', goal: '< 80 MiB' });

    const clients = Array.from({ length: 4 }, () => cluster.client());
    const svc = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { bench: 'x' } }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });
    const cpuBefore = cpuSnapshot(cluster.process.pid!);
    const createStart = performance.now();
    let next = 0;
    await Promise.all(clients.map(async (client) => {
      for (let i = next++; i < SERVICES; i = next++) {
        await client.request({ method: 'POST', path: '/api/v1/namespaces/default/services', body: svc(`s${i}`) });
      }
    }));
    const createSeconds = (performance.now() - createStart) / 1000;
    report({ name: 'Service creates/s (4 clients)', value: Math.round(SERVICES / createSeconds), unit: 'creates/s', goal: '> 2000' });
    // The controllers' EndpointSlices and Endpoints may still be being written: wait for them, so
    // that CPU per create counts them and the lists below do not compete with them.
    const settledMs = await settle(cluster.process.pid!);
    report({ name: 'Service creates/s until the control plane settled (with controllers\' writes)', value: Math.round(SERVICES / (createSeconds + (settledMs - 1000) / 1000)), unit: 'creates/s', goal: '-' });
    // CPU per create is steadier than the rate on a shared machine: it says what each process costs.
    const cpuAfter = cpuSnapshot(cluster.process.pid!);
    const perCreate = (k: keyof typeof cpuAfter) => Number(((cpuAfter[k] - cpuBefore[k]) / SERVICES).toFixed(3));
    report({ name: 'control plane CPU per Service create (with its controllers)', value: perCreate('controlPlane'), unit: 'ms', goal: '-' });
    report({ name: 'node agent CPU per Service create (with its helper processes)', value: perCreate('agent'), unit: 'ms', goal: '-' });
    report({ name: 'benchmark client CPU per Service create (4 HTTPS clients)', value: perCreate('client'), unit: 'ms', goal: '-' });

    const auth = { Authorization: `Bearer ${token}` };
    const json = await rawGet(server, '/api/v1/namespaces/default/services', { ...auth, Accept: 'application/json' }, ca);
    report({ name: `list ${SERVICES} Services as JSON`, value: Math.round(json.ms), unit: 'ms', goal: '< 200 ms' });
    const table = await rawGet(server, '/api/v1/namespaces/default/services', { ...auth, Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' }, ca);
    report({ name: `list ${SERVICES} Services as Table`, value: Math.round(table.ms), unit: 'ms', goal: '< 200 ms' });

    // Watch latency: WATCHERS watches on one object; each write's ack to each watcher's event.
    const watchClient = cluster.client();
    const latencies: number[] = [];
    let sentAt = 0;
    let pending = 0;
    let wake: (() => void) | undefined;
    const watches = await Promise.all(Array.from({ length: WATCHERS }, () =>
      watchClient.watch({ method: 'GET', path: '/api/v1/namespaces/default/services', query: { fieldSelector: 'metadata.name=s0', resourceVersion: '0' } }, {
        onEvent: (ev) => {
          if (ev.type !== 'MODIFIED' || !sentAt) return;
          latencies.push(performance.now() - sentAt);
          if (--pending === 0) wake?.();
        },
        onClose: () => undefined,
      })));
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 50; i++) {
      pending = WATCHERS;
      const done = new Promise<void>((r) => (wake = r));
      sentAt = performance.now();
      await clients[0].request({ method: 'PATCH', path: '/api/v1/namespaces/default/services/s0', contentType: 'application/merge-patch+json', body: { metadata: { labels: { round: String(i) } } } });
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
    }
    for (const w of watches) w.stop();
    report({ name: `watch event latency p99 (${WATCHERS} watchers)`, value: Number(percentile(latencies, 99).toFixed(2)), unit: 'ms', goal: '< 10 ms' });
    report({ name: `watch event latency p50 (${WATCHERS} watchers)`, value: Number(percentile(latencies, 50).toFixed(2)), unit: 'ms', goal: '-' });
    for (const c of [...clients, watchClient]) c.close();
  } finally {
    await cluster.stop();
  }
}

await main();
