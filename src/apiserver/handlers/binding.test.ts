import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import type { ApiHandler } from '../handler.js';
import type { RestStorage } from '../registry/rest-storage.js';
import { podHandler, postPodSubresource } from './test-handler.js';
import { bindPod, validateBinding } from './binding.js';

const NOW = Date.parse('2026-11-28T10:00:00Z');

function pod(name: string, extra: Partial<{ nodeName: string; gates: boolean }> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(extra.nodeName ? { nodeName: extra.nodeName } : {}), ...(extra.gates ? { schedulingGates: [{ name: 'wait' }] } : {}) },
  };
}

describe('pods/binding', () => {
  let handler: ApiHandler;
  let pods: RestStorage;

  const post = (name: string, body: unknown, query = '') => postPodSubresource<{ message?: string; reason?: string; status?: string; code?: number; details?: { kind?: string } }>(handler, name, 'binding', body, query);
  const binding = (name: string, node = 'node-1', meta: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name, ...meta }, target: { apiVersion: 'v1', kind: 'Node', name: node } });

  before(async () => {
    ({ handler, pods } = await podHandler(NOW));
    for (const p of [pod('a'), pod('b', { nodeName: 'other' }), pod('gated', { gates: true }), pod('c'), pod('d')]) await pods.create('default', p);
  });

  test('binds: spec.nodeName, annotations, PodScheduled=True; answers Status Success 201', async () => {
    const res = await post('a', binding('a', 'node-1', { annotations: { 'scheduler.alpha/why': 'fits' } }));
    assert.deepEqual([res.status, res.json], [201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }]);
    const bound = (await pods.get('default', 'a')) as KubeObject & { spec: { nodeName: string }; status: { conditions: unknown[]; phase: string } };
    assert.equal(bound.spec.nodeName, 'node-1');
    assert.equal(bound.metadata.annotations?.['scheduler.alpha/why'], 'fits');
    assert.deepEqual(bound.status.conditions, [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-28T10:00:00Z' }]);
    assert.equal(bound.status.phase, 'Pending');
  });

  test('already assigned, gated: 409 on pods/binding in upstream\'s words', async () => {
    const again = await post('a', binding('a', 'node-2'));
    assert.equal(again.status, 409);
    assert.equal(again.json.message, 'Operation cannot be fulfilled on pods/binding "a": pod a is already assigned to node "node-1"');
    assert.deepEqual([again.json.reason, again.json.details?.kind], ['Conflict', 'pods/binding']);
    assert.equal((await post('b', binding('b'))).json.message, 'Operation cannot be fulfilled on pods/binding "b": pod b is already assigned to node "other"');
    assert.equal((await post('gated', binding('gated'))).json.message, 'Operation cannot be fulfilled on pods/binding "gated": pod gated has non-empty .spec.schedulingGates');
  });

  test('preconditions: a stale uid is a 409 on pods', async () => {
    const res = await post('c', binding('c', 'node-1', { uid: 'not-the-uid' }));
    assert.equal(res.status, 409);
    assert.match(res.json.message!, /^Operation cannot be fulfilled on pods "c": Precondition failed: UID in precondition: not-the-uid, UID in object meta: [0-9a-f-]{36}$/);
    const current = await pods.get('default', 'c');
    assert.equal((await post('c', binding('c', 'node-1', { uid: current.metadata.uid, resourceVersion: current.metadata.resourceVersion }))).status, 201);
  });

  test('bad requests: name mismatch, missing pod, missing target, dryRun leaves the pod', async () => {
    const mismatch = await post('d', binding('x'));
    assert.deepEqual([mismatch.status, mismatch.json.message], [400, 'name in URL does not match name in Binding object']);
    const missing = await post('nope', binding('nope'));
    assert.deepEqual([missing.status, missing.json.message], [404, 'pods "nope" not found']);
    const noTarget = await post('d', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'd' }, target: {} });
    assert.deepEqual([noTarget.status, noTarget.json.message], [500, 'target.name: Required value']);
    const wrongKind = await post('d', { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'd' } });
    assert.equal(wrongKind.status, 400);
    assert.equal((await post('d', binding('d'), 'dryRun=All')).status, 201);
    assert.equal(((await pods.get('default', 'd')) as KubeObject & { spec: { nodeName?: string } }).spec.nodeName, undefined);
  });

  test('validateBinding and bindPod are pure', () => {
    assert.deepEqual(validateBinding({ apiVersion: 'v1', kind: 'Binding', metadata: {}, target: { kind: 'Pod', name: 'x' } } as never), ['target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"']);
    const deleting = { ...pod('z'), metadata: { name: 'z', deletionTimestamp: '2026-01-01T00:00:00Z' } };
    assert.equal(bindPod(deleting, 'n', { now: NOW }), 'pod z is being deleted, cannot be assigned to a host');
    const scheduledFalse = { ...pod('y'), status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: '2026-01-01T00:00:00Z' }] } };
    const bound = bindPod(scheduledFalse, 'n', { now: NOW }) as KubeObject & { status: { conditions: unknown[] } };
    assert.deepEqual(bound.status.conditions, [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-28T10:00:00Z' }]);
  });
});
