/**
 * @module EndpointSlice controller latency (issue 3): with 1,000 Services x 3 pods, the time
 * from a pod turning Ready (its status written, as the kubelet does) to an EndpointSlice
 * event that lists it ready, and from a Service's port change to the slice carrying the new
 * port, as a watching kube-proxy would see them. p50/p99 over a bounded number of changes, and
 * the control plane's CPU per change.
 *
 * The pods are bound to a Node object no agent runs (`bench-remote`), so no process starts:
 * only the API server and the controllers are measured. Bounded: 3 minutes at most.
 */
import type { KubeObject } from '../src/api/types.js';
import type { HttpTransport } from '../src/client/index.js';
import { cpuMs, inParallel, percentile, report, startBenchCluster } from './support.js';

const SERVICES = Number(process.env.KUBITO_BENCH_SERVICES ?? 1000);
const PODS_PER_SERVICE = 3;
const SAMPLES = 200;
const NODE = 'bench-remote';

interface Slice extends KubeObject {
  endpoints?: Array<{ conditions?: { ready?: boolean }; targetRef?: { name?: string } }>;
  ports?: Array<{ port?: number }>;
}

function podIP(i: number): string {
  return `10.245.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

async function main(): Promise<void> {
  const cluster = await startBenchCluster({ name: `bench-eps${process.pid % 100000}`, limitMs: 180_000 });
  const clients = Array.from({ length: 4 }, () => cluster.client());
  const api = clients[0];
  try {
    await api.request({ method: 'POST', path: '/api/v1/nodes', body: { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } } });
    const indexes = Array.from({ length: SERVICES }, (_, i) => i);
    await inParallel(indexes, 4, async (i) => {
      await clients[i % 4].request({
        method: 'POST',
        path: '/api/v1/namespaces/default/services',
        body: { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}` }, spec: { selector: { app: `s${i}` }, ports: [{ port: 80, targetPort: 8080 }] } },
      });
    });
    const pods = Array.from({ length: SERVICES * PODS_PER_SERVICE }, (_, i) => i);
    await inParallel(pods, 4, async (i) => {
      const client = clients[i % 4];
      const name = `p${i}`;
      await client.request({
        method: 'POST',
        path: '/api/v1/namespaces/default/pods',
        body: { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: `s${i % SERVICES}` } }, spec: { nodeName: NODE, containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 8080 }] }] } },
      });
      await setReady(client, name, i, false);
    });

    // Let the controller catch up before measuring.
    const watcher = cluster.client();
    const waiters = new Map<string, (slice: Slice) => boolean>();
    let lastEvent = performance.now();
    const watch = await watcher.watch({ method: 'GET', path: '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', query: { resourceVersion: '0' } }, {
      onEvent: (ev) => {
        lastEvent = performance.now();
        for (const [key, matches] of waiters) if (matches(ev.object as Slice)) waiters.delete(key);
      },
      onClose: () => undefined,
    });
    while (performance.now() - lastEvent < 1000) await new Promise((r) => setTimeout(r, 200));

    const until = (key: string, matches: (slice: Slice) => boolean): Promise<void> =>
      new Promise((resolveWait, reject) => {
        const timer = setTimeout(() => reject(new Error(`no slice event for ${key} in 10 s`)), 10_000);
        waiters.set(key, (slice) => {
          if (!matches(slice)) return false;
          clearTimeout(timer);
          resolveWait();
          return true;
        });
      });

    // CPU of the control plane process (API server + controllers) per change: steadier than
    // latency on a shared machine.
    const controlPlane = cluster.process.pid!;
    let cpuBefore = cpuMs(controlPlane);
    const ready: number[] = [];
    for (let n = 0; n < SAMPLES; n++) {
      const i = (n * 7919) % pods.length;
      const name = `p${i}`;
      const seen = until(name, (s) => (s.endpoints ?? []).some((e) => e.targetRef?.name === name && e.conditions?.ready === true));
      const t0 = performance.now();
      await setReady(api, name, i, true);
      await seen;
      ready.push(performance.now() - t0);
    }
    report({ name: `pod Ready -> EndpointSlice event p50 (${SERVICES} Services x ${PODS_PER_SERVICE} pods)`, value: round(percentile(ready, 50)), unit: 'ms', goal: '-' });
    report({ name: `pod Ready -> EndpointSlice event p99 (${SERVICES} Services x ${PODS_PER_SERVICE} pods)`, value: round(percentile(ready, 99)), unit: 'ms', goal: '< 20 ms' });
    report({ name: `control plane CPU per pod Ready change (${SERVICES} Services x ${PODS_PER_SERVICE} pods)`, value: round((cpuMs(controlPlane) - cpuBefore) / ready.length), unit: 'ms', goal: '-' });
    cpuBefore = cpuMs(controlPlane);

    const changed: number[] = [];
    for (let n = 0; n < SAMPLES / 2; n++) {
      const svc = `s${(n * 37) % SERVICES}`;
      const port = 9000 + n;
      const seen = until(svc, (s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc && (s.ports ?? []).some((p) => p.port === port));
      const t0 = performance.now();
      await api.request({ method: 'PATCH', path: `/api/v1/namespaces/default/services/${svc}`, contentType: 'application/strategic-merge-patch+json', body: { spec: { ports: [{ port: 80, targetPort: port }] } } });
      await seen;
      changed.push(performance.now() - t0);
    }
    report({ name: `Service targetPort change -> EndpointSlice event p50 (${SERVICES} Services)`, value: round(percentile(changed, 50)), unit: 'ms', goal: '-' });
    report({ name: `Service targetPort change -> EndpointSlice event p99 (${SERVICES} Services)`, value: round(percentile(changed, 99)), unit: 'ms', goal: '< 20 ms' });
    report({ name: `control plane CPU per Service targetPort change (${SERVICES} Services)`, value: round((cpuMs(controlPlane) - cpuBefore) / changed.length), unit: 'ms', goal: '-' });
    watch.stop();
    watcher.close();
  } finally {
    for (const c of clients) c.close();
    await cluster.stop();
  }
}

async function setReady(client: HttpTransport, name: string, i: number, ready: boolean): Promise<void> {
  const status = {
    phase: 'Running',
    podIP: podIP(i),
    podIPs: [{ ip: podIP(i) }],
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
  };
  await client.request({ method: 'PATCH', path: `/api/v1/namespaces/default/pods/${name}/status`, contentType: 'application/merge-patch+json', body: { status } });
}

function round(ms: number): number {
  return Number(ms.toFixed(2));
}

await main();
