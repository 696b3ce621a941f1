/**
 * @module Deployments, ReplicaSets and Pods written through the registry (RestStorage with the
 * kinds' strategies and metadata checks, as the API handler uses it): an invalid spec is a 422
 * with kube-apiserver's message; a valid one, defaults filled, is stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import { RESOURCES } from '../resources.js';
import type { KubeObject } from '../types.js';
import type { Strategy } from '../strategy.js';
import { validateMetadata } from '../../apiserver/registry/meta-validation.js';
import { RestStorage } from '../../apiserver/registry/rest-storage.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { podStrategy } from './pod.js';
import { deploymentStrategy, replicaSetStrategy } from './workloads.js';

const NS = 'default';

async function storageFor(group: string, resource: string, strategy: Strategy): Promise<RestStorage> {
  const info = RESOURCES.find((r) => r.group === group && r.resource === resource)!;
  return new RestStorage(info, await openMemoryStore(), { strategy, validateMeta: validateMetadata });
}

async function failure(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string; causes: string[] }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    const causes = (err.status.details?.causes ?? []).map((c) => `${c.field}|${c.reason}`);
    return { code: err.code, reason: err.status.reason ?? '', message: err.status.message ?? '', causes };
  }
  assert.fail('expected the write to fail');
}

/** What `kubectl create deployment web --image=nginx` sends, before defaults. */
function deployment(name: string, over: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
      ...over,
    },
  };
}

test('a Deployment whose selector does not match its template is refused as kube-apiserver does', async () => {
  const storage = await storageFor('apps', 'deployments', deploymentStrategy);
  const bad = deployment('x', { selector: { matchLabels: { app: 'other' } } });
  assert.deepEqual(await failure(storage.create(NS, bad)), {
    code: 422,
    reason: 'Invalid',
    message: 'Deployment.apps "x" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
    causes: ['spec.template.metadata.labels|FieldValueInvalid'],
  });
  const none = deployment('y', { selector: undefined, template: { metadata: { labels: { app: 'y' } }, spec: { containers: [] } } });
  assert.equal(
    (await failure(storage.create(NS, none))).message,
    'Deployment.apps "y" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`, spec.template.spec.containers: Required value]',
  );
});

test('a valid Deployment is stored with its defaults; its selector may not change, its replicas may', async () => {
  const storage = await storageFor('apps', 'deployments', deploymentStrategy);
  const created = await storage.create(NS, deployment('web', { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } } }] } } }));
  const container = ((created.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0]);
  assert.deepEqual(container.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.equal(container.imagePullPolicy, 'IfNotPresent');
  const scaled = await storage.guaranteedUpdate(NS, 'web', (cur) => ({ ...cur!, spec: { ...(cur!.spec as object), replicas: 3 } }));
  assert.equal((scaled.spec as { replicas: number }).replicas, 3);
  const moved = await failure(storage.guaranteedUpdate(NS, 'web', (cur) => {
    const spec = structuredClone(cur!.spec) as { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } };
    spec.selector.matchLabels.v = '2';
    spec.template.metadata.labels.v = '2';
    return { ...cur!, spec };
  }));
  assert.equal(moved.code, 422);
  assert.equal(moved.message, 'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
  const negative = await failure(storage.guaranteedUpdate(NS, 'web', (cur) => ({ ...cur!, spec: { ...(cur!.spec as object), replicas: -1 } })));
  assert.equal(negative.message, 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
});

test('a ReplicaSet as the deployment controller writes it validates; a bad one does not', async () => {
  const storage = await storageFor('apps', 'replicasets', replicaSetStrategy);
  const hash = '5d4f8c7b9';
  const labels = { app: 'web', 'pod-template-hash': hash };
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `web-${hash}`, labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
  };
  await storage.create(NS, rs);
  const bad = await failure(storage.create(NS, { ...rs, metadata: { name: 'bad' }, spec: { ...(rs.spec as object), template: { metadata: { labels }, spec: { restartPolicy: 'Never', containers: [{ name: 'nginx', image: 'nginx' }] } } } }));
  assert.equal(bad.message, 'ReplicaSet.apps "bad" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"');
});

test('a Pod without containers, or with a bad container, is refused; the update rule still holds', async () => {
  const storage = await storageFor('', 'pods', podStrategy);
  const pod = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });
  assert.equal((await failure(storage.create(NS, pod('empty', {})))).message, 'Pod "empty" is invalid: spec.containers: Required value');
  const bad = await failure(storage.create(NS, pod('bad', { restartPolicy: 'Sometimes', containers: [{ name: '', image: '', ports: [{ containerPort: 99999 }] }] })));
  assert.equal(bad.message, 'Pod "bad" is invalid: [spec.containers[0].name: Required value, spec.containers[0].image: Required value, spec.containers[0].ports[0].containerPort: Invalid value: 99999: must be between 1 and 65535, inclusive, spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"]');
  assert.deepEqual(bad.causes, ['spec.containers[0].name|FieldValueRequired', 'spec.containers[0].image|FieldValueRequired', 'spec.containers[0].ports[0].containerPort|FieldValueInvalid', 'spec.restartPolicy|FieldValueNotSupported']);
  // Init containers get the container defaults too, so a plain one is valid.
  await storage.create(NS, pod('ok', { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'scratch' }] }));
  // On the host's network a template's unset hostPort becomes the container port (SetDefaults_Pod).
  const hostNet = await storage.create(NS, pod('hostnet', { hostNetwork: true, containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 8080 }] }] }));
  assert.deepEqual((hostNet.spec as { containers: Array<{ ports: unknown[] }> }).containers[0].ports, [{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }]);
  const changed = await failure(storage.guaranteedUpdate(NS, 'ok', (cur) => ({ ...cur!, spec: { ...(cur!.spec as object), restartPolicy: 'Never' } })));
  assert.match(changed.message, /^Pod "ok" is invalid: spec: Forbidden: pod updates may not change fields other than/);
});
