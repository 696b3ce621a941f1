/**
 * @module The kube API from inside a pod (issue 4): the `default/kubernetes` endpoints name
 * 10.244.0.1:<api port>, where the node agent relays to the API's TLS; /version answers
 * without credentials (system:public-info-viewer), the rest with the bearer token; the serving
 * certificate verifies against the cluster CA for kubernetes.default.svc at that address.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlPath, startCluster, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;
const curl = spawnSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).stdout.trim();

describe('the kube API from a pod', { skip: canRun ? false : 'needs root and network namespaces' }, () => {
  let cluster: Cluster;
  let port: number;

  /** Runs a pod to completion and returns its phase and log. */
  async function runPod(name: string, image: string, command: string[]): Promise<{ phase: string; log: string }> {
    await cluster.kubectlOk(['run', name, `--image=${image}`, '--restart=Never', '--command', '--', ...command]);
    const phase = await waitFor(`${name} to finish`, async () => {
      const p = (await cluster.kubectlOk(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).trim();
      return p === 'Succeeded' || p === 'Failed' ? p : undefined;
    });
    return { phase, log: await cluster.kubectlOk(['logs', name]) };
  }

  before(async () => {
    cluster = await startCluster();
    port = Number(new URL(cluster.server).port);
    await waitFor('a node', async () => (await cluster.kubectlOk(['get', 'nodes', '-o', 'name'])).trim() || undefined);
  });

  after(async () => {
    await cluster?.stop();
  });

  test('the kubernetes endpoints name the node address and the API port', async () => {
    const ep = JSON.parse(await cluster.kubectlOk(['get', 'endpoints', 'kubernetes', '-o', 'json'])) as { subsets: Array<{ addresses: Array<{ ip: string }>; ports: Array<{ port: number }> }> };
    assert.deepEqual([ep.subsets[0].addresses[0].ip, ep.subsets[0].ports[0].port], ['10.244.0.1', port]);
  });

  test('wget from busybox: /version anonymously, pods with the bearer token, 401 without', async () => {
    const version = await runPod('version', 'busybox', ['wget', '--no-check-certificate', '-qO-', `https://10.244.0.1:${port}/version`]);
    assert.equal(version.phase, 'Succeeded', version.log);
    assert.equal((JSON.parse(version.log) as { gitVersion: string }).gitVersion, 'v1.33.0-kubito');
    const token = readFileSync(join(cluster.dir, 'data', 'pki', 'admin.token'), 'utf8').trim();
    const list = await runPod('list', 'busybox', ['wget', '--no-check-certificate', '-qO-', '--header', `Authorization: Bearer ${token}`, `https://10.244.0.1:${port}/api/v1/namespaces/default/pods`]);
    assert.equal(list.phase, 'Succeeded', list.log);
    const names = (JSON.parse(list.log) as { items: Array<{ metadata: { name: string } }> }).items.map((p) => p.metadata.name);
    assert.ok(names.includes('list') && names.includes('version'), names.join(' '));
    const denied = await runPod('denied', 'busybox', ['sh', '-c', `wget --no-check-certificate -qO- https://10.244.0.1:${port}/api 2>&1; echo exit=$?`]);
    assert.match(denied.log, /401 Unauthorized[\s\S]*exit=1/);
  });

  test("the Scheduled event is kube-scheduler's events.k8s.io Event (action Binding, eventTime), first in describe", async () => {
    type EventV1 = { reason: string; action?: string; eventTime?: string; reportingController?: string; regarding?: { name?: string } };
    const events = (JSON.parse(await cluster.kubectlOk(['get', 'events.v1.events.k8s.io', '-o', 'json'])) as { items: EventV1[] }).items;
    const scheduled = events.find((e) => e.reason === 'Scheduled' && e.regarding?.name === 'version');
    assert.ok(scheduled, JSON.stringify(events.map((e) => [e.reason, e.regarding?.name])));
    assert.equal(scheduled.action, 'Binding');
    assert.equal(scheduled.reportingController, 'default-scheduler');
    assert.match(scheduled.eventTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const described = await cluster.kubectlOk(['describe', 'pod', 'version']);
    const rows = described.slice(described.indexOf('Events:')).split('\n').slice(3).filter((l) => l.trim());
    assert.match(rows[0] ?? '', /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/version to /, described);
  });

  test('in-cluster clients reach it as upstream\'s do: the kubernetes VIP 10.96.0.1:443 and kubernetes.default.svc', async () => {
    for (const [name, url] of [['via-vip', 'https://10.96.0.1/version'], ['via-dns', 'https://kubernetes.default.svc/version']]) {
      const version = await runPod(name, 'busybox', ['wget', '--no-check-certificate', '-qO-', url]);
      assert.equal(version.phase, 'Succeeded', version.log);
      assert.equal((JSON.parse(version.log) as { gitVersion: string }).gitVersion, 'v1.33.0-kubito', url);
    }
  });

  test('the serving certificate verifies for kubernetes.default.svc at 10.244.0.1', { skip: curl ? false : 'needs curl' }, async () => {
    const ca = join(cluster.dir, 'data', 'pki', 'ca.crt');
    const r = await runPod('verify', 'curl', [curl, '-sS', '--cacert', ca, '--resolve', `kubernetes.default.svc:${port}:10.244.0.1`, `https://kubernetes.default.svc:${port}/version`]);
    assert.equal(r.phase, 'Succeeded', r.log);
    assert.match(r.log, /"gitVersion":"v1\.33\.0-kubito"/);
  });
  test("a pod's service account volume: token, ca.crt and namespace at /var/run/secrets/kubernetes.io/serviceaccount", async () => {
    const r = await runPod('sa-files', 'busybox', ['sh', '-c', 'cd /var/run/secrets/kubernetes.io/serviceaccount && ls && cat namespace && echo && head -c 2 token && echo && head -1 ca.crt']);
    assert.equal(r.phase, 'Succeeded', r.log);
    assert.deepEqual(r.log.trim().split('\n'), ['ca.crt', 'namespace', 'token', 'default', 'ey', '-----BEGIN CERTIFICATE-----']);
  });

  for (const version of ['1.27', '1.33']) {
    test(`kubectl ${version} run as a pod's command works in-cluster with the pod's service account (no kubeconfig)`, async () => {
      const name = `in-cluster-${version.replace('.', '-')}`;
      // HOME where no kubeconfig is: kubectl then takes the in-cluster config (the env
      // KUBERNETES_SERVICE_HOST/PORT, the mounted token and ca.crt), as in any pod.
      await cluster.kubectlOk(['run', name, '--image=bitnami/kubectl', '--restart=Never', '--env=HOME=/nonexistent', '--command', '--', kubectlPath(version), 'get', 'service', 'kubernetes', '-o', 'name']);
      const phase = await waitFor(`${name} to finish`, async () => {
        const p = (await cluster.kubectlOk(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).trim();
        return p === 'Succeeded' || p === 'Failed' ? p : undefined;
      });
      const log = await cluster.kubectlOk(['logs', name]);
      assert.equal(phase, 'Succeeded', log);
      assert.equal(log.trim(), 'service/kubernetes');
    });
  }
});
