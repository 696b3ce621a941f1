/**
 * @module `kubectl rollout restart` of an nginx Deployment (3 replicas, a readiness probe) behind a
 * ClusterIP Service under a bounded load drops no request (kubito issues 4 and 5): a busybox pod
 * (`wget http://web/`, a new connection each time) and a client in the node namespace (curl to the
 * ClusterIP) run through three restarts, and every request answers 200. What made requests fail
 * before: the agent sent nginx its stop signal (SIGQUIT: it closes its listeners at once) as soon
 * as the pod was deleted, 70-620 ms before the proxy's rules stopped sending it new connections
 * (src/node/README.md, "Termination and the data plane").
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { startCluster, type Cluster } from './harness.js';
import { WEB_DEPLOYMENT } from './manifests.js';
import { waitFor } from './wait.js';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

/** manifests.ts's `web` with 3 replicas, the default grace period (30 s) and a readiness probe. */
const WEB = `${WEB_DEPLOYMENT.replace('replicas: 2', 'replicas: 3').replace('      terminationGracePeriodSeconds: 1\n', '')}        readinessProbe:
          httpGet:
            path: /
            port: 80
          periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
`;

/** At most this many requests per client: the load is bounded whatever happens. */
const MAX_REQUESTS = 1500;

/**
 * The busybox client: one `wget` (a new connection) every 50 ms, each line `<n> ok` or
 * `<n> FAIL <why>` (the host busybox's `wget -T` segfaults: `timeout` bounds each request).
 */
const BUSYBOX_LOOP = `i=0; while [ $i -lt ${MAX_REQUESTS} ]; do i=$((i+1)); if timeout -s KILL 3 wget -q -O /dev/null http://web/ 2>/tmp/e; then echo "$i ok"; else echo "$i FAIL $(cat /tmp/e)"; fi; sleep 0.05; done`;

describe('rollout restart under load', { skip: canRun ? false : 'needs root and network namespaces', timeout: 300_000 }, () => {
  let cluster: Cluster;
  let nodeClient: ChildProcess | undefined;

  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    if (nodeClient && nodeClient.exitCode === null) nodeClient.kill('SIGKILL');
    await cluster?.stop();
  });

  /** Applies `manifest`, runs both clients through three restarts, and asserts no request failed. */
  async function restartsUnderLoad(t: TestContext, manifest: string): Promise<void> {
    await cluster.kubectlOk(['apply', '-f', '-'], { input: manifest });
    await cluster.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    const vip = (await cluster.kubectlOk(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    await cluster.kubectlOk(['run', 'client', '--image=busybox', '--restart=Never', '--', 'sh', '-c', BUSYBOX_LOOP]);
    const podLines = async (): Promise<string[]> => (await cluster.kubectlOk(['logs', 'client'])).split('\n').filter(Boolean);
    await waitFor('the busybox client answered', async () => ((await podLines()).some((l) => l.endsWith(' ok')) ? true : undefined), 60_000);

    // The node's client: curl through the ClusterIP from the node namespace, until told to stop.
    const script = `i=0; while [ $i -lt ${MAX_REQUESTS} ]; do i=$((i+1)); echo "$i $(curl -s -m 2 -o /dev/null -w '%{http_code}' http://${vip}/) $?"; sleep 0.05; done`;
    nodeClient = spawn('ip', ['netns', 'exec', `kubito-${cluster.name}-node`, 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let nodeOut = '';
    nodeClient.stdout!.on('data', (c: Buffer) => (nodeOut += c.toString()));
    const nodeDone = new Promise((r) => nodeClient!.once('exit', r));

    const before = (await podLines()).length;
    for (let round = 0; round < 3; round++) {
      await cluster.kubectlOk(['rollout', 'restart', 'deployment/web']);
      await cluster.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=120s']);
      // The old pods are gone from the API (their containers stopped, their sandboxes removed).
      await waitFor('the old pods gone', async () => {
        const names = (await cluster.kubectlOk(['get', 'pods', '-l', 'app=web', '-o', 'name'])).split('\n').filter(Boolean);
        return names.length === 3 ? true : undefined;
      }, 60_000);
    }
    // A second more of traffic on the last pods, then the clients stop.
    await new Promise((r) => setTimeout(r, 1000));
    nodeClient.kill('SIGTERM');
    await nodeDone;
    const pod = (await podLines()).slice(before);
    await cluster.kubectlOk(['delete', 'pod', 'client', '--grace-period=0', '--force', '--wait=false']);
    await cluster.kubectlOk(['delete', 'deployment', 'web']);
    await waitFor('the client and web pods gone', async () => ((await cluster.kubectlOk(['get', 'pods', '-o', 'name'])).trim() === '' ? true : undefined), 60_000);

    const node = nodeOut.split('\n').filter(Boolean);
    const nodeFailed = node.filter((l) => !l.endsWith(' 200 0'));
    const podFailed = pod.filter((l) => !l.endsWith(' ok'));
    t.diagnostic(`node client: ${nodeFailed.length} of ${node.length} failed ${JSON.stringify(nodeFailed.slice(0, 5))}; busybox client: ${podFailed.length} of ${pod.length} failed ${JSON.stringify(podFailed.slice(0, 5))}`);
    // Enough traffic through the three restarts to mean something (≈ 2 requests a second at least).
    assert.ok(node.length >= 20, `the node's client made ${node.length} requests`);
    assert.ok(pod.length >= 20, `the busybox client made ${pod.length} requests during the restarts`);
    assert.deepEqual(nodeFailed, [], `node client: ${nodeFailed.length} of ${node.length} failed`);
    assert.deepEqual(podFailed, [], `busybox client: ${podFailed.length} of ${pod.length} failed`);
  }

  test('three restarts of nginx x3 with a readiness probe: no request fails, from a pod or the node', (t) => restartsUnderLoad(t, WEB));

  // Without a probe a pod is Ready once Running (upstream too); the catalog nginx is Running once
  // it listens (listening.ts), so this drops nothing either.
  test('the same without a readiness probe', (t) => restartsUnderLoad(t, WEB.slice(0, WEB.indexOf('        readinessProbe:')) + WEB.slice(WEB.indexOf('---'))));
});
