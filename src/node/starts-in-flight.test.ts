import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StartsInFlight } from './starts-in-flight.js';

test('idle once every start has ended; ending twice counts once', async () => {
  const starts = new StartsInFlight();
  await starts.idle();
  const a = starts.begin();
  const b = starts.begin();
  assert.equal(starts.busy, 2);
  let idle = false;
  void starts.idle().then(() => (idle = true));
  a();
  a();
  await Promise.resolve();
  assert.equal(starts.busy, 1);
  assert.equal(idle, false);
  b();
  await Promise.resolve();
  assert.equal(idle, true);
  assert.equal(starts.busy, 0);
});
