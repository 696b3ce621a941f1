/** @module Event names as client-go makes them: `<object>.<UnixNano in hex>`, in the order the events happened. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import { Client } from '../../client/index.js';
import { FakeClock, settle } from '../../client/testing/fake-clock.js';
import { FakeTransport } from '../../client/testing/fake-transport.js';
import { ClientEventRecorder } from './recorder.js';

const EVENTS = findResource('', 'v1', 'events')!;

test('events of one millisecond get names in the order they happened; a repeat folds into its first', async () => {
  const fake = new FakeTransport();
  const clock = new FakeClock(1_700_000_000_123);
  const recorder = new ClientEventRecorder(new Client(fake), { component: 'kubelet', clock });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' } };
  for (const reason of ['Scheduled', 'Pulled', 'Created', 'Started']) recorder.event(pod, 'Normal', reason, reason.toLowerCase());
  recorder.event(pod, 'Normal', 'Started', 'started');
  await settle();
  const created = fake.actions.filter((a) => a.verb === 'create').map((a) => (a.object as { metadata: { name: string }; reason: string }));
  assert.deepEqual(created.map((e) => e.reason), ['Scheduled', 'Pulled', 'Created', 'Started']);
  const names = created.map((e) => e.metadata.name);
  const nanos = BigInt(`0x${names[0].slice('web.'.length)}`);
  assert.ok(nanos >= 1_700_000_000_123n * 1_000_000n && nanos < 1_700_000_000_124n * 1_000_000n, `${names[0]}: the clock's ms, in ns`);
  assert.deepEqual([...names].sort(), names, 'names sort as the events happened');
  assert.equal(new Set(names).size, 4);
  assert.equal(fake.actions.filter((a) => a.verb === 'patch').length, 1);
  const listed = fake.object(EVENTS, { namespace: 'default', name: names[3] }) as { count?: number } | undefined;
  assert.equal(listed?.count, 2);
});

test('two recorders (the scheduler and the kubelet) in one ms never give one object two events of one name', async () => {
  const fake = new FakeTransport();
  const clock = new FakeClock(1_700_000_000_000);
  const scheduler = new ClientEventRecorder(new Client(fake), { component: 'default-scheduler', clock });
  const kubelet = new ClientEventRecorder(new Client(fake), { component: 'kubelet', clock });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' } };
  for (let i = 0; i < 50; i++) {
    scheduler.event(pod, 'Normal', 'Scheduled', `s${i}`);
    kubelet.event(pod, 'Normal', 'Pulled', `p${i}`);
  }
  await settle();
  const names = fake.actions.filter((a) => a.verb === 'create').map((a) => (a.object as { metadata: { name: string } }).metadata.name);
  assert.equal(names.length, 100);
  assert.equal(new Set(names).size, 100);
  assert.deepEqual([...names].sort(), names);
});

test('an event sent later with the stamp of when it happened carries that name and time', async () => {
  const fake = new FakeTransport();
  const clock = new FakeClock(1_700_000_000_000);
  const recorder = new ClientEventRecorder(new Client(fake), { component: 'default-scheduler', clock });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' } };
  const at = recorder.stamp();
  await clock.advance(3_000);
  recorder.event(pod, 'Normal', 'Started', 'now');
  recorder.event(pod, 'Normal', 'Scheduled', 'then', at);
  await settle();
  const created = fake.actions.filter((a) => a.verb === 'create').map((a) => a.object as { metadata: { name: string }; reason: string; firstTimestamp: string });
  const byReason = Object.fromEntries(created.map((e) => [e.reason, e]));
  assert.equal(byReason.Scheduled.metadata.name, `web.${at.nanos.toString(16)}`);
  assert.equal(byReason.Scheduled.firstTimestamp, '2023-11-14T22:13:20Z');
  assert.equal(byReason.Started.firstTimestamp, '2023-11-14T22:13:23Z');
  assert.ok(byReason.Scheduled.metadata.name < byReason.Started.metadata.name, 'the earlier event sorts first');
});

test('a recorder with a host (the kubelet\'s node) names it as the source\'s host and the reporting instance, as client-go does', async () => {
  const fake = new FakeTransport();
  const clock = new FakeClock(1_700_000_000_000);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' } };
  new ClientEventRecorder(new Client(fake), { component: 'kubelet', host: 'demo-node', clock }).event(pod, 'Normal', 'Pulled', 'p');
  new ClientEventRecorder(new Client(fake), { component: 'kubito-hostports', clock }).event(pod, 'Normal', 'X', 'x');
  await settle();
  const created = fake.actions.filter((a) => a.verb === 'create').map((a) => a.object as { source: unknown; reportingComponent: string; reportingInstance: string });
  assert.deepEqual(created.map((e) => [e.source, e.reportingComponent, e.reportingInstance]), [
    [{ component: 'kubelet', host: 'demo-node' }, 'kubelet', 'demo-node'],
    [{ component: 'kubito-hostports' }, 'kubito-hostports', ''],
  ]);
});

test('an event about a part of an object (a container) carries its fieldPath, and folds only with events about that part', async () => {
  const fake = new FakeTransport();
  const clock = new FakeClock(1_700_000_000_000);
  const recorder = new ClientEventRecorder(new Client(fake), { component: 'kubelet', clock });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' } };
  recorder.event({ ...pod, fieldPath: 'spec.containers{a}' }, 'Warning', 'Unhealthy', 'Liveness probe failed: ');
  recorder.event({ ...pod, fieldPath: 'spec.initContainers{b}' }, 'Warning', 'Unhealthy', 'Liveness probe failed: ');
  recorder.event({ ...pod, fieldPath: 'spec.containers{a}' }, 'Warning', 'Unhealthy', 'Liveness probe failed: ');
  await settle();
  const created = fake.actions.filter((a) => a.verb === 'create').map((a) => (a.object as { involvedObject: { fieldPath?: string } }).involvedObject.fieldPath);
  assert.deepEqual(created, ['spec.containers{a}', 'spec.initContainers{b}']);
  assert.equal(fake.actions.filter((a) => a.verb === 'patch').length, 1);
});
