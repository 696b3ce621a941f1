/**
 * @module The node agent end to end (issue 4's acceptance without exec and port-forward): a
 * real cluster from the harness, its node agent (the one `kubito up` starts, or, until `up`
 * starts one, launched here from src/node/launch.ts against the cluster's api.sock), real
 * nginx and busybox in their own network namespaces, driven by the real kubectl.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type Cluster } from './harness.js';
import { launchNodeAgent, type RunningAgent } from '../../src/node/launch.js';
import { isClusterNetns } from '../../src/node/names.js';
import { WELCOME_PAGE } from '../../src/node/nginx-config.js';
import { waitFor } from './wait.js';

/** The harness names its cluster `e2e`; when `kubito up` starts the agent, its Node tells the name. */
let CLUSTER = 'e2e';
const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

const DEPLOYMENT = `apiVersion: apps/v1
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
      terminationGracePeriodSeconds: 5
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
`;

const FLAPPING = `apiVersion: v1
kind: Pod
metadata:
  name: flapping
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - name: scratch
    emptyDir: {}
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "touch /srv/ready; sleep 4; rm /srv/ready; sleep 3600"]
    volumeMounts:
    - name: scratch
      mountPath: /srv
    readinessProbe:
      exec:
        command: ["cat", "/srv/ready"]
      periodSeconds: 1
      failureThreshold: 1
`;

// A sidecar whose postStart hook writes the file its pod's container needs at its start, and a
// container that ends: the container starts only once the sidecar (and its hook) has, and the
// pod completes once the sidecar is stopped.
const SIDECAR = `apiVersion: v1
kind: Pod
metadata:
  name: with-sidecar
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  volumes:
  - name: shared
    emptyDir: {}
  initContainers:
  - name: side
    image: busybox
    restartPolicy: Always
    command: ["sh", "-c", "sleep 3600"]
    volumeMounts:
    - name: shared
      mountPath: /shared
    lifecycle:
      postStart:
        exec:
          command: ["sh", "-c", "sleep 1; echo hooked > /shared/flag"]
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "cat /shared/flag && sleep 1"]
    volumeMounts:
    - name: shared
      mountPath: /shared
`;

interface PodJSON {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status: { phase?: string; podIP?: string; conditions?: Array<{ type: string; status: string; reason?: string }>; containerStatuses?: Array<{ restartCount: number; ready: boolean; state: Record<string, unknown> }> };
}

function clusterNetns(): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  return out.split('\n').map((l) => l.split(' ')[0]).filter((n) => isClusterNetns(CLUSTER, n));
}

/** Processes whose command line mentions the cluster's data dir (pods' nginx, the agent). */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(dir) && Number(pid) !== process.pid) found.push(`${pid} ${cmd}`);
    } catch {
      // gone
    }
  }
  return found;
}

