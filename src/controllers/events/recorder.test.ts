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
  assert.equal(names[0], `web.${(1_700_000_000_123n * 1_000_000n).toString(16)}`);
  assert.deepEqual([...names].sort(), names, 'names sort as the events happened');
  assert.equal(new Set(names).size, 4);
  assert.equal(fake.actions.filter((a) => a.verb === 'patch').length, 1);
  const listed = fake.object(EVENTS, { namespace: 'default', name: names[3] }) as { count?: number } | undefined;
  assert.equal(listed?.count, 2);
});
