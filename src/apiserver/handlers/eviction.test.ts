import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import type { ApiHandler } from '../handler.js';
import type { RestStorage } from '../registry/rest-storage.js';
import { podHandler, postPodSubresource } from './test-handler.js';

const NOW = Date.parse('2026-11-30T06:00:00Z');

function pod(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox' }] } };
}

describe('pods/eviction', () => {
  let handler: ApiHandler;
  let pods: RestStorage;
  const post = (name: string, body: unknown, query = '') => postPodSubresource<{ message?: string; reason?: string; status?: string; code?: number; details?: object }>(handler, name, 'eviction', body, query);
  const eviction = (name: string, deleteOptions?: object, apiVersion = 'policy/v1') => ({ apiVersion, kind: 'Eviction', metadata: { name, namespace: 'default' }, ...(deleteOptions ? { deleteOptions } : {}) });
  type Stored = KubeObject & { status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } };
  const stored = async (name: string) => (await pods.get('default', name)) as Stored;

  before(async () => {
    ({ handler, pods } = await podHandler(NOW));
    for (const name of ['a', 'b', 'c', 'd', 'e']) await pods.create('default', pod(name));
  });

  test('evicts: DisruptionTarget=True (EvictionByEvictionAPI), then a graceful delete; Status Success 201', async () => {
    const res = await post('a', eviction('a'));
    assert.deepEqual([res.status, res.json], [201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }]);
    const a = await stored('a');
    assert.ok(a.metadata.deletionTimestamp, 'a pod on a node is deleted gracefully: it stays until its kubelet is done');
    assert.equal(a.metadata.deletionGracePeriodSeconds, 30);
    assert.deepEqual(a.status?.conditions?.find((c) => c.type === 'DisruptionTarget'), { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: '2026-11-30T06:00:00Z' });
    assert.equal((await post('b', eviction('b', { gracePeriodSeconds: 0 }, 'policy/v1beta1'))).status, 201, 'v1beta1 too; deleteOptions apply');
    await assert.rejects(pods.get('default', 'b'), /not found/);
  });

  test('dry run: nothing changes', async () => {
    assert.equal((await post('c', eviction('c'), 'dryRun=All')).status, 201);
    assert.equal((await stored('c')).metadata.deletionTimestamp, undefined);
    assert.equal((await stored('c')).status?.conditions?.some((c) => c.type === 'DisruptionTarget') ?? false, false);
  });

  test('refusals as upstream words them', async () => {
    assert.deepEqual(pick(await post('c', eviction('d'))), [400, 'BadRequest', 'name in URL does not match name in Eviction object']);
    assert.deepEqual(pick(await post('c', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'c' } })), [400, 'BadRequest', 'the object provided is unrecognized (must be of type Eviction): Binding in version "v1" cannot be handled as a Eviction']);
    assert.deepEqual(pick(await post('gone', eviction('gone'))), [404, 'NotFound', 'pods "gone" not found']);
    const d = await stored('d');
    const res = await post('d', eviction('d', { preconditions: { uid: 'other' } }));
    assert.deepEqual([res.status, res.json.reason, res.json.message, res.json.details], [409, 'Conflict', `Operation cannot be fulfilled on Pod "d": the UID in the precondition (other) does not match the UID in record (${d.metadata.uid}). The object might have been deleted and then recreated`, { name: 'd', kind: 'Pod' }]);
    const stale = await post('d', eviction('d', { preconditions: { resourceVersion: '1' } }));
    assert.deepEqual([stale.status, stale.json.message], [409, `Operation cannot be fulfilled on Pod "d": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${d.metadata.resourceVersion}). The object might have been modified`]);
    assert.equal((await stored('d')).metadata.deletionTimestamp, undefined, 'nothing written');
    const e = await stored('e');
    assert.equal((await post('e', eviction('e', { preconditions: { resourceVersion: e.metadata.resourceVersion } }))).status, 201, 'a resourceVersion precondition still holds after the condition is written');
  });
});

function pick(res: { status: number; json: { reason?: string; message?: string } }): [number, string | undefined, string | undefined] {
  return [res.status, res.json.reason, res.json.message];
}
