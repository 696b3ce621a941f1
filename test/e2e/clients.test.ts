/**
 * @module Issue 2's client-library acceptance: the official JavaScript client
 * (@kubernetes/client-node 1.x) and the official Python client (Debian's python3-kubernetes) list,
 * watch and create Services against a kubito started by the harness, and each sees what the
 * other (and kubectl) wrote: the same names, the same ClusterIPs, the same event sequence.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException, CoreV1Api, KubeConfig, Watch, type V1Service } from '@kubernetes/client-node';
import { startCluster, type Cluster } from './harness.js';
import { checkPythonClient, runPython, stopPythonChildren, type PyService, type PyWatchEvent } from './clients-python.js';

const JS_NS = 'js-client';
const PY_NS = 'py-client';

/** True for an IPv4 address inside the default service CIDR 10.96.0.0/12 (10.96.0.0-10.111.255.255). */
function inServiceCIDR(ip: string | undefined): boolean {
  const m = /^10\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip ?? '');
  return m !== null && Number(m[1]) >= 96 && Number(m[1]) <= 111 && Number(m[2]) <= 255 && Number(m[3]) <= 255;
}

function service(name: string, labels: Record<string, string> = {}): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { client: 'js', ...labels } },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

/** resourceVersions as numbers, for ordering checks (kubito's are store revisions). */
function rvs(values: Array<string | undefined>): bigint[] {
  return values.map((v) => {
    assert.match(v ?? '', /^\d+$/, `resourceVersion ${v} is not a store revision`);
    return BigInt(v!);
  });
}

function assertIncreasing(values: bigint[], what: string): void {
  for (let i = 1; i < values.length; i++) assert.ok(values[i] > values[i - 1], `${what}: resourceVersions ${values.join(', ')} do not increase`);
}

interface SeenEvent {
  type: string;
  name: string;
  resourceVersion: string;
  clusterIP: string;
  labels: Record<string, string>;
}

/** The events of one client-node Watch, with a way to wait for one that matches. */
class EventLog {
  readonly events: SeenEvent[] = [];
  #closed: unknown = undefined;
  #isClosed = false;
  #waiters: Array<() => void> = [];

  add(event: SeenEvent): void {
    this.events.push(event);
    this.#wake();
  }

  close(err: unknown): void {
    this.#isClosed = true;
    this.#closed = err;
    this.#wake();
  }

  /** Resolves once an event matches; rejects if the watch closes first or after `ms`. */
  async waitFor(what: string, match: (e: SeenEvent) => boolean, ms = 10_000): Promise<SeenEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.#isClosed) throw new Error(`watch closed (${String(this.#closed)}) before ${what}; saw ${JSON.stringify(this.events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${ms} ms; saw ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolveWait) => {
        const timer = setTimeout(resolveWait, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolveWait();
        });
      });
    }
  }

  #wake(): void {
    const waiters = this.#waiters.splice(0);
    for (const w of waiters) w();
  }
}

function ipsOf(items: Array<{ name: string; clusterIP: string }>): Record<string, string> {
  return Object.fromEntries(items.map((s) => [s.name, s.clusterIP]).sort(([a], [b]) => a.localeCompare(b)));
}

function jsItems(list: { items: V1Service[] }): Array<{ name: string; clusterIP: string }> {
  return list.items.map((s) => ({ name: s.metadata!.name!, clusterIP: s.spec!.clusterIP! }));
}

