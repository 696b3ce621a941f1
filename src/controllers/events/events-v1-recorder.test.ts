/** @module events.k8s.io/v1 Events as kube-scheduler writes them (client-go tools/events). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import { Client } from '../../client/index.js';
import { FakeClock, settle } from '../../client/testing/fake-clock.js';
import { FakeTransport } from '../../client/testing/fake-transport.js';
import { EventsV1Recorder, microTime } from './events-v1-recorder.js';

const EVENTS_V1 = findResource('events.k8s.io', 'v1', 'events')!;

test('MicroTime text: RFC 3339 with six fractional digits', () => {
  assert.equal(microTime(1_700_000_000_123_456_789n), '2023-11-14T22:13:20.123456Z');
  assert.equal(microTime(1_700_000_000_000_000_999n), '2023-11-14T22:13:20.000000Z');
});

test("an event carries eventTime, action, reporting controller and instance, regarding and note; a repeat grows the first one's series", async () => {
  const fake = new FakeTransport();
  const clock = new FakeClock(1_700_000_000_123);
  const recorder = new EventsV1Recorder(new Client(fake), { controller: 'default-scheduler', instance: 'default-scheduler-host', actions: { Scheduled: 'Binding', FailedScheduling: 'Scheduling' }, clock });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7' } };
  const at = recorder.stamp();
  clock.advance(2_000);
  recorder.event(pod, 'Normal', 'Scheduled', 'Successfully assigned default/web to kubito-node', at);
  for (let i = 0; i < 3; i++) recorder.event(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available');
  await settle();
  const created = fake.actions.filter((a) => a.verb === 'create').map((a) => a.object as Record<string, unknown> & { metadata: { name: string } });
  assert.equal(created.length, 2);
  const [scheduled, failed] = created;
  assert.equal(scheduled.metadata.name, `web.${at.nanos.toString(16)}`, 'named for when it was stamped');
  assert.equal(scheduled.eventTime, microTime(at.nanos));
  assert.match(String(scheduled.eventTime), /^2023-11-14T22:13:20\.123\d{3}Z$/);
  assert.deepEqual(
    { action: scheduled.action, reason: scheduled.reason, type: scheduled.type, note: scheduled.note, reportingController: scheduled.reportingController, reportingInstance: scheduled.reportingInstance },
    { action: 'Binding', reason: 'Scheduled', type: 'Normal', note: 'Successfully assigned default/web to kubito-node', reportingController: 'default-scheduler', reportingInstance: 'default-scheduler-host' },
  );
  assert.deepEqual(scheduled.regarding, { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1', resourceVersion: '7' });
  assert.equal(failed.action, 'Scheduling');
  const patches = fake.actions.filter((a) => a.verb === 'patch');
  assert.equal(patches.length, 2);
  const stored = fake.object(EVENTS_V1, { namespace: 'default', name: failed.metadata.name }) as { series?: { count: number; lastObservedTime: string } };
  assert.equal(stored.series?.count, 3, 'the second occurrence starts the series at 2, as client-go');
  assert.match(stored.series?.lastObservedTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
});
