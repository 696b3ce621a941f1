/** @module Tests of the REST client: URLs, queries, bodies and content types per verb, and its behaviour against the fake server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, isAlreadyExists, isConflict, isNotFound } from '../api/errors.js';
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { Client, resourcePath, type ResourceRef } from './client.js';
import { FakeTransport } from './testing/fake-transport.js';
import type { ApiRequest, Transport } from './transport.js';

const pods = findResource('', 'v1', 'pods')!;
const nodes = findResource('', 'v1', 'nodes')!;
const deployments = findResource('apps', 'v1', 'deployments')!;
const namespaces = findResource('', 'v1', 'namespaces')!;

/** Records requests and answers `{}`. */
class RecordingTransport implements Transport {
  requests: ApiRequest[] = [];
  async request<T>(req: ApiRequest): Promise<T> {
    this.requests.push(req);
    return { metadata: {}, items: [] } as T;
  }
  async watch(req: ApiRequest) {
    this.requests.push(req);
    return { stop() {} };
  }
}

test('paths: core and groups, namespaced and cluster-scoped, names and subresources', () => {
  const rows: Array<[ResourceRef, Parameters<typeof resourcePath>[1], string]> = [
    [pods, { namespace: 'ns', name: 'x', subresource: 'status' }, '/api/v1/namespaces/ns/pods/x/status'],
    [pods, {}, '/api/v1/pods'],
    [pods, { namespace: '' }, '/api/v1/pods'],
    [deployments, { namespace: 'default' }, '/apis/apps/v1/namespaces/default/deployments'],
    [deployments, { namespace: 'default', name: 'web', subresource: 'scale' }, '/apis/apps/v1/namespaces/default/deployments/web/scale'],
    [nodes, { namespace: 'ignored', name: 'n1' }, '/api/v1/nodes/n1'],
    [namespaces, { name: 'kube-system', subresource: 'finalize' }, '/api/v1/namespaces/kube-system/finalize'],
    [pods, { namespace: 'ns', name: 'a b/c' }, '/api/v1/namespaces/ns/pods/a%20b%2Fc'],
  ];
  for (const [ref, options, want] of rows) assert.equal(resourcePath(ref, options), want);
});

test('each verb sends the method, path, query, body and content type kube-apiserver expects', async () => {
  const t = new RecordingTransport();
  const c = new Client(t);
  const podObj: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'ns', name: 'p', resourceVersion: '5' } };
  await c.resource(pods).get('p', { namespace: 'ns' });
  await c.resource(pods).list({ labelSelector: 'app=web', fieldSelector: 'spec.nodeName=n1', limit: 10, continue: 'tok', resourceVersion: '0' });
  await c.resource(pods).create(podObj, { dryRun: true, fieldManager: 'kubito' });
  await c.resource(pods).update(podObj);
  await c.resource(pods).updateStatus(podObj, { namespace: 'other' });
  await c.resource(deployments).patch('web', { spec: { replicas: 3 } }, { namespace: 'ns', type: 'apply', fieldManager: 'kubectl', force: true });
  await c.resource(pods).delete('p', { namespace: 'ns', propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u1' } });
  await c.resource(pods).watch({ namespace: 'ns', resourceVersion: '7', allowWatchBookmarks: true, timeoutSeconds: 300 }, { onEvent() {}, onClose() {} });
  const seen = t.requests.map((r) => ({
    line: `${r.method} ${r.path}`,
    query: Object.fromEntries(Object.entries(r.query ?? {}).filter(([, v]) => v !== undefined)),
    ...(r.contentType ? { contentType: r.contentType } : {}),
  }));
  assert.deepEqual(seen, [
    { line: 'GET /api/v1/namespaces/ns/pods/p', query: {} },
    { line: 'GET /api/v1/pods', query: { labelSelector: 'app=web', fieldSelector: 'spec.nodeName=n1', limit: '10', continue: 'tok', resourceVersion: '0' } },
    { line: 'POST /api/v1/namespaces/ns/pods', query: { dryRun: 'All', fieldManager: 'kubito' } },
    { line: 'PUT /api/v1/namespaces/ns/pods/p', query: {} },
    { line: 'PUT /api/v1/namespaces/other/pods/p/status', query: {} },
    { line: 'PATCH /apis/apps/v1/namespaces/ns/deployments/web', query: { fieldManager: 'kubectl', force: 'true' }, contentType: 'application/apply-patch+yaml' },
    { line: 'DELETE /api/v1/namespaces/ns/pods/p', query: {} },
    { line: 'GET /api/v1/namespaces/ns/pods', query: { resourceVersion: '7', allowWatchBookmarks: 'true', timeoutSeconds: '300' } },
  ]);
  assert.deepEqual(t.requests[6].body, {
    kind: 'DeleteOptions',
    apiVersion: 'v1',
    propagationPolicy: 'Foreground',
    gracePeriodSeconds: 0,
    preconditions: { uid: 'u1' },
  });
  assert.deepEqual(t.requests[2].body, podObj);
});

test('patch types map to their content types', async () => {
  const t = new RecordingTransport();
  const r = new Client(t).resource(nodes);
  for (const type of ['merge', 'strategic', 'json'] as const) await r.patch('n1', {}, { type });
  await r.patch('n1', {});
  assert.deepEqual(t.requests.map((q) => q.contentType), [
    'application/merge-patch+json',
    'application/strategic-merge-patch+json',
    'application/json-patch+json',
    'application/merge-patch+json',
  ]);
});

test('a namespaced verb without a namespace, or a missing name, rejects with 400 before sending', async () => {
  const t = new RecordingTransport();
  const r = new Client(t).resource(pods);
  await assert.rejects(r.get('p'), (err: unknown) => err instanceof StatusError && err.code === 400 && /namespace is required/.test(err.message));
  await assert.rejects(r.create({ metadata: { name: 'p' } }), (err: unknown) => err instanceof StatusError && err.code === 400);
  await assert.rejects(r.delete('', { namespace: 'ns' }), (err: unknown) => err instanceof StatusError && /name may not be empty/.test(err.message));
  assert.equal(t.requests.length, 0);
});

test('against the fake server: create, list with kinds filled in, conflicts, not found', async () => {
  const fake = new FakeTransport();
  const r = new Client(fake).resource(pods);
  const created = await r.create({ metadata: { namespace: 'ns', name: 'a', labels: { app: 'web' } } });
  assert.equal(created.metadata.resourceVersion, '1');
  await r.create({ metadata: { name: 'b', labels: { app: 'db' } } }, { namespace: 'ns' });
  await assert.rejects(r.create({ metadata: { namespace: 'ns', name: 'a' } }), isAlreadyExists);
  const list = await r.list({ namespace: 'ns', labelSelector: 'app in (web)' });
  assert.deepEqual(list.items.map((p) => [p.apiVersion, p.kind, p.metadata.name]), [['v1', 'Pod', 'a']]);
  assert.equal(list.metadata.resourceVersion, '2');
  await assert.rejects(r.update({ ...created, metadata: { ...created.metadata, resourceVersion: '0' } }), isConflict);
  const updated = await r.update({ ...created, spec: { nodeName: 'n1' } });
  assert.equal(updated.metadata.generation, 2);
  await assert.rejects(r.get('zzz', { namespace: 'ns' }), isNotFound);
  await r.delete('a', { namespace: 'ns' });
  await assert.rejects(r.get('a', { namespace: 'ns' }), isNotFound);
});
