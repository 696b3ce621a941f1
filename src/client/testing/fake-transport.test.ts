/** @module Tests of the fake API server itself, so tests built on it can trust it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConflict, isGone, isNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject, WatchEvent } from '../../api/types.js';
import { Client } from '../client.js';
import { settle } from './fake-clock.js';
import { parsePath } from './fake-support.js';
import { FakeTransport } from './fake-transport.js';

const pods = findResource('', 'v1', 'pods')!;
const deployments = findResource('apps', 'v1', 'deployments')!;

test('paths parse into group, version, resource, namespace, name, subresource', () => {
  assert.deepEqual(parsePath('/api/v1/namespaces/ns/pods/x/status'), { group: '', version: 'v1', resource: 'pods', namespace: 'ns', name: 'x', subresource: 'status' });
  assert.deepEqual(parsePath('/apis/apps/v1/deployments'), { group: 'apps', version: 'v1', resource: 'deployments', namespace: '', name: '', subresource: '' });
  assert.deepEqual(parsePath('/api/v1/namespaces/kube-system'), { group: '', version: 'v1', resource: 'namespaces', namespace: '', name: 'kube-system', subresource: '' });
  assert.deepEqual(parsePath('/api/v1/namespaces/kube-system/finalize'), { group: '', version: 'v1', resource: 'namespaces', namespace: '', name: 'kube-system', subresource: 'finalize' });
});

test('actions are recorded as client-go names them', async () => {
  const fake = new FakeTransport();
  const d = new Client(fake).resource(deployments);
  await d.create({ metadata: { namespace: 'ns', name: 'web' }, spec: { replicas: 1 } });
  await d.patch('web', { spec: { replicas: 2 } }, { namespace: 'ns' });
  await d.delete('web', { namespace: 'ns' });
  assert.deepEqual(fake.actions.map((a) => `${a.verb} ${a.resource} ${a.namespace}/${a.name}`), [
    'create deployments.apps ns/web',
    'patch deployments.apps ns/web',
    'delete deployments.apps ns/web',
  ]);
});

test('merge patch, status subresource, generation and preconditions', async () => {
  const fake = new FakeTransport();
  const d = new Client(fake).resource(deployments);
  await d.create({ metadata: { namespace: 'ns', name: 'web', labels: { a: '1', b: '2' } }, spec: { replicas: 1 } });
  const patched = await d.patch('web', { metadata: { labels: { b: null, c: '3' } }, spec: { replicas: 2 } }, { namespace: 'ns' });
  assert.deepEqual(patched.metadata.labels, { a: '1', c: '3' });
  assert.equal(patched.metadata.generation, 2);
  const withStatus = await d.updateStatus({ ...patched, spec: { replicas: 99 }, status: { readyReplicas: 2 } });
  assert.deepEqual([withStatus.spec, withStatus.status, withStatus.metadata.generation], [{ replicas: 2 }, { readyReplicas: 2 }, 2]);
  await assert.rejects(d.delete('web', { namespace: 'ns', preconditions: { uid: 'other' } }), isConflict);
  await assert.rejects(d.delete('nope', { namespace: 'ns' }), isNotFound);
});

test('finalizers hold a deleted object until an update clears them', async () => {
  const fake = new FakeTransport();
  const p = new Client(fake).resource(pods);
  await p.create({ metadata: { namespace: 'ns', name: 'a', finalizers: ['kubito/x'] } });
  const marked = (await p.delete('a', { namespace: 'ns' })) as KubeObject;
  assert.ok(marked.metadata.deletionTimestamp);
  const current = await p.get('a', { namespace: 'ns' });
  await p.update({ ...current, metadata: { ...current.metadata, finalizers: [] } });
  await assert.rejects(p.get('a', { namespace: 'ns' }), isNotFound);
});

test('watches replay history from a version, start with the current state without one, and 410 once compacted', async () => {
  const fake = new FakeTransport();
  const p = new Client(fake).resource(pods);
  fake.set(pods, { metadata: { namespace: 'ns', name: 'a' } });
  fake.set(pods, { metadata: { namespace: 'ns', name: 'b' } });
  const seen: string[] = [];
  const onEvent = (e: WatchEvent) => seen.push(`${e.type} ${e.object.metadata.name}`);
  const fromOne = await p.watch({ resourceVersion: '1' }, { onEvent, onClose() {} });
  await settle();
  assert.deepEqual(seen, ['ADDED b']);
  fromOne.stop();
  seen.length = 0;
  const fromNow = await p.watch({ namespace: 'ns' }, { onEvent, onClose() {} });
  await settle();
  assert.deepEqual(seen, ['ADDED a', 'ADDED b']);
  fromNow.stop();
  fake.compact();
  await assert.rejects(p.watch({ resourceVersion: '1' }, { onEvent, onClose() {} }), isGone);
});

test('field selectors match dotted paths, as the kubelet watches its pods', async () => {
  const fake = new FakeTransport();
  fake.set(pods, { metadata: { namespace: 'ns', name: 'a' }, spec: { nodeName: 'n1' } });
  fake.set(pods, { metadata: { namespace: 'ns', name: 'b' }, spec: { nodeName: 'n2' } });
  fake.set(pods, { metadata: { namespace: 'ns', name: 'c' } });
  const p = new Client(fake).resource(pods);
  const names = async (fieldSelector: string) => (await p.list({ fieldSelector })).items.map((i) => i.metadata.name);
  assert.deepEqual(await names('spec.nodeName=n1'), ['a']);
  assert.deepEqual(await names('spec.nodeName!=n1,metadata.namespace=ns'), ['b', 'c']);
  assert.deepEqual(await names('spec.nodeName='), ['c']);
});
