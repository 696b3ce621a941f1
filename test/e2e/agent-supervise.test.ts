/**
 * @module `kubito up` supervises its node agent (issue 4): the agent is killed with SIGKILL (its
 * pid from `<data-dir>/run/agent.pid`); kubito says so and starts it again after its back-off;
 * the Node is Ready again, the pods come back as after a node reboot (restartCount + 1), a new
 * pod runs, and a Service is in DNS and answers on its ClusterIP and on its NodePort from the host.
 * Then its command helper (shell-runner.ts) is killed: the agent exits, and is started again.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentPidFile } from '../../src/node/launch.js';
import { isClusterNetns } from '../../src/node/names.js';
import { WELCOME_PAGE } from '../../src/node/nginx-config.js';
import { startCluster, type Cluster } from './harness.js';
import { WEB_DEPLOYMENT } from './manifests.js';
import { alive, netnsList } from './processes.js';
import { waitFor } from './wait.js';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

const WORKLOAD = `${WEB_DEPLOYMENT}---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
---
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
`;

interface PodJSON {
  metadata: { name: string };
  status: { phase?: string; containerStatuses?: Array<{ restartCount: number; ready: boolean }> };
}

describe('kubito up restarts a node agent that dies', { skip: canRun ? false : 'needs root and network namespaces' }, () => {
  let cluster: Cluster;
  let name = '';

  const pods = async (): Promise<PodJSON[]> => (JSON.parse(await cluster.kubectlOk(['get', 'pods', '-o', 'json'])) as { items: PodJSON[] }).items;

  async function allReady(count: number, restarts: number): Promise<PodJSON[]> {
    return waitFor(`${count} pods Ready with ${restarts} restart(s)`, async () => {
      const list = await pods();
      const ok = list.length === count && list.every((p) => p.status.phase === 'Running' && p.status.containerStatuses?.[0]?.ready && p.status.containerStatuses[0].restartCount === restarts);
      return ok ? list : undefined;
    }, 60_000);
  }

  /**
   * The Service answers on its ClusterIP from a pod and on its NodePort from the host, and DNS
   * has its name. (busybox's `wget -T` crashes here, hence `timeout 5 wget`.)
   */
  async function serviceAnswers(from = 'client'): Promise<void> {
    const svc = JSON.parse(await cluster.kubectlOk(['get', 'svc', 'web', '-o', 'json'])) as { spec: { clusterIP: string; ports: Array<{ nodePort: number }> } };
    await waitFor(`the Service's name in DNS, from ${from}`, async () => ((await cluster.kubectl(['exec', from, '--', 'nslookup', 'web.default.svc.cluster.local.'])).stdout.includes(`Address: ${svc.spec.clusterIP}`) ? true : undefined), 30_000, 500);
    await waitFor(`the ClusterIP ${svc.spec.clusterIP}, from ${from}`, async () => ((await cluster.kubectlOk(['exec', from, '--', 'timeout', '5', 'wget', '-qO-', `http://${svc.spec.clusterIP}/`])) === WELCOME_PAGE ? true : undefined), 30_000, 500);
    const nodePort = svc.spec.ports[0].nodePort;
    await waitFor(`the NodePort 127.0.0.1:${nodePort}`, async () => {
      const res = await fetch(`http://127.0.0.1:${nodePort}/`, { signal: AbortSignal.timeout(3000) });
      return (await res.text()) === WELCOME_PAGE ? true : undefined;
    }, 30_000, 500);
  }

  before(async () => {
    cluster = await startCluster();
    name = (await waitFor('a node', async () => (await cluster.kubectlOk(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).trim() || undefined, 45_000)).replace(/-node$/, '');
    await cluster.kubectlOk(['apply', '-f', '-'], { input: WORKLOAD });
  });

  after(async () => {
    await cluster?.stop();
    assert.deepEqual(netnsList().filter((n) => name && isClusterNetns(name, n)), [], 'network namespaces left behind');
  });

  test('kill -9 the agent: restarted after its back-off, Node Ready, pods back, a new pod runs, the Service answers', async () => {
    await allReady(3, 0);
    await serviceAnswers();
    const pidFile = agentPidFile(cluster.dataDir);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    assert.ok(pid > 0 && alive(pid), `agent pid ${pid} from ${pidFile}`);
    assert.match(cluster.output.join(''), new RegExp(`node agent\\s+\\S+ \\([^)]*\\), pid ${pid}\\b`));

    process.kill(pid, 'SIGKILL');
    await waitFor('the agent to die', async () => (alive(pid) ? undefined : true), 10_000);
    const restarted = await waitFor('kubito to restart the agent', async () => {
      const m = /node agent restarted, pid (\d+)/.exec(cluster.output.join(''));
      return m ? Number(m[1]) : undefined;
    }, 60_000);
    const log = cluster.output.join('');
    assert.match(log, new RegExp(`node agent \\(pid ${pid}\\) exited \\(SIGKILL\\); restarting it in 1 s`));
    assert.notEqual(restarted, pid);
    assert.equal(Number(readFileSync(pidFile, 'utf8').trim()), restarted);
    assert.ok(alive(restarted));

    await waitFor('the Node Ready', async () => ((await cluster.kubectlOk(['get', 'node', `${name}-node`, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).trim() === 'True' ? true : undefined), 30_000);
    // The pods come back as after a node reboot: the same pods, restartCount + 1.
    await allReady(3, 1);
    await cluster.kubectlOk(['run', 'after', '--image=busybox', '--restart=Never', '--', 'sleep', '3600']);
    await waitFor('the new pod Running', async () => ((await cluster.kubectlOk(['get', 'pod', 'after', '-o', 'jsonpath={.status.phase}'])).trim() === 'Running' ? true : undefined), 30_000);
    await serviceAnswers();
    await serviceAnswers('after');
  });

  test('the agent\'s command helper killed: the agent exits and is started again, pods back once more', async () => {
    const pid = Number(readFileSync(agentPidFile(cluster.dataDir), 'utf8').trim());
    const helper = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number)
      .find((child) => readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').slice(-2, -1)[0] === '-s');
    assert.ok(helper, `no command helper among the agent's children`);
    process.kill(helper, 'SIGKILL');
    await waitFor('kubito to restart the agent again', async () => (cluster.output.join('').match(/node agent restarted, pid \d+/g)?.length === 2 ? true : undefined), 60_000);
    const log = cluster.output.join('');
    assert.match(log, /the command helper exited \(SIGKILL\); exiting to start over/);
    assert.match(log, new RegExp(`node agent \\(pid ${pid}\\) exited \\(code 1\\); restarting it in`));
    // Its second start within the back-off's memory: 2 s. Every pod once more restarted.
    await waitFor('4 pods Ready, one more restart each', async () => {
      const list = await pods();
      const restarts = Object.fromEntries(list.filter((p) => p.status.phase === 'Running' && p.status.containerStatuses?.[0]?.ready).map((p) => [p.metadata.name, p.status.containerStatuses![0].restartCount]));
      return list.length === 4 && Object.keys(restarts).length === 4 && Object.entries(restarts).every(([n, r]) => r === (n === 'after' ? 1 : 2)) ? true : undefined;
    }, 60_000);
    await serviceAnswers();
  });
});
