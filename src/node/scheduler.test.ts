import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newBadRequest } from '../api/errors.js';
import { Client } from '../client/index.js';
import { FakeTransport } from '../client/testing/fake-transport.js';
import { PODS } from './api-refs.js';
import type { Pod } from './pod-view.js';
import { podFits, Scheduler, wantsScheduling } from './scheduler.js';

function pod(spec: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: '' }, spec: { containers: [{ name: 'c' }], ...spec } };
}

test('which pods are ours to schedule, and whether they fit', () => {
  assert.ok(wantsScheduling(pod()));
  assert.ok(!wantsScheduling(pod({ nodeName: 'n1' })));
  assert.ok(!wantsScheduling(pod({ schedulerName: 'other' })));
  assert.ok(podFits(pod({ nodeSelector: { 'kubernetes.io/os': 'linux' } }), { 'kubernetes.io/os': 'linux' }).fits);
  assert.match(podFits(pod({ nodeSelector: { disk: 'ssd' } }), {}).message!, /^0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector\./);
});

test('binding; while pods/binding is not served, nodeName and PodScheduled are set directly', async () => {
  const fake = new FakeTransport();
  const stored = fake.set(PODS, pod()) as Pod;
  fake.inject((a) => (a.subresource === 'binding' ? newBadRequest('the server does not serve pods/binding yet') : undefined));
  const events: string[] = [];
  const scheduler = new Scheduler(new Client(fake), { nodeName: 'kubito-node', nodeLabels: () => ({}), events: { event: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`) } });
  await scheduler.schedule(stored);
  const after = fake.object(PODS, { namespace: 'default', name: 'web' }) as Pod;
  assert.equal(after.spec.nodeName, 'kubito-node');
  assert.deepEqual(after.status?.conditions?.map((c) => [c.type, c.status]), [['PodScheduled', 'True']]);
  assert.deepEqual(events, ['Normal Scheduled Successfully assigned default/web to kubito-node']);
  assert.deepEqual(fake.actions.map((a) => `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}`), ['create pods/binding', 'patch pods', 'patch pods/status']);
});

test('a pod that does not fit: PodScheduled=False/Unschedulable and FailedScheduling, once', async () => {
  const fake = new FakeTransport();
  const stored = fake.set(PODS, pod({ nodeSelector: { disk: 'ssd' } })) as Pod;
  const events: string[] = [];
  const scheduler = new Scheduler(new Client(fake), { nodeName: 'n', nodeLabels: () => ({}), events: { event: (_o, _t, reason) => events.push(reason) } });
  await scheduler.schedule(stored);
  const after = fake.object(PODS, { namespace: 'default', name: 'web' }) as Pod;
  assert.equal(after.spec.nodeName, undefined);
  assert.deepEqual(after.status?.conditions?.map((c) => [c.type, c.status, c.reason]), [['PodScheduled', 'False', 'Unschedulable']]);
  await scheduler.schedule(after);
  assert.deepEqual(events, ['FailedScheduling']);
});
