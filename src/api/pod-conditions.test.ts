import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metaTime, updatePodCondition } from './pod-conditions.js';

test('UpdatePodCondition: appended or replaced; the transition time kept with the status; unchanged when nothing differs', () => {
  const at = metaTime(Date.parse('2026-11-30T08:00:00.900Z'));
  assert.equal(at, '2026-11-30T08:00:00Z');
  const added = updatePodCondition([{ type: 'Ready', status: 'True' }], { type: 'DisruptionTarget', status: 'True', reason: 'R', message: 'M' }, at);
  assert.deepEqual(added, { changed: true, conditions: [{ type: 'Ready', status: 'True' }, { type: 'DisruptionTarget', status: 'True', reason: 'R', message: 'M', lastProbeTime: null, lastTransitionTime: at }] });
  const again = updatePodCondition(added.conditions, { type: 'DisruptionTarget', status: 'True', reason: 'R', message: 'M' }, '2026-11-30T09:00:00Z');
  assert.deepEqual(again, { changed: false, conditions: added.conditions });
  const reason = updatePodCondition(added.conditions, { type: 'DisruptionTarget', status: 'True', reason: 'Other' }, '2026-11-30T09:00:00Z');
  assert.equal(reason.changed, true);
  assert.equal(reason.conditions[1].lastTransitionTime, at, 'same status: the old transition time');
  assert.equal(reason.conditions[1].message, undefined, 'the condition is replaced whole');
  const flipped = updatePodCondition(added.conditions, { type: 'Ready', status: 'False' }, '2026-11-30T09:00:00Z');
  assert.deepEqual(flipped.conditions[0], { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: '2026-11-30T09:00:00Z' });
});
