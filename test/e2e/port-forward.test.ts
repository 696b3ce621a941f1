/**
 * @module `kubectl port-forward` reaches a pod's port as containerd does (issue 4): by
 * localhost *inside the pod's network namespace*, so a server bound to the pod's 127.0.0.1
 * alone (busybox httpd here) is reached, through a pod and through a Service, with kubectl 1.27
 * (SPDY/3.1), 1.32 and 1.33 (WebSocket tunnel); and when nothing listens, kubectl prints
 * containerd's words.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { isClusterNetns, nodeNetns, podNetns, sandboxId } from '../../src/node/names.js';
import { kubectlPath, startCluster, type Cluster } from './harness.js';
import { Running } from './terminal.js';
import { waitFor } from './wait.js';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;
const VERSIONS = ['1.27', '1.32', '1.33'];

// busybox httpd on the pod's 127.0.0.1 alone, serving the pod's /etc (its /etc/hostname: "local").
const MANIFESTS = `apiVersion: v1
kind: Pod
metadata:
  name: local
  labels:
    app: local
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    image: busybox
    command: ["httpd", "-f", "-p", "127.0.0.1:9000", "-h", "/etc"]
    readinessProbe:
      exec:
        command: ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9000/hostname"]
      periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata:
  name: local
spec:
  selector:
    app: local
  ports:
  - port: 9090
    targetPort: 9000
`;

describe('kubectl port-forward to a server on the pod’s 127.0.0.1', { skip: canRun ? false : 'needs root and network namespaces' }, () => {
  let cluster: Cluster;
  let clusterName = '';
  let uid = '';
  const running: Running[] = [];
  const start = (version: string, args: string[]): Running => {
    const argv = ['--kubeconfig', cluster.kubeconfig, '--cache-dir', join(cluster.dir, `kube-cache-${version}`), ...args];
    const r = new Running(kubectlPath(version), argv, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig, HOME: cluster.dir } });
    running.push(r);
    return r;
  };

  before(async () => {
    cluster = await startCluster();
    clusterName = cluster.name;
    const r = await cluster.kubectl(['apply', '-f', '-'], { input: MANIFESTS });
    assert.equal(r.code, 0, r.stderr);
    await waitFor('local Ready', async () => ((await cluster.kubectlOk(['get', 'pod', 'local', '-o', 'jsonpath={.status.containerStatuses[0].ready}'])) === 'true' ? true : undefined), 60_000);
    uid = await cluster.kubectlOk(['get', 'pod', 'local', '-o', 'jsonpath={.metadata.uid}']);
  });

  after(async () => {
    for (const r of running) await r.stop();
    await cluster?.stop();
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0]).filter((n) => clusterName && isClusterNetns(clusterName, n));
    assert.deepEqual(left, [], 'network namespaces left behind');
  });

  test("the pod's IP does not answer on that port (the server is on its 127.0.0.1 alone)", async () => {
    const ip = await cluster.kubectlOk(['get', 'pod', 'local', '-o', 'jsonpath={.status.podIP}']);
    const r = spawnSync('ip', ['netns', 'exec', nodeNetns(clusterName), 'busybox', 'nc', '-w', '2', ip, '9000'], { encoding: 'utf8', input: '' });
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, /Connection refused/);
  });

  for (const version of VERSIONS) {
    describe(`kubectl ${version}`, () => {
      test('port-forward to the pod and to its Service reaches it', async () => {
        for (const [target, remote] of [['pod/local', '9000'], ['svc/local', '9090']]) {
          const pf = start(version, ['port-forward', target, `:${remote}`]);
          const port = Number((await pf.waitFor(/Forwarding from 127\.0\.0\.1:(\d+) -> 9000\n/))[1]);
          for (let i = 0; i < 3; i++) {
            const res = await fetch(`http://127.0.0.1:${port}/hostname`);
            assert.equal(res.status, 200);
            assert.equal(await res.text(), 'local\n');
          }
          await pf.stop();
        }
      });

      test("nothing listening on the pod's port: kubectl prints containerd's words", async () => {
        const pf = start(version, ['port-forward', 'pod/local', ':9001']);
        const port = Number((await pf.waitFor(/Forwarding from 127\.0\.0\.1:(\d+) -> 9001\n/))[1]);
        // The local connection is accepted, then closed once the pod's side fails.
        await fetch(`http://127.0.0.1:${port}/`).then((res) => res.text()).catch(() => undefined);
        const netns = `/run/netns/${podNetns(clusterName, uid)}`;
        const words = `error forwarding port 9001 to pod default/local, uid ${uid}: failed to execute portforward in network namespace "${netns}": failed to connect to localhost:9001 inside namespace "${sandboxId(uid)}", IPv4: dial tcp4 127.0.0.1:9001: connect: connection refused IPv6 dial tcp6 [::1]:9001: connect: connection refused`;
        // kubectl 1.32 and later log it structured, their quotes escaped (\").
        await pf.waitFor(new RegExp(words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('"', '\\\\?"')));
        await pf.stop();
      });
    });
  }
});
