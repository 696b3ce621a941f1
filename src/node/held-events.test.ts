import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/types.js';
import { FakeClock } from '../client/testing/fake-clock.js';
import { HeldEvents } from './held-events.js';
import { Slots } from './slots.js';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' } } as KubeObject;

function recorder(): { sink: { event(o: KubeObject, t: string, r: string): void }; reasons: string[] } {
  const reasons: string[] = [];
  return { sink: { event: (_o, _t, r) => reasons.push(r) }, reasons };
}

test('with no start running an event goes out at once; during starts, after them, in order', async () => {
  const slots = new Slots(2);
  const { sink, reasons } = recorder();
  const events = new HeldEvents(sink, { slots, clock: new FakeClock() });
  events.event(pod, 'Normal', 'Scheduled', '');
  assert.deepEqual(reasons, ['Scheduled']);
  let finish!: () => void;
  const start = slots.run(() => new Promise<void>((r) => (finish = r)));
  events.event(pod, 'Normal', 'Pulled', '');
  events.event(pod, 'Normal', 'Started', '');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(reasons, ['Scheduled']);
  finish();
  await start;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(reasons, ['Scheduled', 'Pulled', 'Started']);
});

test('held at most maxHoldMs while starts go on', async () => {
  const slots = new Slots(1);
  const clock = new FakeClock();
  const { sink, reasons } = recorder();
  const events = new HeldEvents(sink, { slots, clock, maxHoldMs: 500 });
  void slots.run(() => new Promise<void>(() => undefined));
  events.event(pod, 'Warning', 'BackOff', '');
  await clock.advance(499);
  assert.deepEqual(reasons, []);
  await clock.advance(1);
  assert.deepEqual(reasons, ['BackOff']);
});

test('a held event keeps the stamp of when it was recorded (its name and time), not of when it goes out', async () => {
  const slots = new Slots(1);
  let now = 0n;
  const sent: Array<[string, bigint | undefined]> = [];
  const sink = {
    stamp: () => ({ nanos: ++now, time: `t${now}` }),
    event: (_o: KubeObject, _t: string, r: string, _m: string, at?: { nanos: bigint }) => sent.push([r, at?.nanos ?? ++now]),
  };
  const events = new HeldEvents(sink, { slots, clock: new FakeClock() });
  let finish!: () => void;
  const start = slots.run(() => new Promise<void>((r) => (finish = r)));
  events.event(pod, 'Normal', 'Scheduled', '');
  // Another recorder's event meanwhile (the kubelet's, sent at once) takes a later stamp.
  const later = sink.stamp().nanos;
  finish();
  await start;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sent, [['Scheduled', 1n]]);
  assert.ok(later > 1n);
});
