import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Slots, startSlotsFromEnv } from './slots.js';

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('at most `size` run at once; the rest start in call order as slots free', async () => {
  const slots = new Slots(2);
  const gates = [deferred(), deferred(), deferred(), deferred()];
  const started: number[] = [];
  const runs = gates.map((g, i) => slots.run(async () => {
    started.push(i);
    await g.promise;
    return i;
  }));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1]);
  assert.equal(slots.waiting, 2);
  gates[1].resolve();
  await runs[1];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2]);
  gates[0].resolve();
  gates[2].resolve();
  gates[3].resolve();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
  assert.equal(slots.busy, 0);
});

test('a failure frees its slot', async () => {
  const slots = new Slots(1);
  await assert.rejects(slots.run(async () => {
    throw new Error('boom');
  }), /boom/);
  assert.equal(await slots.run(async () => 'next'), 'next');
  assert.equal(slots.busy, 0);
  assert.throws(() => new Slots(0), RangeError);
});

test('startSlotsFromEnv: KUBITO_START_SLOTS when it is 1-128, else the fallback', () => {
  assert.equal(startSlotsFromEnv({ KUBITO_START_SLOTS: '8' }, 3), 8);
  for (const bad of [undefined, '', '0', '129', '2.5', 'many']) assert.equal(startSlotsFromEnv({ KUBITO_START_SLOTS: bad }, 3), 3);
});
