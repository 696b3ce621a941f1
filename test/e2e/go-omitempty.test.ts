/**
 * @module Stored objects have the shape kube-apiserver's Go encoding gives them: a field tagged
 * `omitempty` (not a pointer, not a struct) at its zero value is not there. With the real
 * kubectl (1.27, 1.32, 1.33): `kubectl diff -f` of what `kubectl create -f` just made prints
 * nothing and exits 0 (its dry-run strategic merge patch carries `metadata.annotations: {}`,
 * which upstream's decode drops); `apply` of `labels: {}` and `selector: {}` stores neither; a
 * Deployment scaled to 0 reads READY 0/0 with upstream's status (no `replicas`); and no object
 * in the cluster — the controllers' and the node agent's writes included — carries such a zero
 * value.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFINITIONS } from '../../src/api/schema/registry.js';
import { GO_OMITEMPTY, type GoZeroKind } from '../../src/api/schema/go-omitempty.js';
import type { Schema } from '../../src/api/schema/types.js';
import { startCluster, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: 8080
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: nginx
        image: nginx
        args: []
        stdin: false
        ports:
        - containerPort: 80
          hostPort: 0
`;

/** A Service whose labels and selector are empty maps: Go's decode and encode leave out both. */
const EMPTY_MAPS = `apiVersion: v1
kind: Service
metadata:
  name: empty
  labels: {}
spec:
  selector: {}
  clusterIP: ""
  ports:
  - port: 81
    nodePort: 0
`;

const isZero: Record<GoZeroKind, (v: unknown) => boolean> = {
  string: (v) => v === '',
  bytes: (v) => v === '',
  bool: (v) => v === false,
  number: (v) => v === 0,
  list: (v) => Array.isArray(v) && v.length === 0,
  map: (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 0,
};

/** The paths in `value` (of definition or schema `schema`) of omitempty fields at their zero value. */
function zeroFields(value: unknown, schema: Schema, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object') return;
  const s = schema.ref !== undefined ? DEFINITIONS[schema.ref] : schema;
  if (!s) return;
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => zeroFields(v, s.items!, `${path}[${i}]`, out));
    return;
  }
  const record = value as Record<string, unknown>;
  if (s.properties) {
    const omit = schema.ref !== undefined ? GO_OMITEMPTY[schema.ref] : undefined;
    for (const [key, v] of Object.entries(record)) {
      const kind = omit?.[key];
      if (kind && isZero[kind](v)) out.push(`${path}.${key}: ${JSON.stringify(v)}`);
      if (s.properties[key]) zeroFields(v, s.properties[key], `${path}.${key}`, out);
    }
  } else if (s.additionalProperties) {
    for (const [key, v] of Object.entries(record)) zeroFields(v, s.additionalProperties, `${path}[${key}]`, out);
  }
}

/** The OpenAPI definition of an object's apiVersion and kind (`apps/v1` Deployment: io.k8s.api.apps.v1.Deployment). */
function definitionOf(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  return `io.k8s.api.${group.replace(/\.k8s\.io$/, '')}.${version}.${kind}`;
}

