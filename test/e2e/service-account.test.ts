/**
 * @module ServiceAccounts as a kubeadm cluster shows them to the real kubectl (1.27 and 1.33):
 * every namespace's `kube-root-ca.crt` carries the cluster CA (made again when deleted, put back
 * when edited), a pod gets upstream's `kube-api-access-<5>` projected volume mounted read-only
 * in each container (not with automountServiceAccountToken: false, nor in mirror pods), and a
 * pod naming an account that does not exist is refused with upstream's words.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

interface PodJSON {
  spec: {
    serviceAccountName?: string;
    volumes?: Array<{ name: string; projected?: unknown }>;
    containers: Array<{ name: string; volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }> }>;
    initContainers?: Array<{ name: string; volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }> }>;
  };
}

const MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

for (const version of ['1.27', '1.33']) {
  describe(`service accounts with kubectl ${version}`, { timeout: 180_000 }, () => {
    let cluster: Cluster;
    let ca: string;
    const k = (args: string[], input?: string) => cluster.kubectl(args, { version, input });
    const ok = (args: string[], input?: string) => cluster.kubectlOk(args, { version, input });
    const pod = async (ns: string, name: string) => JSON.parse(await ok(['get', 'pod', name, '-n', ns, '-o', 'json'])) as PodJSON;
    const caIn = async (ns: string) => {
      const got = await k(['get', 'configmap', 'kube-root-ca.crt', '-n', ns, '-o', 'jsonpath={.data.ca\\.crt}']);
      return got.code === 0 ? got.stdout : undefined;
    };

    before(async () => {
      cluster = await startCluster();
      ca = readFileSync(join(cluster.dataDir, 'pki', 'ca.crt'), 'utf8');
    });
    after(async () => cluster?.stop());

    test('kube-root-ca.crt in every namespace, a new one too: the cluster CA, described as upstream does; made again, put back', async () => {
      for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
        assert.equal(await waitFor(`kube-root-ca.crt in ${ns}`, () => caIn(ns)), ca);
      }
      await ok(['create', 'namespace', 'shop']);
      const table = await waitFor('kube-root-ca.crt in shop', async () => {
        const got = await k(['get', 'cm', 'kube-root-ca.crt', '-n', 'shop']);
        return got.code === 0 ? got.stdout : undefined;
      });
      assert.match(table, /^NAME\s+DATA\s+AGE\nkube-root-ca\.crt\s+1\s+\S+\n$/);
      assert.equal(await caIn('shop'), ca);
      assert.match(await ok(['get', 'cm', 'kube-root-ca.crt', '-n', 'shop', '-o', 'jsonpath={.metadata.annotations.kubernetes\\.io/description}']), /^Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints/);
      await ok(['delete', 'cm', 'kube-root-ca.crt', '-n', 'shop']);
      assert.equal(await waitFor('kube-root-ca.crt made again', () => caIn('shop')), ca);
      await ok(['patch', 'cm', 'kube-root-ca.crt', '-n', 'shop', '--type=merge', '-p', '{"data":{"ca.crt":"forged"}}']);
      assert.equal(await waitFor('kube-root-ca.crt put back', async () => ((await caIn('shop')) === ca ? ca : undefined)), ca);
    });

    test('a pod gets kube-api-access-<5>, mounted read-only in every container and init container; kubectl describe shows it', async () => {
      const manifest = JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'two' },
        // No grace: the pod is deleted below, and the agent's stop at the end waits for a stop in flight.
        spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 0, initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }], containers: [{ name: 'a', image: 'busybox', command: ['sleep', '3600'] }, { name: 'b', image: 'busybox', command: ['sleep', '3600'] }] },
      });
      await ok(['create', '-f', '-'], manifest);
      const p = await pod('default', 'two');
      assert.equal(p.spec.serviceAccountName, 'default');
      assert.equal(p.spec.volumes?.length, 1);
      const volume = p.spec.volumes![0];
      assert.match(volume.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(volume.projected, {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      });
      for (const c of [...p.spec.initContainers!, ...p.spec.containers]) {
        assert.deepEqual(c.volumeMounts, [{ name: volume.name, readOnly: true, mountPath: MOUNT_PATH }], c.name);
      }
      const described = await ok(['describe', 'pod', 'two']);
      assert.match(described, new RegExp(`Mounts:\\n\\s+${MOUNT_PATH.replace(/\//g, '\\/')} from ${volume.name} \\(ro\\)`));
      assert.match(described, new RegExp(`${volume.name}:\\n\\s+Type:\\s+Projected \\(a volume that contains injected data from multiple sources\\)\\n\\s+TokenExpirationSeconds:\\s+3607\\n\\s+ConfigMapName:\\s+kube-root-ca.crt`));
      await ok(['delete', 'pod', 'two', '--wait=false']);
    });

    test('automountServiceAccountToken: false (the pod\'s, or its account\'s unless the pod says true) gives no volume', async () => {
      await ok(['run', 'quiet', '--image=busybox', '--restart=Never', '--overrides={"spec":{"automountServiceAccountToken":false}}', '--', 'true']);
      assert.equal((await pod('default', 'quiet')).spec.volumes, undefined);
      await ok(['create', 'serviceaccount', 'builder']);
      await ok(['patch', 'sa', 'builder', '--type=merge', '-p', '{"automountServiceAccountToken":false}']);
      await ok(['run', 'built', '--image=busybox', '--restart=Never', '--overrides={"spec":{"serviceAccountName":"builder"}}', '--', 'true']);
      const built = await pod('default', 'built');
      assert.equal(built.spec.serviceAccountName, 'builder');
      assert.equal(built.spec.volumes, undefined);
      await ok(['run', 'asks', '--image=busybox', '--restart=Never', '--overrides={"spec":{"serviceAccountName":"builder","automountServiceAccountToken":true}}', '--', 'true']);
      assert.match((await pod('default', 'asks')).spec.volumes![0].name, /^kube-api-access-/);
      await ok(['delete', 'pod', 'quiet', 'built', 'asks', '--wait=false']);
    });

    test('a pod naming an account that does not exist is refused; a Deployment\'s pods get the volume too', async () => {
      const refused = await k(['run', 'lost', '--image=busybox', '--restart=Never', '--overrides={"spec":{"serviceAccountName":"nope"}}', '--', 'true']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /Error from server \(Forbidden\): pods "lost" is forbidden: error looking up service account default\/nope: serviceaccount "nope" not found/);
      // `create deployment web --image=busybox -- sleep 3600`, with no grace for its pods: deleted at
      // the end, they would keep the cluster's stop waiting the default 30 s for sleep's SIGKILL.
      const web = await ok(['create', 'deployment', 'web', '--image=busybox', '--dry-run=client', '-o', 'json', '--', 'sleep', '3600']);
      const deployment = JSON.parse(web) as { spec: { template: { spec: { terminationGracePeriodSeconds?: number } } } };
      deployment.spec.template.spec.terminationGracePeriodSeconds = 0;
      await ok(['create', '-f', '-'], JSON.stringify(deployment));
      const name = await waitFor('a pod of web', async () => (await ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])) || undefined);
      const p = await pod('default', name);
      assert.deepEqual(p.spec.containers[0].volumeMounts?.map((m) => m.mountPath), [MOUNT_PATH]);
      await ok(['delete', 'deployment', 'web', '--wait=false']);
    });

    test('mirror pods name no account and have no token volume', async () => {
      const out = await ok(['get', 'pods', '-n', 'kube-system', '-o', 'jsonpath={range .items[*]}{.metadata.name}:{.spec.serviceAccountName}:{.spec.volumes}{"\\n"}{end}']);
      const rows = out.trim().split('\n');
      assert.equal(rows.length, 2, out);
      for (const row of rows) assert.match(row, /^kube-(dns|proxy)-\S+::$/);
    });
  });
}
