/**
 * @module Services without selectors (the Services docs' "Service for an external database")
 * against the real kubectl 1.32 and 1.33: a Service without a selector and an Endpoints written
 * by hand pointing at an agnhost serve-hostname pod get a mirrored EndpointSlice
 * (`kubectl get endpointslices -l kubernetes.io/service-name=NAME`), a busybox pod reaches the
 * Service's ClusterIP, and a headless one resolves in DNS to the Endpoints' address. Deleting the
 * Endpoints removes the slice (connections are refused); giving the Service a selector hands
 * its slices over to the EndpointSlice controller.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startCluster, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

/** The Service without a selector and its hand-written Endpoints, as in the Services docs. */
function externalService(name: string, ip: string, options: { headless?: boolean } = {}): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:${options.headless ? '\n  clusterIP: None' : ''}
  ports:
  - name: http
    protocol: TCP
    port: 80
    targetPort: 9376
---
apiVersion: v1
kind: Endpoints
metadata:
  name: ${name}
  labels:
    tier: external
subsets:
- addresses:
  - ip: ${ip}
  ports:
  - name: http
    port: 9376
    protocol: TCP
`;
}

interface SliceJSON {
  metadata: { name: string; labels?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string }> };
  addressType: string;
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean } }>;
  ports?: Array<{ name?: string; port?: number; protocol?: string }>;
}

const MIRROR = 'endpointslicemirroring-controller.k8s.io';

describe('EndpointSlice mirroring: Services without selectors', { skip: canRun ? false : 'needs root and network namespaces', timeout: 240_000 }, () => {
  let cluster: Cluster;
  let podIP: string;
  const ok = (args: string[], options: { version?: string; input?: string } = {}) => cluster.kubectlOk(args, options);
  /** Runs a shell script in the busybox pod; returns its output. (The host busybox's `wget -T` segfaults: `timeout` bounds it.) */
  const inClient = async (script: string) => (await cluster.kubectl(['exec', 'client', '--', 'sh', '-c', script])).stdout.trim();
  const slices = async (name: string, version?: string) =>
    (JSON.parse(await ok(['get', 'endpointslices', '-l', `kubernetes.io/service-name=${name}`, '-o', 'json'], { version })) as { items: SliceJSON[] }).items;

  before(async () => {
    cluster = await startCluster({ name: `mir${process.pid % 100000}` });
    await ok(['run', 'backend', '--image=registry.k8s.io/e2e-test-images/agnhost:2.53', '--labels=app=backend', '--port=9376', '--', 'serve-hostname']);
    await ok(['run', 'client', '--image=busybox', '--', 'sleep', '3600']);
    podIP = await waitFor('the backend and client pods running', async () => {
      const pods = JSON.parse(await ok(['get', 'pods', '-o', 'json'])) as { items: Array<{ metadata: { name: string }; status: { phase?: string; podIP?: string } }> };
      const running = pods.items.filter((p) => p.status.phase === 'Running');
      return running.length === 2 ? running.find((p) => p.metadata.name === 'backend')?.status.podIP : undefined;
    }, 60_000);
  });

  after(async () => {
    await cluster?.stop();
  });

  for (const version of ['1.32', '1.33']) {
    const name = `external-db-${version.replace('.', '')}`;
    test(`kubectl ${version}: the Endpoints is mirrored and the ClusterIP reaches its address`, async () => {
      await ok(['apply', '-f', '-'], { version, input: externalService(name, podIP) });
      const [slice] = await waitFor('a mirrored slice', async () => {
        const found = await slices(name, version);
        return found.length === 1 && found[0].endpoints?.length ? found : undefined;
      });
      assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], MIRROR);
      assert.equal(slice.metadata.labels?.tier, 'external');
      assert.deepEqual(slice.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}`), [`Endpoints/${name}`]);
      assert.equal(slice.addressType, 'IPv4');
      assert.deepEqual(slice.endpoints, [{ addresses: [podIP], conditions: { ready: true } }]);
      assert.deepEqual(slice.ports, [{ name: 'http', port: 9376, protocol: 'TCP' }]);
      // The table kubectl prints: NAME ADDRESSTYPE PORTS ENDPOINTS AGE.
      const table = await ok(['get', 'endpointslices', '-l', `kubernetes.io/service-name=${name}`], { version });
      assert.match(table, new RegExp(`^${slice.metadata.name}\\s+IPv4\\s+9376\\s+${podIP.replaceAll('.', '\\.')}\\s+`, 'm'), table);
      // kubectl 1.31+ describes a Service's endpoints from its EndpointSlices.
      const described = await ok(['describe', 'svc', name], { version });
      assert.match(described, new RegExp(`^Endpoints:\\s+${podIP.replaceAll('.', '\\.')}:9376$`, 'm'), described);
      const clusterIP = (await ok(['get', 'svc', name, '-o', 'jsonpath={.spec.clusterIP}'], { version })).trim();
      const answer = await waitFor('the backend through the ClusterIP', async () => {
        const out = await inClient(`timeout 5 wget -qO- http://${clusterIP}/`);
        return out || undefined;
      }, 20_000, 500);
      assert.equal(answer, 'backend');
      // And by name, through the cluster DNS.
      assert.equal(await inClient(`timeout 5 wget -qO- http://${name}/`), 'backend');
    });
  }

  test('a headless Service without a selector resolves to the Endpoints\' address', async () => {
    await ok(['apply', '-f', '-'], { input: externalService('external-headless', podIP, { headless: true }) });
    await waitFor('the headless name resolving to the pod IP', async () => {
      const out = await inClient('nslookup external-headless.default.svc.cluster.local.');
      return out.includes(`Address: ${podIP}`) ? true : undefined;
    }, 20_000, 500);
  });

  test('deleting the Endpoints deletes the slice, and the ClusterIP refuses', async () => {
    const name = 'external-db-133';
    const clusterIP = (await ok(['get', 'svc', name, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    await ok(['delete', 'endpoints', name]);
    await waitFor('no slice left', async () => ((await slices(name)).length === 0 ? true : undefined));
    const out = await waitFor('a refused connection', async () => {
      const r = await inClient(`timeout 5 wget -qO- http://${clusterIP}/ 2>&1; echo rc=$?`);
      return /refused/i.test(r) ? r : undefined;
    }, 20_000, 500);
    assert.match(out, /rc=1/);
  });

  test('a Service that gains a selector: the mirrored slice goes, the EndpointSlice controller\'s comes', async () => {
    const name = 'external-db-132';
    await ok(['patch', 'svc', name, '-p', '{"spec":{"selector":{"app":"backend"}}}']);
    const managers = await waitFor('the slices handed over', async () => {
      const found = await slices(name);
      const by = found.map((s) => s.metadata.labels?.['endpointslice.kubernetes.io/managed-by']);
      return by.length === 1 && by[0] === 'endpointslice-controller.k8s.io' && found[0].endpoints?.length ? by : undefined;
    });
    assert.deepEqual(managers, ['endpointslice-controller.k8s.io']);
    const clusterIP = (await ok(['get', 'svc', name, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    assert.equal(await inClient(`timeout 5 wget -qO- http://${clusterIP}/`), 'backend');
  });
});
