/**
 * @module The node agent dies (kill -9) under running pods and starts again (issue 4): once the
 * way `kubito up` launches it (launch.ts, which clears the cluster's namespaces first), once on
 * its own in the surviving node namespace (the agent reaps its predecessor's sandboxes itself).
 * Either way every pod comes back Running and Ready with restartCount + 1 and a fresh sandbox,
 * as after a node reboot; no process of the old sandboxes survives, the network namespaces are
 * exactly the live pods', and the address table names exactly the addresses in pod status.
 * A hostNetwork pod (its container in the node namespace itself) is among them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentEntry, launchNodeAgent, type RunningAgent } from '../../src/node/launch.js';
import { isClusterNetns, podNetns, READY_LINE } from '../../src/node/names.js';
import { WELCOME_PAGE } from '../../src/node/nginx-config.js';
import { startCluster, type Cluster } from './harness.js';
import { WEB_DEPLOYMENT } from './manifests.js';
import { alive, netnsList, pidsIn } from './processes.js';
import { waitFor } from './wait.js';

// This file starts agents by hand after killing kubito up's: kubito up must not restart it too
// (its supervision has test/e2e/agent-supervise.test.ts). Inherited by the kubito up child.
process.env.KUBITO_NODE_AGENT_RESTART = 'never';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

const WORKLOAD = `${WEB_DEPLOYMENT}---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: sh
    image: busybox
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: hostnet
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  containers:
  - name: sh
    image: busybox
    command: ["sleep", "3600"]
`;

interface PodJSON {
  metadata: { name: string; uid: string };
  spec: { hostNetwork?: boolean };
  status: { phase?: string; podIP?: string; containerStatuses?: Array<{ restartCount: number; ready: boolean }> };
}

describe('node agent restart after kill -9', { skip: canRun ? false : 'needs root and network namespaces' }, () => {
  let cluster: Cluster;
  let name = '';
  let dataDir = '';
  let launched: RunningAgent | undefined;
  let standalone: ChildProcess | undefined;

  const pods = async (): Promise<PodJSON[]> => (JSON.parse(await cluster.kubectlOk(['get', 'pods', '-o', 'json'])) as { items: PodJSON[] }).items;

  /** Waits until every pod is Ready with `restarts` restarts; returns them. */
  async function allReady(restarts: number): Promise<PodJSON[]> {
    return waitFor(`4 pods Ready with ${restarts} restart(s)`, async () => {
      const list = await pods();
      const ok = list.length === 4 && list.every((p) => p.status.phase === 'Running' && p.status.containerStatuses?.[0]?.ready && p.status.containerStatuses[0].restartCount === restarts);
      return ok ? list : undefined;
    }, 45_000);
  }

  /**
   * The pods' processes now (to check that none outlives the agent's restart): everything in
   * their sandboxes, and for the hostNetwork pod its launcher (named after the pod's directory)
   * with its descendants.
   */
  function sandboxPids(list: PodJSON[]): number[] {
    const pids = list.filter((p) => !p.spec.hostNetwork).flatMap((p) => pidsIn(podNetns(name, p.metadata.uid)));
    const host = list.find((p) => p.spec.hostNetwork)!;
    const marker = join(dataDir, 'pods', `default_hostnet_${host.metadata.uid}`);
    const launchers = pidsIn(`kubito-${name}-node`).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    });
    assert.ok(launchers.length > 0, 'the hostNetwork container runs in the node namespace');
    const descendants = (pid: number): number[] => {
      let children: number[] = [];
      try {
        children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
      } catch {
        // gone
      }
      return [pid, ...children.flatMap(descendants)];
    };
    return [...pids, ...launchers.flatMap(descendants)];
  }

  /** Nothing stale: namespaces, address table and pod IPs agree; the pods serve and answer. */
  async function checkConsistent(list: PodJSON[], oldPids: number[]): Promise<void> {
    // SIGKILL is delivered at once, but dying takes a moment.
    await waitFor(`the old sandboxes' processes to end (${oldPids.filter(alive).join(' ')})`, async () => (oldPids.some(alive) ? undefined : true), 5_000);
    const sandboxed = list.filter((p) => !p.spec.hostNetwork);
    const expected = [`kubito-${name}-node`, ...sandboxed.map((p) => podNetns(name, p.metadata.uid))].sort();
    // The warm pool's idle sandboxes (`-w<hex>`, sandbox-pool.ts) are apart: each holds a pool
    // address of the table, nothing else does. A refill may be under way: wait for it to settle.
    const isPool = (n: string): boolean => /-w[0-9a-f]{8}$/.test(n);
    const settled = await waitFor('the address table, namespaces and veths to agree', async () => {
      const names = netnsList().filter((n) => isClusterNetns(name, n));
      const table = JSON.parse(readFileSync(join(dataDir, 'run', 'ipam.json'), 'utf8')) as Record<string, string>;
      const poolIds = names.filter(isPool).map((n) => n.slice(-8)).sort();
      const tablePool = Object.values(table).filter((o) => o.startsWith('pool:')).map((o) => o.slice(5)).sort();
      const veths = spawnSync('ip', ['netns', 'exec', `kubito-${name}-node`, 'ip', '-o', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
      if (JSON.stringify(poolIds) !== JSON.stringify(tablePool) || veths.length !== sandboxed.length + poolIds.length) return undefined;
      return { names, table };
    }, 10_000);
    assert.deepEqual(settled.names.filter((n) => !isPool(n)).sort(), expected);
    const podTable = Object.fromEntries(Object.entries(settled.table).filter(([, o]) => !o.startsWith('pool:')));
    assert.deepEqual(podTable, Object.fromEntries(sandboxed.map((p) => [p.status.podIP!, p.metadata.uid]).sort()));
    assert.equal(list.find((p) => p.spec.hostNetwork)!.status.podIP, '10.244.0.1');
    for (const p of list.filter((x) => x.metadata.name.startsWith('web-'))) {
      assert.equal(await cluster.kubectlOk(['exec', 'client', '--', 'wget', '-qO-', p.status.podIP!]), WELCOME_PAGE);
    }
  }

  function killAgent(pid: number): void {
    process.kill(pid, 'SIGKILL');
  }

  before(async () => {
    cluster = await startCluster();
    dataDir = join(cluster.dir, 'data');
    name = (await waitFor('a node', async () => (await cluster.kubectlOk(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).trim() || undefined, 45_000)).replace(/-node$/, '');
    await cluster.kubectlOk(['apply', '-f', '-'], { input: WORKLOAD });
  });

  after(async () => {
    if (standalone && standalone.exitCode === null && standalone.signalCode === null) {
      const exited = new Promise((r) => standalone!.once('exit', r));
      standalone.kill('SIGTERM');
      await exited;
    }
    await launched?.stop();
    await cluster?.stop();
    assert.deepEqual(netnsList().filter((n) => name && isClusterNetns(name, n)), [], 'network namespaces left behind');
  });

  test('kill -9, then the launch path kubito up uses: pods recreated, restartCount + 1, nothing stale', async () => {
    const before = await allReady(0);
    const oldPids = sandboxPids(before);
    assert.ok(oldPids.length >= 3);
    const m = /node agent\s+\S+ \([^)]*\), pid (\d+)/.exec(cluster.output.join(''));
    assert.ok(m, `no agent pid in kubito's output:\n${cluster.output.join('')}`);
    killAgent(Number(m[1]));
    await waitFor('the agent to die', async () => (alive(Number(m[1])) ? undefined : true), 10_000);
    // The orphaned pods keep running until a new agent comes.
    assert.ok(oldPids.some(alive));
    launched = await launchNodeAgent({ cluster: name, dataDir, apiSocket: join(dataDir, 'run', 'api.sock'), log: (line) => cluster.output.push(`[relaunched] ${line}\n`) });
    const afterRestart = await allReady(1);
    assert.deepEqual(afterRestart.map((p) => p.metadata.uid).sort(), before.map((p) => p.metadata.uid).sort(), 'the same pods, not replacements');
    await checkConsistent(afterRestart, oldPids);
  });

  test('kill -9, then the agent on its own in the surviving node namespace: it reaps the old sandboxes itself', async () => {
    const before = await allReady(1);
    const oldPids = sandboxPids(before);
    killAgent(launched!.pid);
    await waitFor('the agent to die', async () => (alive(launched!.pid) ? undefined : true), 10_000);
    launched = undefined;
    assert.ok(existsSync(join(dataDir, 'run', 'ipam.json')));
    standalone = spawn('nsenter', [`--net=/run/netns/kubito-${name}-node`, '--', process.execPath, ...agentEntry(), '--cluster', name, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    standalone.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    standalone.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    await waitFor('the agent ready line', async () => (out.includes(READY_LINE) ? true : undefined), 30_000);
    assert.match(out, /removed 3 pod sandbox\(es\) a previous agent left/);
    assert.match(out, /killed 1 hostNetwork container\(s\) a previous agent left/);
    const afterRestart = await allReady(2);
    await checkConsistent(afterRestart, oldPids);
  });
});