describe('node agent', { skip: canRun ? false : 'needs root and network namespaces' }, () => {
  let cluster: Cluster;
  let agent: RunningAgent | undefined;
  const k = (args: string[], input?: string) => cluster.kubectl(args, { input });
  const ok = (args: string[], input?: string) => cluster.kubectlOk(args, { input });
  const pods = async (selector: string): Promise<PodJSON[]> => (JSON.parse(await ok(['get', 'pods', '-l', selector, '-o', 'json'])) as { items: PodJSON[] }).items;
  const pod = async (name: string): Promise<PodJSON> => JSON.parse(await ok(['get', 'pod', name, '-o', 'json'])) as PodJSON;

  /** A container's log through kubectl (the API server proxies to the kubelet socket). */
  async function logs(name: string): Promise<string> {
    return ok(['logs', name]);
  }

  before(async () => {
    cluster = await startCluster();
    const registered = await waitFor('a node', async () => (await k(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout.trim() || undefined, 5000).catch(() => undefined);
    if (registered) CLUSTER = registered.replace(/-node$/, '');
    else {
      const dataDir = join(cluster.dir, 'data');
      agent = await launchNodeAgent({ cluster: CLUSTER, dataDir, apiSocket: join(dataDir, 'run', 'api.sock'), log: (line) => cluster.output.push(`[node] ${line}\n`) });
    }
  });

  after(async () => {
    await agent?.stop();
    await cluster?.stop();
    assert.deepEqual(clusterNetns(), [], 'network namespaces left behind');
    assert.deepEqual(processesUsing(cluster.dir), [], 'processes left behind');
    const links = spawnSync('ip', ['-o', 'link'], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(links, /: k[vw][0-9a-f]{8}[@:]/, 'veths in the host namespace');
  });

  test('kubectl get nodes: the node is Ready, with the kubelet version', async () => {
    const out = await waitFor('a Ready node', async () => {
      const text = await ok(['get', 'nodes']);
      return new RegExp(`\\n${CLUSTER}-node\\s+Ready\\s+<none>\\s+\\d+s\\s+v1\\.33\\.0-kubito\\n`).test(text) ? text : undefined;
    });
    assert.match(out, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
    // The Lease is renewed every 10 s.
    const lease = await waitFor('the node Lease', async () => {
      const r = await k(['get', 'lease', '-n', 'kube-node-lease', `${CLUSTER}-node`, '-o', 'json']);
      return r.code === 0 ? (JSON.parse(r.stdout) as { spec: { holderIdentity: string; leaseDurationSeconds: number } }) : undefined;
    }, 15_000);
    assert.deepEqual([lease.spec.holderIdentity, lease.spec.leaseDurationSeconds], [`${CLUSTER}-node`, 40]);
  });

  test('a Deployment of 2 nginx becomes 2/2; each pod serves the welcome page to busybox; nothing in the host namespace', async () => {
    assert.match(await ok(['apply', '-f', '-'], DEPLOYMENT), /deployment.apps\/nginx created/);
    await waitFor('nginx 2/2', async () => (/\nnginx\s+2\/2\s+2\s+2\s+/.test(await ok(['get', 'deployments'])) ? true : undefined), 60_000);
    const ips = (await pods('app=nginx')).map((p) => p.status.podIP!);
    assert.equal(ips.length, 2);
    for (const ip of ips) assert.match(ip, /^10\.244\.0\.\d+$/);
    for (const [i, ip] of ips.entries()) {
      await ok(['run', `wget-${i}`, '--image=busybox', '--restart=Never', '--', 'wget', '-qO-', ip]);
      await waitFor(`wget-${i} to finish`, async () => ((await pod(`wget-${i}`)).status.phase === 'Succeeded' ? true : undefined));
      assert.equal(await logs(`wget-${i}`), WELCOME_PAGE);
      assert.match(await ok(['get', 'pod', `wget-${i}`]), new RegExp(`\\nwget-${i}\\s+0/1\\s+Completed\\s+0\\s+`));
    }
    // The pod network exists only inside kubito's namespaces: no address or route for it here.
    const addrs = spawnSync('ip', ['-4', '-o', 'addr'], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(addrs, /inet 10\.244\./);
    const routes = spawnSync('ip', ['-4', 'route'], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(routes, /10\.244\./);
    assert.doesNotMatch(spawnSync('ip', ['route', 'get', ips[0]], { encoding: 'utf8' }).stdout, /dev (kbr0|k[vw][0-9a-f]{8})/);
  });

  test('killing a container\'s process restarts it (restartCount + 1)', async () => {
    const [target] = await pods('app=nginx');
    const netns = `kubito-${CLUSTER}-p${target.metadata.uid.replace(/-/g, '').slice(0, 8)}`;
    const pids = spawnSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
    const master = pids.find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('nginx: master'));
    assert.ok(master, `no nginx master among ${pids.join(' ')}`);
    process.kill(Number(master), 'SIGKILL');
    const after = await waitFor('the restart', async () => {
      const p = await pod(target.metadata.name);
      const s = p.status.containerStatuses?.[0];
      return s?.restartCount === 1 && s.ready ? p : undefined;
    });
    const last = (after.status.containerStatuses![0] as unknown as { lastState: { terminated?: { exitCode: number; reason: string } } }).lastState.terminated;
    assert.deepEqual([last?.exitCode, last?.reason], [137, 'Error']);
    assert.match(await ok(['get', 'pod', target.metadata.name]), /\s1\/1\s+Running\s+1 \(\d+s ago\)\s+/);
  });

  test('deleting a pod of the Deployment brings a replacement', async () => {
    const before = (await pods('app=nginx')).map((p) => p.metadata.name);
    await ok(['delete', 'pod', before[0], '--wait=false']);
    const now = await waitFor('a replacement, and the old pod gone', async () => {
      const list = (await pods('app=nginx')).filter((p) => !p.metadata.deletionTimestamp);
      const names = list.map((p) => p.metadata.name);
      const ready = list.filter((p) => p.status.containerStatuses?.[0]?.ready);
      const gone = !(await k(['get', 'pod', before[0]])).stdout;
      return ready.length === 2 && !names.includes(before[0]) && gone ? names : undefined;
    }, 60_000);
    assert.ok(now.includes(before[1]));
    assert.match(await ok(['get', 'deployments']), /\nnginx\s+2\/2\s+2\s+2\s+/);
  });

  test('a sidecar starts first, its postStart hook before the container; the pod completes once the container has and the sidecar is stopped', async () => {
    await ok(['apply', '-f', '-'], SIDECAR);
    const done = await waitFor('Succeeded', async () => {
      const p = (await pod('with-sidecar')) as PodJSON & { status: { initContainerStatuses?: Array<{ state: { terminated?: { exitCode: number } } }> } };
      return p.status.phase === 'Succeeded' ? p : undefined;
    }, 30_000);
    assert.equal(done.status.containerStatuses?.[0].restartCount, 0);
    assert.ok(done.status.initContainerStatuses?.[0].state.terminated, 'the sidecar was stopped');
    assert.equal(await ok(['logs', 'with-sidecar', '-c', 'app']), 'hooked\n');
    const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=with-sidecar']);
    assert.match(events, /Killing\s+pod\/with-sidecar\s+Stopping container side/);
  });

  test('a failing readiness probe takes the pod out of Ready within its period', async () => {
    await ok(['apply', '-f', '-'], FLAPPING);
    const ready = (p: PodJSON) => p.status.conditions?.find((c) => c.type === 'Ready');
    await waitFor('Ready', async () => (ready(await pod('flapping'))?.status === 'True' ? true : undefined));
    const notReady = await waitFor('not Ready', async () => {
      const c = ready(await pod('flapping'));
      return c?.status === 'False' ? c : undefined;
    });
    assert.equal(notReady.reason, 'ContainersNotReady');
    assert.match(await ok(['get', 'pod', 'flapping']), /\nflapping\s+0\/1\s+Running\s+0\s+/);
    assert.match(await ok(['get', 'events', '--field-selector', 'involvedObject.name=flapping']), /Unhealthy\s+pod\/flapping\s+Readiness probe failed: cat: can't open '\/srv\/ready': No such file or directory/);
    assert.doesNotMatch(await ok(['get', 'events', '--field-selector', 'involvedObject.name=flapping']), /not running/);
  });
  test('cordon, taints and drain as kubectl does them: the scheduler, the node controller and the taint eviction honour them', async () => {
    const node = `${CLUSTER}-node`;
    const taints = async () => (await ok(['get', 'node', node, '-o', 'jsonpath={.spec.taints}'])).trim();
    await ok(['cordon', node]);
    await waitFor('the unschedulable taint', async () => ((await taints()).includes('"key":"node.kubernetes.io/unschedulable"') ? true : undefined));
    assert.match(await ok(['get', 'node', node]), new RegExp(`\\n${node}\\s+Ready,SchedulingDisabled\\s+`));
    const busybox = (name: string, tolerations = '[]') => ['run', name, '--image=busybox', '--restart=Never', `--overrides={"spec":{"terminationGracePeriodSeconds":1,"tolerations":${tolerations}}}`, '--', 'sleep', '3600'];
    await ok(busybox('waiter'));
    const events = (name: string) => ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);
    await waitFor('FailedScheduling', async () => (/FailedScheduling\s+pod\/waiter\s+0\/1 nodes are available: 1 node\(s\) were unschedulable\. preemption: 0\/1 nodes are available: 1 Preemption is not helpful for scheduling\./.test(await events('waiter')) ? true : undefined));
    assert.match(await ok(['get', 'pod', 'waiter']), /\nwaiter\s+0\/1\s+Pending\s+/);
    await ok(['uncordon', node]);
    await waitFor('waiter Running', async () => ((await pod('waiter')).status.phase === 'Running' ? true : undefined), 30_000);
    assert.equal(await taints(), '', 'uncordoned: the taint is gone');
    // A NoExecute taint: pods that do not tolerate it are evicted, one that does stays.
    await ok(busybox('keeper', '[{"key":"e2e","operator":"Exists","effect":"NoExecute"}]'));
    await waitFor('keeper Running', async () => ((await pod('keeper')).status.phase === 'Running' ? true : undefined), 30_000);
    await ok(['taint', 'nodes', node, 'e2e=evict:NoExecute']);
    await waitFor('waiter evicted', async () => ((await k(['get', 'pod', 'waiter'])).code !== 0 ? true : undefined), 30_000);
    assert.match(await events('waiter'), /TaintManagerEviction\s+pod\/waiter\s+Marking for deletion Pod default\/waiter/);
    assert.equal((await pod('keeper')).metadata.deletionTimestamp, undefined);
    await ok(['taint', 'nodes', node, 'e2e-']);
    // kubectl drain evicts through pods/eviction.
    const drained = await ok(['drain', node, '--force', '--ignore-daemonsets', '--grace-period=1', '--timeout=60s']);
    assert.match(drained, /evicting pod default\/keeper/);
    assert.match(drained, new RegExp(`node/${node} drained`));
    await ok(['uncordon', node]);
  });
});
