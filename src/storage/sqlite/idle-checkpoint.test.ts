/** @module The idle checkpoint's timing, on a fake timer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdleCheckpointer, type CheckpointTimers } from './idle-checkpoint.js';

/** Timers that fire only when told to. */
function fakeTimers(): CheckpointTimers & { fire(): void; pending(): number } {
  let next = 0;
  const timers = new Map<number, () => void>();
  return {
    set: (fn) => {
      timers.set(++next, fn);
      return next;
    },
    clear: (handle) => void timers.delete(handle as number),
    fire() {
      const due = [...timers.values()];
      timers.clear();
      for (const fn of due) fn();
    },
    pending: () => timers.size,
  };
}

test('a checkpoint runs once writes paused for a whole period, not while they keep coming', () => {
  const timers = fakeTimers();
  let runs = 0;
  const c = new IdleCheckpointer({ checkpoint: () => runs++, minWrites: 3, timers });
  for (let i = 0; i < 5; i++) c.wrote();
  assert.equal(timers.pending(), 1, 'one timer for any number of writes');
  c.wrote();
  timers.fire(); // writes came since the timer was armed: wait another period
  assert.equal(runs, 0);
  assert.equal(timers.pending(), 1);
  timers.fire(); // quiet for a whole period
  assert.equal(runs, 1);
  assert.equal(timers.pending(), 0, 'no timer while nothing is pending');
});

test('too few writes wait for more; stop() cancels', () => {
  const timers = fakeTimers();
  let runs = 0;
  const c = new IdleCheckpointer({ checkpoint: () => runs++, minWrites: 3, timers });
  c.wrote();
  c.wrote();
  timers.fire(); // the second write came after the timer was armed
  timers.fire(); // quiet, but two writes are too few
  assert.equal(runs, 0);
  assert.equal(timers.pending(), 0);
  c.wrote();
  timers.fire();
  assert.equal(runs, 1, 'the writes left before counted');
  c.wrote();
  c.stop();
  assert.equal(timers.pending(), 0);
  c.wrote();
  assert.equal(timers.pending(), 0);
});

test('a failing checkpoint is dropped; the next pause tries again', () => {
  const timers = fakeTimers();
  let runs = 0;
  const c = new IdleCheckpointer({ checkpoint: () => { runs++; throw new Error('disk'); }, minWrites: 1, timers });
  c.wrote();
  timers.fire();
  c.wrote();
  timers.fire();
  assert.equal(runs, 2);
});