describe('client libraries against kubito', () => {
  let cluster: Cluster;
  let kc: KubeConfig;
  let api: CoreV1Api;
  const watches: AbortController[] = [];

  before(async () => {
    cluster = await startCluster();
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    api = kc.makeApiClient(CoreV1Api);
    for (const name of [JS_NS, PY_NS]) await api.createNamespace({ body: { metadata: { name } } });
  });

  after(async () => {
    for (const w of watches) w.abort();
    stopPythonChildren();
    await cluster?.stop();
  });

  describe('@kubernetes/client-node', () => {
    test('lists Services: kubernetes at 10.96.0.1:443 in default', async () => {
      const list = await api.listNamespacedService({ namespace: 'default' });
      assert.match(list.metadata?.resourceVersion ?? '', /^\d+$/);
      const k = list.items.find((s) => s.metadata?.name === 'kubernetes');
      assert.ok(k, `no kubernetes Service in ${JSON.stringify(jsItems(list))}`);
      assert.equal(k.spec?.clusterIP, '10.96.0.1');
      assert.equal(k.spec?.type, 'ClusterIP');
      assert.deepEqual(k.spec?.ports?.map((p) => [p.name, p.port, p.protocol]), [['https', 443, 'TCP']]);
    });

    test('creates Services that get distinct ClusterIPs in 10.96.0.0/12', async () => {
      const created: V1Service[] = [];
      for (const name of ['js-a', 'js-b', 'js-c']) created.push(await api.createNamespacedService({ namespace: JS_NS, body: service(name) }));
      const ips = created.map((s) => s.spec!.clusterIP!);
      for (const [i, s] of created.entries()) {
        assert.equal(s.metadata?.namespace, JS_NS);
        assert.ok(inServiceCIDR(ips[i]), `${s.metadata?.name} got ClusterIP ${ips[i]}, not in 10.96.0.0/12`);
        assert.notEqual(ips[i], '10.96.0.1');
        assert.deepEqual(s.spec?.clusterIPs, [ips[i]]);
        assert.equal(s.spec?.type, 'ClusterIP');
        assert.equal(s.spec?.ports?.[0]?.targetPort, 8080);
        assert.ok(s.metadata?.uid && s.metadata.creationTimestamp, 'uid and creationTimestamp are set');
      }
      assert.equal(new Set(ips).size, 3, `ClusterIPs are not distinct: ${ips.join(', ')}`);
      assertIncreasing(rvs(created.map((s) => s.metadata?.resourceVersion)), 'creates');

      const list = await api.listNamespacedService({ namespace: JS_NS });
      assert.deepEqual(ipsOf(jsItems(list)), { 'js-a': ips[0], 'js-b': ips[1], 'js-c': ips[2] });
      const read = await api.readNamespacedService({ name: 'js-b', namespace: JS_NS });
      assert.equal(read.spec?.clusterIP, ips[1]);
      const viaKubectl = await cluster.kubectlOk(['get', 'service', 'js-c', '-n', JS_NS, '-o', 'jsonpath={.spec.clusterIP}']);
      assert.equal(viaKubectl, ips[2]);
    });

    test('a second create of the same name is 409 AlreadyExists', async () => {
      const err = await api.createNamespacedService({ namespace: JS_NS, body: service('js-a') }).then(
        () => assert.fail('the second create succeeded'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ApiException, `not an ApiException: ${String(err)}`);
      assert.equal(err.code, 409);
      const body: unknown = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
      assert.deepEqual(
        { kind: (body as { kind?: string }).kind, reason: (body as { reason?: string }).reason },
        { kind: 'Status', reason: 'AlreadyExists' },
      );
      assert.match((body as { message?: string }).message ?? '', /services "js-a" already exists/);
    });

    test('Watch receives ADDED, MODIFIED, DELETED of a Service kubectl makes', async () => {
      const from = (await api.listNamespacedService({ namespace: JS_NS })).metadata!.resourceVersion!;
      const log = new EventLog();
      const watch = await new Watch(kc).watch(
        `/api/v1/namespaces/${JS_NS}/services`,
        { resourceVersion: from },
        (type, obj: V1Service) =>
          log.add({
            type,
            name: obj.metadata?.name ?? '',
            resourceVersion: obj.metadata?.resourceVersion ?? '',
            clusterIP: obj.spec?.clusterIP ?? '',
            labels: obj.metadata?.labels ?? {},
          }),
        (err) => log.close(err),
      );
      watches.push(watch);

      await cluster.kubectlOk(['create', 'service', 'clusterip', 'js-watched', '--tcp=80:8080', '-n', JS_NS]);
      const added = await log.waitFor('ADDED js-watched', (e) => e.type === 'ADDED' && e.name === 'js-watched');
      const ip = await cluster.kubectlOk(['get', 'service', 'js-watched', '-n', JS_NS, '-o', 'jsonpath={.spec.clusterIP}']);
      assert.equal(added.clusterIP, ip);
      assert.ok(inServiceCIDR(ip), `ClusterIP ${ip} not in 10.96.0.0/12`);

      await cluster.kubectlOk(['label', 'service', 'js-watched', 'tier=web', '-n', JS_NS]);
      const modified = await log.waitFor('MODIFIED js-watched', (e) => e.type === 'MODIFIED' && e.name === 'js-watched');
      assert.equal(modified.labels.tier, 'web');
      assert.equal(modified.clusterIP, ip);

      await cluster.kubectlOk(['delete', 'service', 'js-watched', '-n', JS_NS]);
      await log.waitFor('DELETED js-watched', (e) => e.type === 'DELETED' && e.name === 'js-watched');
      watch.abort();

      // Nothing from before `from` is replayed (js-a..c are older) and nothing else happened.
      assert.deepEqual(log.events.map((e) => [e.type, e.name]), [
        ['ADDED', 'js-watched'],
        ['MODIFIED', 'js-watched'],
        ['DELETED', 'js-watched'],
      ]);
      const seen = rvs(log.events.map((e) => e.resourceVersion));
      assert.ok(seen[0] > BigInt(from), `ADDED at ${seen[0]} is not after the list's ${from}`);
      assertIncreasing(seen, 'watch events');
    });
  });

  describe('python kubernetes client', () => {
    before(() => {
      checkPythonClient();
    });

    test('lists Services: the same names and ClusterIPs client-node sees', async () => {
      const [defaults] = (await runPython(cluster.kubeconfig, ['list', 'default'])).lines as Array<{ items: PyService[] }>;
      const k = defaults.items.find((s) => s.name === 'kubernetes');
      assert.deepEqual(k && { clusterIP: k.clusterIP, type: k.type, ports: k.ports }, { clusterIP: '10.96.0.1', type: 'ClusterIP', ports: [443] });

      const [py] = (await runPython(cluster.kubeconfig, ['list', JS_NS])).lines as Array<{ resourceVersion: string; items: PyService[] }>;
      const js = await api.listNamespacedService({ namespace: JS_NS });
      assert.match(py.resourceVersion, /^\d+$/);
      assert.deepEqual(ipsOf(py.items), ipsOf(jsItems(js)));
      assert.deepEqual(Object.keys(ipsOf(py.items)), ['js-a', 'js-b', 'js-c']);
      assert.ok(py.items.every((s) => s.namespace === JS_NS && s.labels.client === 'js'));
    });

    test('creates Services with ClusterIPs in 10.96.0.0/12 that client-node reads back', async () => {
      const { lines } = await runPython(cluster.kubeconfig, ['create', PY_NS, 'py-a', 'py-b']);
      const created = lines as PyService[];
      assert.deepEqual(created.map((s) => s.name), ['py-a', 'py-b']);
      const jsIPs = Object.values(ipsOf(jsItems(await api.listServiceForAllNamespaces())));
      for (const s of created) {
        assert.ok(inServiceCIDR(s.clusterIP), `${s.name} got ClusterIP ${s.clusterIP}, not in 10.96.0.0/12`);
        assert.equal(jsIPs.filter((ip) => ip === s.clusterIP).length, 1, `${s.clusterIP} of ${s.name} is used twice: ${jsIPs.join(', ')}`);
        assert.deepEqual([s.namespace, s.type, s.ports], [PY_NS, 'ClusterIP', [80]]);
        const read = await api.readNamespacedService({ name: s.name, namespace: PY_NS });
        assert.equal(read.spec?.clusterIP, s.clusterIP);
        assert.equal(read.metadata?.resourceVersion, s.resourceVersion);
        assert.equal(read.metadata?.labels?.client, 'python');
        assert.equal(read.spec?.ports?.[0]?.targetPort, 8080);
      }
      assert.notEqual(created[0].clusterIP, created[1].clusterIP);
    });

    test('watch.Watch receives ADDED, MODIFIED, DELETED of a Service client-node makes', async () => {
      const from = (await api.listNamespacedService({ namespace: PY_NS })).metadata!.resourceVersion!;
      const actions: Array<Promise<unknown>> = [];
      let createdIP = '';
      const run = runPython(cluster.kubeconfig, ['watch', PY_NS, from, '20', 'py-watched'], {
        onLine(line) {
          const e = line as PyWatchEvent;
          if (e.name !== 'py-watched') return;
          if (e.eventType === 'ADDED') {
            actions.push(
              (async () => {
                const current = await api.readNamespacedService({ name: 'py-watched', namespace: PY_NS });
                current.metadata!.labels = { ...current.metadata!.labels, tier: 'db' };
                await api.replaceNamespacedService({ name: 'py-watched', namespace: PY_NS, body: current });
              })(),
            );
          } else if (e.eventType === 'MODIFIED') {
            actions.push(api.deleteNamespacedService({ name: 'py-watched', namespace: PY_NS }));
          }
        },
      });
      const created = await api.createNamespacedService({ namespace: PY_NS, body: service('py-watched') });
      createdIP = created.spec!.clusterIP!;
      const { lines } = await run;
      await Promise.all(actions);

      const events = lines.slice(0, -1) as PyWatchEvent[];
      assert.equal((lines.at(-1) as { end?: boolean }).end, true);
      assert.deepEqual(
        events.map((e) => [e.eventType, e.name]),
        [
          ['ADDED', 'py-watched'],
          ['MODIFIED', 'py-watched'],
          ['DELETED', 'py-watched'],
        ],
        `python watch events, then ${JSON.stringify(lines.at(-1))}`,
      );
      assert.ok(events.every((e) => e.clusterIP === createdIP && e.namespace === PY_NS), `ClusterIPs in events: ${JSON.stringify(events)}`);
      assert.ok(inServiceCIDR(createdIP));
      assert.equal(events[0].resourceVersion, created.metadata?.resourceVersion);
      assert.equal(events[1].labels.tier, 'db');
      const seen = rvs(events.map((e) => e.resourceVersion));
      assert.ok(seen[0] > BigInt(from));
      assertIncreasing(seen, 'python watch events');
    });

    test('watch with timeout_seconds ends when the server closes the stream', async () => {
      const from = (await api.listNamespacedService({ namespace: PY_NS })).metadata!.resourceVersion!;
      const { lines } = await runPython(cluster.kubeconfig, ['watch', PY_NS, from, '1'], { timeoutMs: 15_000 });
      assert.equal(lines.length, 1, `events where none happened: ${JSON.stringify(lines)}`);
      const { end, seconds } = lines[0] as { end: boolean; seconds: number };
      assert.equal(end, true);
      assert.ok(seconds >= 0.9, `the stream ended after ${seconds} s, before timeoutSeconds=1`);
      assert.ok(seconds < 5, `the stream ended only after ${seconds} s`);
    });
  });
});
