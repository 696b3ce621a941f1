/**
 * @module kube-system shows the node agent's DNS and proxy as mirror pods (src/node/static-pods.ts),
 * with the commands of Kubernetes' "Debug Services" and "Debugging DNS Resolution" pages, as
 * the real kubectl (1.32 on PATH, 1.27 and 1.33 beside it) runs them: both pods Running 1/1
 * after `up`, `kubectl logs` (by name, `-l`, `--tail`, `--timestamps`, `-f`) shows their lines,
 * exec is refused with the reason, a deleted one comes back, and DNS through the kube-dns VIP
 * still answers a busybox pod.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, kubectlPath, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

interface PodJSON {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }> };
  spec: { nodeName?: string; hostNetwork?: boolean; priorityClassName?: string; containers: Array<{ name: string; image: string; ports?: Array<{ name?: string; containerPort: number; protocol?: string }> }> };
  status: { phase?: string; podIP?: string; hostIP?: string; startTime?: string; containerStatuses?: Array<{ name: string; ready: boolean; restartCount: number; state: { running?: { startedAt: string } } }> };
}

describe('kube-system: the node agent DNS and proxy as mirror pods', { timeout: 180_000 }, () => {
  let cluster: Cluster;
  let node: string;
  before(async () => {
    cluster = await startCluster({ name: `sysp${process.pid % 100000}` });
    node = `${cluster.name}-node`;
  });
  after(async () => {
    await cluster?.stop();
  });

  const get = async (selector: string): Promise<PodJSON[]> => (JSON.parse(await cluster.kubectlOk(['get', 'pods', '-n', 'kube-system', '-l', selector, '-o', 'json'])) as { items: PodJSON[] }).items;

  test('right after up: kubectl get pods -A shows both, Running 1/1, on the node', async () => {
    const out = await cluster.kubectlOk(['get', 'pods', '-A']);
    const rows = out.trim().split('\n').slice(1);
    assert.equal(rows.length, 2, out);
    assert.match(out, new RegExp(`^kube-system\\s+kube-dns-${node}\\s+1/1\\s+Running\\s+0\\s`, 'm'), out);
    assert.match(out, new RegExp(`^kube-system\\s+kube-proxy-${node}\\s+1/1\\s+Running\\s+0\\s`, 'm'), out);
    const wide = await cluster.kubectlOk(['get', 'pods', '-n', 'kube-system', '-o', 'wide']);
    assert.match(wide, new RegExp(`kube-dns-${node}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+10\\.244\\.0\\.1\\s+${node}\\s`), wide);
  });

  test('the pods: labels, ports, hostNetwork, priority, owner, annotations, a real status', async () => {
    const [dns] = await get('k8s-app=kube-dns');
    assert.equal(dns.metadata.name, `kube-dns-${node}`);
    assert.equal(dns.spec.nodeName, node);
    assert.equal(dns.spec.hostNetwork, true);
    assert.equal(dns.spec.priorityClassName, 'system-cluster-critical');
    assert.deepEqual(dns.spec.containers.map((c) => c.name), ['dns']);
    assert.match(dns.spec.containers[0].image, /^kubito\/node-agent-dns:/);
    assert.deepEqual(dns.spec.containers[0].ports?.map((p) => `${p.name} ${p.containerPort}/${p.protocol}`), ['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
    assert.match(dns.metadata.annotations?.['kubernetes.io/config.mirror'] ?? '', /^[0-9a-f]{32}$/);
    assert.equal(dns.metadata.annotations?.['kubernetes.io/config.hash'], dns.metadata.annotations?.['kubernetes.io/config.mirror']);
    assert.equal(dns.metadata.annotations?.['kubernetes.io/config.source'], 'kubito-node-agent');
    assert.deepEqual(dns.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.controller]), [['Node', node, true]]);
    assert.equal(dns.status.podIP, '10.244.0.1');
    assert.equal(dns.status.hostIP, '10.244.0.1');
    const started = Date.parse(dns.status.containerStatuses?.[0].state.running?.startedAt ?? '');
    assert.ok(Math.abs(Date.now() - started) < 120_000, JSON.stringify(dns.status));
    const [proxy] = await get('k8s-app=kube-proxy');
    assert.equal(proxy.metadata.name, `kube-proxy-${node}`);
    assert.equal(proxy.spec.priorityClassName, 'system-node-critical');
    assert.deepEqual(proxy.spec.containers.map((c) => c.name), ['kube-proxy']);
    assert.equal(proxy.status.containerStatuses?.[0].ready, true);
  });

  for (const version of [undefined, '1.27', '1.33']) {
    test(`kubectl ${version ?? '(PATH)'}: get pods -l k8s-app=kube-dns, logs -l k8s-app=kube-dns`, async () => {
      const pods = await cluster.kubectlOk(['get', 'pods', '--namespace=kube-system', '-l', 'k8s-app=kube-dns'], { version });
      assert.match(pods, new RegExp(`^kube-dns-${node}\\s+1/1\\s+Running\\s+0\\s`, 'm'), pods);
      const logs = await cluster.kubectlOk(['logs', '--namespace=kube-system', '-l', 'k8s-app=kube-dns'], { version });
      assert.match(logs, /cluster DNS: listening on 10\.244\.0\.1:53/, logs);
      assert.match(logs, /dns: services, endpointslices and namespaces synced/, logs);
    });
  }

  test('kube-proxy logs: mode line; --tail, --timestamps; -f follows', async () => {
    const name = `kube-proxy-${node}`;
    const all = await cluster.kubectlOk(['logs', '-n', 'kube-system', name]);
    assert.match(all, /proxy: nftables mode/, all);
    const last = await cluster.kubectlOk(['logs', '-n', 'kube-system', name, '--tail=1', '--timestamps']);
    assert.equal(last.trim().split('\n').length, 1, last);
    assert.match(last, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \S/, last);
    // -f keeps the stream open (the proxy runs): it prints the lines so far and waits.
    const follow = spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'logs', '-f', '-n', 'kube-system', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    follow.stdout.on('data', (c: Buffer) => (seen += c.toString()));
    await waitFor('kubectl logs -f output', async () => (seen.includes('nftables mode') ? true : undefined), 15_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(follow.exitCode, null, 'logs -f ended while the proxy runs');
    follow.kill('SIGTERM');
  });

  test('exec is refused with the reason', async () => {
    const r = await cluster.kubectl(['exec', '-n', 'kube-system', `kube-dns-${node}`, '--', 'sh', '-c', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /runs inside the node agent process, not in a container/, r.stderr);
  });

  test('deleted: kubectl delete (with its --wait) returns, and the pod is made again, Running', async () => {
    const [before] = await get('k8s-app=kube-proxy');
    const t0 = Date.now();
    // kubectl's --wait lists the name, watches from the list and waits for DELETED: the agent
    // leaves the pod Terminating 1 s before making it again (static-pods.ts REPLACE_AFTER_MS),
    // else a pod back within ~100 ms of that list leaves kubectl waiting for good. Three times.
    for (let i = 0; i < 3; i++) {
      const [current] = await get('k8s-app=kube-proxy');
      await cluster.kubectlOk(['delete', 'pod', '-n', 'kube-system', `kube-proxy-${node}`, '--timeout=20s']);
      await waitFor('the kube-proxy mirror pod back', async () => {
        const [p] = await get('k8s-app=kube-proxy');
        return p && p.metadata.uid !== current.metadata.uid ? p : undefined;
      }, 15_000);
    }
    const back = await waitFor('the kube-proxy mirror pod back and Ready', async () => {
      const [p] = await get('k8s-app=kube-proxy');
      return p && p.metadata.uid !== before.metadata.uid && p.status.containerStatuses?.[0]?.ready ? p : undefined;
    }, 15_000);
    process.stdout.write(`# three deletes with --wait and the mirror pod back Ready in ${Date.now() - t0} ms\n`);
    assert.equal(back.status.phase, 'Running');
  });

  test('the kube-dns EndpointSlice and nslookup kubernetes.default from a busybox pod', async () => {
    const slices = JSON.parse(await cluster.kubectlOk(['get', 'endpointslices', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'json'])) as { items: Array<{ endpoints: Array<{ addresses: string[]; conditions: { ready?: boolean }; targetRef?: { kind: string; name: string } }> }> };
    const endpoints = slices.items.flatMap((s) => s.endpoints);
    // Written by the endpointslice controller, selecting the DNS's mirror pod (kube-dns has the selector k8s-app=kube-dns).
    assert.deepEqual(endpoints.map((e) => [e.addresses[0], e.conditions.ready, e.targetRef?.kind, e.targetRef?.name]), [['10.244.0.1', true, 'Pod', `kube-dns-${node}`]]);
    await cluster.kubectlOk(['run', 'dnsclient', '--image=busybox', '--restart=Never', '--', 'nslookup', 'kubernetes.default.svc.cluster.local']);
    await waitFor('dnsclient to finish', async () => {
      const phase = await cluster.kubectlOk(['get', 'pod', 'dnsclient', '-o', 'jsonpath={.status.phase}']);
      return phase === 'Succeeded' || phase === 'Failed' ? phase : undefined;
    }, 60_000);
    const logs = await cluster.kubectlOk(['logs', 'dnsclient']);
    assert.match(logs, /Server:\s+10\.96\.0\.10/, logs);
    assert.match(logs, /Name:\s+kubernetes\.default\.svc\.cluster\.local\s+Address:\s+10\.96\.0\.1\b/, logs);
  });
});

describe('kube-system mirror pods across a stop and a start (sqlite store)', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-e2e-sysp-'));
  const name = `sysr${process.pid % 100000}`;
  let cluster: Cluster | undefined;
  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the stop leaves them (the Node stays); the next agent keeps them, counts a restart, shows the last run', async () => {
    cluster = await startCluster({ name, dir, store: 'sqlite' });
    const first = JSON.parse(await cluster.kubectlOk(['get', 'pod', '-n', 'kube-system', `kube-dns-${name}-node`, '-o', 'json'])) as PodJSON;
    await cluster.stop();
    cluster = await startCluster({ name, dir, store: 'sqlite' });
    const again = JSON.parse(await cluster.kubectlOk(['get', 'pod', '-n', 'kube-system', `kube-dns-${name}-node`, '-o', 'json'])) as PodJSON & { status: { containerStatuses: Array<{ lastState: { terminated?: { exitCode: number; reason: string } } }> } };
    // The same pod (its hash matched), now in its second run.
    assert.equal(again.metadata.uid, first.metadata.uid);
    assert.equal(again.status.containerStatuses?.[0].restartCount, 1);
    assert.equal(again.status.containerStatuses?.[0].ready, true);
    assert.deepEqual([again.status.containerStatuses[0].lastState.terminated?.exitCode, again.status.containerStatuses[0].lastState.terminated?.reason], [0, 'Completed']);
    const out = await cluster.kubectlOk(['get', 'pods', '-n', 'kube-system']);
    assert.match(out, new RegExp(`^kube-dns-${name}-node\\s+1/1\\s+Running\\s+1 \\(\\d+s ago\\)\\s`, 'm'), out);
    const previous = await cluster.kubectlOk(['logs', '-n', 'kube-system', `kube-dns-${name}-node`, '--previous']);
    assert.match(previous, /cluster DNS: listening on 10\.244\.0\.1:53/, previous);
  });
});
