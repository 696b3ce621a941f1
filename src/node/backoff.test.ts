import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, goDuration } from './backoff.js';

test('first restart at once, then 10s doubling to 5m, reset after 10 quiet minutes', () => {
  const b = new Backoff();
  let now = 0;
  assert.equal(b.isInBackOffSince('c', now, now), false);
  b.next('c', now);
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    const finished = now + 1000;
    assert.equal(b.isInBackOffSince('c', finished, finished), true);
    delays.push(b.remaining('c', finished, finished));
    now = finished + b.remaining('c', finished, finished);
    assert.equal(b.isInBackOffSince('c', finished, now), false);
    b.next('c', now);
  }
  assert.deepEqual(delays, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  const later = now + 11 * 60_000;
  assert.equal(b.isInBackOffSince('c', later, later), false);
  b.next('c', later);
  assert.equal(b.get('c'), 10_000);
});

test('durations as Go prints them', () => {
  assert.equal(goDuration(10_000), '10s');
  assert.equal(goDuration(80_000), '1m20s');
  assert.equal(goDuration(300_000), '5m0s');
});
