/**
 * @module The proxy subresources end to end (issues 5 and 2): the real kubectl 1.27, 1.32 and
 * 1.33 against a real `kubito up` with an nginx Deployment and Service: `kubectl get --raw` of
 * `services/NAME:80/proxy/`, `pods/NAME:80/proxy/` and `nodes/NAME/proxy/healthz`, `kubectl
 * proxy` with curl through it (GET, HEAD, a redirect, the 301 of the bare proxy path), the
 * errors of a Service without endpoints, a missing Service and an ExternalName Service, and the
 * URLs `kubectl cluster-info` prints.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { isClusterNetns } from '../../src/node/names.js';
import { kubectlPath, startCluster, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;
const VERSIONS = ['1.27', '1.32', '1.33'];

const OBJECTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
spec:
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - image: nginx
        name: nginx
        ports:
        - name: http
          containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  ports:
  - name: web
    port: 80
    targetPort: http
  selector:
    app: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: lonely
spec:
  ports:
  - port: 80
  selector:
    app: nobody
---
apiVersion: v1
kind: Service
metadata:
  name: ext
spec:
  type: ExternalName
  externalName: example.invalid
`;

const PAGE = 'Welcome to nginx!';
const API = '/api/v1/namespaces/default';

/** Runs curl (bounded) and returns the status line's code, the headers and the body. */
function curl(args: string[]): { code: number; head: string; body: string } {
  const r = spawnSync('curl', ['-sS', '--max-time', '10', '-D', '-', ...args], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(r.status, 0, `curl ${args.join(' ')}: ${r.stderr}`);
  const split = r.stdout.indexOf('\r\n\r\n');
  const head = r.stdout.slice(0, split);
  return { code: Number(/^HTTP\/\S+ (\d+)/.exec(head)?.[1]), head, body: r.stdout.slice(split + 4) };
}

// The three kubectl versions run side by side, each its tests in turn (they only read the
// cluster, and each runs its own `kubectl proxy`): the cluster-info test of each waits out the
// DNS server's 10 s idle close.
describe('proxy subresources through kubectl', { skip: canRun ? false : 'needs root and network namespaces', concurrency: VERSIONS.length }, () => {
  let cluster: Cluster;
  let clusterName = '';
  let node = '';
  let pod = '';
  const proxies: ChildProcess[] = [];

  before(async () => {
    cluster = await startCluster();
    node = await waitFor('a node', async () => (await cluster.kubectlOk(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).trim() || undefined);
    clusterName = node.replace(/-node$/, '');
    const r = await cluster.kubectl(['apply', '-f', '-'], { input: OBJECTS });
    assert.equal(r.code, 0, r.stderr);
    await waitFor('two ready nginx endpoints', async () => {
      const ips = (await cluster.kubectlOk(['get', 'endpoints', 'nginx', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'])).trim().split(/\s+/).filter(Boolean);
      return ips.length === 2 ? ips : undefined;
    }, 60_000);
    pod = (await cluster.kubectlOk(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
  });

  after(async () => {
    for (const p of proxies) {
      if (p.exitCode === null && p.signalCode === null) {
        const exited = new Promise((r) => p.once('exit', r));
        process.kill(p.pid!, 'SIGTERM');
        await exited;
      }
    }
    await cluster?.stop();
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0]).filter((n) => clusterName && isClusterNetns(clusterName, n));
    assert.deepEqual(left, [], 'network namespaces left behind');
  });

  for (const version of VERSIONS) {
    describe(`kubectl ${version}`, { concurrency: 1 }, () => {
      const raw = (path: string) => cluster.kubectl(['get', '--raw', path], { version });

      test('services/NAME:PORT/proxy/ and pods/NAME:PORT/proxy/ return the page (kubectl follows the 301 of a bare .../proxy)', async () => {
        for (const path of [`${API}/services/nginx:80/proxy/`, `${API}/services/nginx:web/proxy/`, `${API}/services/http:nginx:80/proxy/index.html`, `${API}/pods/${pod}:80/proxy/`, `${API}/pods/${pod}/proxy/`, `${API}/services/nginx:80/proxy`]) {
          const r = await raw(path);
          assert.equal(r.code, 0, `${path}: ${r.stderr}`);
          assert.match(r.stdout, new RegExp(PAGE), path);
        }
      });

      test("errors read as upstream's", async () => {
        const cases: Array<[string, string]> = [
          [`${API}/services/lonely:80/proxy/`, 'Error from server (ServiceUnavailable): no endpoints available for service "lonely"'],
          [`${API}/services/missing:80/proxy/`, 'Error from server (NotFound): services "missing" not found'],
          [`${API}/services/missing/proxy/`, 'Error from server (NotFound): endpoints "missing" not found'],
          [`${API}/services/nginx:81/proxy/`, 'Error from server (ServiceUnavailable): no service port 81 found for service "nginx"'],
          [`${API}/services/ext/proxy/`, 'Error from server (NotFound): endpoints "ext" not found'],
          [`${API}/pods/${pod}:81/proxy/`, 'Error from server (ServiceUnavailable): error trying to reach service: dial tcp '],
          [`${API}/pods/nopod/proxy/`, 'Error from server (NotFound): pods "nopod" not found'],
        ];
        for (const [path, want] of cases) {
          const r = await raw(path);
          assert.notEqual(r.code, 0, path);
          assert.ok(r.stderr.includes(want), `${path}: ${r.stderr}`);
        }
        const refused = await raw(`${API}/pods/${pod}:81/proxy/`);
        assert.match(refused.stderr, /dial tcp 10\.[0-9.]+:81: connect: connection refused/);
      });

      test('nodes/NAME/proxy/ reaches the kubelet API (healthz, containerLogs)', async () => {
        const r = await raw(`/api/v1/nodes/${node}/proxy/healthz`);
        assert.deepEqual([r.code, r.stdout.trim()], [0, 'ok'], r.stderr);
        const logs = await raw(`/api/v1/nodes/${node}/proxy/containerLogs/default/${pod}/nginx?tailLines=1`);
        assert.equal(logs.code, 0, logs.stderr);
        assert.equal(logs.stdout.trim().split('\n').length, 1, logs.stdout);
        const gone = await raw(`/api/v1/nodes/${node}/proxy/containerLogs/default/nopod/nginx`);
        assert.notEqual(gone.code, 0);
        // The kubelet's 404 is plain text, which kubectl words as its generic NotFound.
        assert.match(gone.stderr, /Error from server \(NotFound\)/);
      });

      test('kubectl proxy, then curl through it', async () => {
        const proc = spawn(kubectlPath(version), ['--kubeconfig', cluster.kubeconfig, '--cache-dir', join(cluster.dir, `cache-${version}`), 'proxy', '--address', '127.0.0.1', '--port', '0'], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, KUBECONFIG: cluster.kubeconfig, HOME: cluster.dir },
        });
        proxies.push(proc);
        let out = '';
        proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
        proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
        const port = await waitFor('kubectl proxy to listen', async () => /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out)?.[1], 15_000, 100);
        const base = `http://127.0.0.1:${port}${API}`;
        try {
          const page = curl([`${base}/services/nginx:80/proxy/`]);
          assert.equal(page.code, 200, page.head);
          assert.match(page.body, new RegExp(PAGE));
          const head = curl(['-I', `${base}/services/nginx/proxy/`.replace('nginx/', 'nginx:web/')]);
          assert.equal(head.code, 200, head.head);
          assert.match(head.head, /Server: nginx|Content-Type: text\/html/i);
          const bare = curl([`${base}/services/nginx:80/proxy`]);
          assert.deepEqual([bare.code, /^Location: (.*)$/im.exec(bare.head)?.[1].trim()], [301, `${API}/services/nginx:80/proxy/`]);
          const followed = curl(['-L', `${base}/pods/${pod}:80/proxy`]);
          assert.match(followed.body, new RegExp(PAGE));
          const missing = curl([`${base}/services/missing:80/proxy/`]);
          assert.equal(missing.code, 404);
          assert.equal(JSON.parse(missing.body).message, 'services "missing" not found');
          const post = curl(['-X', 'POST', '--data', 'x=1', `${base}/services/nginx:80/proxy/`]);
          assert.equal(post.code, 405, post.head);
        } finally {
          const exited = new Promise((r) => proc.once('exit', r));
          process.kill(proc.pid!, 'SIGTERM');
          await exited;
        }
      });

      test('the URLs kubectl cluster-info prints answer', async () => {
        const info = (await cluster.kubectlOk(['cluster-info'], { version })).replace(/\x1b\[[0-9;]*m/g, '');
        const urls = [...info.matchAll(/running at (https:\/\/\S+)/g)].map((m) => m[1]);
        assert.ok(urls.length >= 2, info);
        const dns = urls.find((u) => u.includes('/services/kube-dns:dns/proxy'));
        assert.ok(dns, info);
        // kube-dns's endpoint is the DNS's mirror pod (10.244.0.1, src/node/static-pods.ts): the
        // proxy reaches its TCP port 53, which reads the HTTP request as a DNS message's length
        // and closes the connection once idle (10 s), as a DNS server would: EOF.
        const r = await raw(new URL(dns).pathname);
        assert.ok(r.stderr.includes('Error from server (ServiceUnavailable): error trying to reach service: EOF'), r.stderr);
      });
    });
  }
});