interface Item {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

for (const version of ['1.27', '1.32', '1.33']) {
  describe(`zero values Go's encoding leaves out, kubectl ${version}`, { timeout: 180_000 }, () => {
    let cluster: Cluster;
    const ns = `omit-${version.replace('.', '')}`;
    const k = (args: string[], input?: string) => cluster.kubectl([...args, '-n', ns], { version, input });
    const ok = (args: string[], input?: string) => cluster.kubectlOk([...args, '-n', ns], { version, input });

    before(async () => {
      cluster = await startCluster();
      await cluster.kubectlOk(['create', 'namespace', ns], { version });
      writeFileSync(join(cluster.dir, 'svc.yaml'), SERVICE);
      writeFileSync(join(cluster.dir, 'deploy.yaml'), DEPLOYMENT);
    });
    after(async () => cluster?.stop());

    test('diff -f of what create -f made prints nothing and exits 0', async () => {
      for (const file of ['svc.yaml', 'deploy.yaml']) await ok(['create', '-f', join(cluster.dir, file)]);
      // The Deployment's status settles first (a status write between diff's two reads is a real difference).
      await ok(['rollout', 'status', 'deploy/web', '--timeout=90s']);
      for (const file of ['svc.yaml', 'deploy.yaml']) {
        const diff = await k(['diff', '-f', join(cluster.dir, file)]);
        assert.deepEqual({ code: diff.code, stdout: diff.stdout, stderr: diff.stderr }, { code: 0, stdout: '', stderr: '' }, file);
      }
      const container = JSON.parse(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0]}'])) as Record<string, unknown>;
      assert.equal('args' in container || 'stdin' in container, false, JSON.stringify(container));
      assert.deepEqual(container.ports, [{ containerPort: 80, protocol: 'TCP' }]);
    });

    test('apply of labels: {} and selector: {} stores neither', async () => {
      await ok(['apply', '-f', '-'], EMPTY_MAPS);
      const svc = JSON.parse(await ok(['get', 'svc', 'empty', '-o', 'json'])) as { metadata: Record<string, unknown>; spec: Record<string, unknown> & { ports: Array<Record<string, unknown>> } };
      assert.equal('labels' in svc.metadata, false, JSON.stringify(svc.metadata));
      assert.equal('selector' in svc.spec, false, JSON.stringify(svc.spec));
      assert.match(String(svc.spec.clusterIP), /^10\./, 'an empty clusterIP is allocated');
      assert.equal('nodePort' in svc.spec.ports[0], false);
      // A second apply of the same file: its three-way patch still names the empty maps (the live
      // object lacks them), so kubectl says configured, as against kube-apiserver; nothing changes.
      const before = await ok(['get', 'svc', 'empty', '-o', 'jsonpath={.spec}']);
      assert.match(await ok(['apply', '-f', '-'], EMPTY_MAPS), /service\/empty configured/);
      assert.equal(await ok(['get', 'svc', 'empty', '-o', 'jsonpath={.spec}']), before);
      const diff = await k(['diff', '-f', '-'], EMPTY_MAPS);
      assert.deepEqual({ code: diff.code, stdout: diff.stdout }, { code: 0, stdout: '' });
    });

    test('a Deployment scaled to 0: READY 0/0, no status.replicas, a Scale of no spec.replicas', async () => {
      await ok(['scale', 'deploy', 'web', '--replicas=0']);
      const status = await waitFor('the scaled-down status', async () => {
        const d = JSON.parse(await ok(['get', 'deploy', 'web', '-o', 'json'])) as { metadata: { generation: number }; spec: { replicas: number }; status: Record<string, unknown> };
        return d.status.observedGeneration === d.metadata.generation && !('replicas' in d.status) ? d : undefined;
      }, 60_000);
      assert.equal(status.spec.replicas, 0, 'spec.replicas is a pointer: 0 stays');
      for (const key of ['replicas', 'readyReplicas', 'availableReplicas', 'updatedReplicas', 'unavailableReplicas']) assert.equal(key in status.status, false, key);
      assert.match(await ok(['get', 'deploy', 'web']), /\nweb\s+0\/0\s+0\s+0\s+/);
      assert.match(await ok(['rollout', 'status', 'deploy/web', '--timeout=30s']), /successfully rolled out/);
      const scale = JSON.parse(await cluster.kubectlOk(['get', '--raw', `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`], { version })) as { spec: Record<string, unknown>; status: Record<string, unknown> };
      assert.deepEqual(scale.spec, {});
      assert.equal(scale.status.replicas, 0, 'ScaleStatus.replicas has no omitempty');
      // And back up through the scale subresource.
      await ok(['scale', 'deploy', 'web', '--replicas=1']);
      assert.equal(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '1');
    });

    test('no stored object carries an omitempty zero value', async () => {
      const kinds = 'namespaces,nodes,services,endpoints,endpointslices,deployments,replicasets,pods,serviceaccounts,configmaps,secrets,events,leases';
      const list = JSON.parse(await cluster.kubectlOk(['get', kinds, '-A', '-o', 'json'], { version })) as { items: Item[] };
      const found: string[] = [];
      let checked = 0;
      for (const item of list.items) {
        const def = definitionOf(item.apiVersion, item.kind);
        if (!DEFINITIONS[def]) continue;
        checked++;
        zeroFields(item, { ref: def }, `${item.kind} ${item.metadata.namespace ?? ''}/${item.metadata.name}`, found);
      }
      assert.ok(checked > 20, `${checked} objects checked`);
      assert.deepEqual(found, []);
    });
  });
}
