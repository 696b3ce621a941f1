import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { buildDiscovery } from '../discovery.js';
import type { ApiHandler } from '../handler.js';
import type { HandlerRequest } from '../http-types.js';
import type { RestStorage } from '../registry/rest-storage.js';
import { podHandler } from './test-handler.js';

const NOW = Date.parse('2026-11-28T10:00:00Z');

interface Answer {
  status: number;
  json: KubeObject & { message?: string; reason?: string; details?: { causes?: Array<{ field: string; reason: string; message: string }> } };
}

type PodJson = KubeObject & { spec: { ephemeralContainers?: Array<Record<string, unknown>>; containers: Array<Record<string, unknown>> } };

describe('pods/ephemeralcontainers', () => {
  let handler: ApiHandler;
  let pods: RestStorage;

  const send = async (method: HandlerRequest['method'], path: string, body: unknown, contentType = 'application/json', query = ''): Promise<Answer> => {
    const req: HandlerRequest = {
      method,
      path: `/api/v1/namespaces/default/pods/${path}`,
      query: new URLSearchParams(query),
      headers: { 'content-type': contentType, accept: 'application/json' },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      inProcess: true,
    };
    const res = await handler.handle(req);
    assert.equal(res.kind, 'body');
    return { status: res.status, json: JSON.parse(res.kind === 'body' ? res.body.toString() : '{}') };
  };
  const ephemeral = async (name: string): Promise<Array<Record<string, unknown>> | undefined> => ((await pods.get('default', name)) as PodJson).spec.ephemeralContainers;

  before(async () => {
    ({ handler, pods } = await podHandler(NOW));
    for (const name of ['web', 'put', 'json', 'bad']) {
      const req: HandlerRequest = {
        method: 'POST', path: '/api/v1/namespaces/default/pods', query: new URLSearchParams('fieldManager=kubectl-run'), inProcess: true,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx' }] } })),
      };
      assert.equal((await handler.handle(req)).status, 201);
    }
  });

  test("kubectl debug's strategic merge patch adds one; GET answers the Pod; a second one joins it", async () => {
    // What kubectl 1.27-1.33 send: CreateTwoWayMergePatch of the pod and the pod with the container.
    const patch = { spec: { ephemeralContainers: [{ image: 'busybox', name: 'debugger-x1', resources: {}, stdin: true, targetContainerName: 'app', terminationMessagePolicy: 'File', tty: true }] } };
    const res = await send('PATCH', 'web/ephemeralcontainers', patch, 'application/strategic-merge-patch+json', 'fieldManager=kubectl-debug');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.kind, 'Pod');
    assert.deepEqual(await ephemeral('web'), [{ image: 'busybox', name: 'debugger-x1', resources: {}, stdin: true, targetContainerName: 'app', terminationMessagePolicy: 'File', tty: true, terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'Always' }]);
    const managed = res.json.metadata.managedFields?.find((m) => m.manager === 'kubectl-debug');
    assert.equal(managed?.subresource, 'ephemeralcontainers');
    assert.deepEqual(Object.keys((managed?.fieldsV1 as Record<string, Record<string, unknown>>)['f:spec']), ['f:ephemeralContainers']);
    const got = await send('GET', 'web/ephemeralcontainers', undefined);
    assert.equal(got.status, 200);
    assert.equal((got.json as PodJson).spec.ephemeralContainers?.length, 1);
    // With one there already, kubectl's two-way patch carries the list's order.
    const second = await send('PATCH', 'web/ephemeralcontainers', { spec: { '$setElementOrder/ephemeralContainers': [{ name: 'debugger-x1' }, { name: 'debugger-x2' }], ephemeralContainers: [{ image: 'busybox', name: 'debugger-x2' }] } }, 'application/strategic-merge-patch+json');
    assert.equal(second.status, 200);
    assert.deepEqual((await ephemeral('web'))?.map((c) => c.name), ['debugger-x1', 'debugger-x2']);
  });

  test('PUT takes a whole Pod and keeps only its spec.ephemeralContainers', async () => {
    const current = (await pods.get('default', 'put')) as PodJson;
    const body = structuredClone(current);
    body.metadata.labels = { sneaky: 'yes' };
    body.spec.containers[0].image = 'other';
    body.spec.ephemeralContainers = [{ name: 'dbg', image: 'busybox' }];
    body.status = { phase: 'Failed' };
    const res = await send('PUT', 'put/ephemeralcontainers', body);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const stored = (await pods.get('default', 'put')) as PodJson;
    assert.equal(stored.metadata.labels, undefined);
    assert.equal(stored.spec.containers[0].image, 'nginx');
    assert.deepEqual((stored.status as Record<string, unknown>).phase, 'Pending');
    assert.deepEqual(stored.spec.ephemeralContainers?.map((c) => c.name), ['dbg']);
  });

  test('JSON patch and JSON merge patch work too', async () => {
    const add = await send('PATCH', 'json/ephemeralcontainers', [{ op: 'add', path: '/spec/ephemeralContainers', value: [{ name: 'a', image: 'busybox' }] }], 'application/json-patch+json');
    assert.equal(add.status, 200, JSON.stringify(add.json));
    const merged = await send('PATCH', 'json/ephemeralcontainers', { spec: { ephemeralContainers: [{ name: 'a', image: 'busybox', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'Always', resources: {} }, { name: 'b', image: 'busybox' }] } }, 'application/merge-patch+json');
    assert.equal(merged.status, 200, JSON.stringify(merged.json));
    assert.deepEqual((await ephemeral('json'))?.map((c) => c.name), ['a', 'b']);
  });

  test('bad adds are 422 Invalid Status objects with field causes, as upstream', async () => {
    const smp = (c: Record<string, unknown>) => send('PATCH', 'bad/ephemeralcontainers', { spec: { ephemeralContainers: [c] } }, 'application/strategic-merge-patch+json');
    const target = await smp({ name: 'dbg', image: 'busybox', targetContainerName: 'nope' });
    assert.equal(target.status, 422);
    assert.equal(target.json.reason, 'Invalid');
    assert.equal(target.json.message, 'Pod "bad" is invalid: spec.ephemeralContainers[0].targetContainerName: Not found: "nope"');
    assert.deepEqual(target.json.details?.causes, [{ reason: 'FieldValueNotFound', message: 'Not found: "nope"', field: 'spec.ephemeralContainers[0].targetContainerName' }]);
    const dup = await smp({ name: 'app', image: 'busybox' });
    assert.equal(dup.json.message, 'Pod "bad" is invalid: spec.ephemeralContainers[0].name: Duplicate value: "app"');
    const ports = await smp({ name: 'dbg', image: 'busybox', ports: [{ containerPort: 80 }] });
    assert.equal(ports.json.message, 'Pod "bad" is invalid: spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container');
    assert.equal(await ephemeral('bad'), undefined);
    assert.equal((await smp({ name: 'dbg', image: 'busybox' })).status, 200);
    const removed = await send('PATCH', 'bad/ephemeralcontainers', [{ op: 'remove', path: '/spec/ephemeralContainers/0' }], 'application/json-patch+json');
    assert.equal(removed.status, 422);
    assert.equal(removed.json.message, 'Pod "bad" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed\n');
  });

  test('the main resource may not add them (PUT or patch of pods/NAME)', async () => {
    const res = await send('PATCH', 'web', { spec: { ephemeralContainers: [{ name: 'sneak', image: 'busybox' }] } }, 'application/strategic-merge-patch+json');
    assert.equal(res.status, 422);
    assert.match(String(res.json.message), /^Pod "web" is invalid: spec: Forbidden: pod updates may not change fields other than /);
    assert.deepEqual((await ephemeral('web'))?.map((c) => c.name), ['debugger-x1', 'debugger-x2']);
  });

  test('discovery lists pods/ephemeralcontainers (get, patch, update) in the legacy list and aggregated documents', () => {
    const docs = buildDiscovery('127.0.0.1:6443');
    const legacy = JSON.parse(docs.legacy.get('/api/v1')!) as { resources: Array<{ name: string; kind: string; verbs: string[] }> };
    assert.deepEqual(legacy.resources.find((r) => r.name === 'pods/ephemeralcontainers'), { name: 'pods/ephemeralcontainers', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    const agg = JSON.stringify(docs.aggregated.get('/api'));
    assert.ok(agg.includes('{"subresource":"ephemeralcontainers","responseKind":{"group":"","version":"v1","kind":"Pod"},"verbs":["get","patch","update"]}'));
  });

  test('OpenAPI documents its path with upstream\'s operation ids (v3 and v2)', async () => {
    for (const path of ['/openapi/v3/api/v1', '/openapi/v2']) {
      const res = await handler.handle({ method: 'GET', path, query: new URLSearchParams(), headers: { accept: 'application/json' }, inProcess: true });
      assert.equal(res.kind === 'body' && res.status, 200);
      const doc = JSON.parse(res.kind === 'body' ? res.body.toString() : '{}') as { paths: Record<string, Record<string, { operationId?: string }>> };
      const item = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/ephemeralcontainers'];
      assert.deepEqual([item.get.operationId, item.patch.operationId, item.put.operationId], ['readCoreV1NamespacedPodEphemeralcontainers', 'patchCoreV1NamespacedPodEphemeralcontainers', 'replaceCoreV1NamespacedPodEphemeralcontainers']);
    }
  });
});
