/** @module Tests of the work queue promises (stingy, fair, delayed, rate-limited, shut down) with the fake clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BucketRateLimiter, ItemExponentialRateLimiter, controllerRateLimiter } from './rate-limiter.js';
import { FakeClock, settle } from './testing/fake-clock.js';
import { WorkQueue } from './workqueue.js';

function newQueue(clock = new FakeClock()): WorkQueue<string> {
  return new WorkQueue<string>({ clock, rateLimiter: controllerRateLimiter({ clock, bucket: false }) });
}

test('an item added many times is queued once, in first-add order', async () => {
  const q = newQueue();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
});

test('an item re-added while processing waits for done(), then comes back once', async () => {
  const q = newQueue();
  q.add('a');
  const item = await q.get();
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 'not handed to a second worker while the first holds it');
  let second: string | undefined;
  void q.get().then((x) => (second = x));
  await settle();
  assert.equal(second, undefined);
  q.done(item!);
  await settle();
  assert.equal(second, 'a');
  q.done('a');
  assert.equal(q.len(), 0);
});

test('waiting getters are served in order, each with a different item', async () => {
  const q = newQueue();
  const got = [q.get(), q.get()];
  q.add('x');
  q.add('x');
  q.add('y');
  assert.deepEqual(await Promise.all(got), ['x', 'y']);
});

test('addAfter queues at the time asked; the earliest pending time wins', async () => {
  const clock = new FakeClock();
  const q = newQueue(clock);
  q.addAfter('a', 100);
  q.addAfter('a', 50);
  q.addAfter('a', 500);
  q.addAfter('b', 0);
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'b');
  await clock.advance(49);
  assert.equal(q.len(), 0);
  await clock.advance(1);
  assert.equal(q.len(), 1);
  assert.deepEqual(clock.pending(), [], 'the later requests left no timer behind');
});

test('addRateLimited backs off 5ms, 10ms, 20ms... per item until forget', async () => {
  const clock = new FakeClock();
  const q = newQueue(clock);
  const waits: number[] = [];
  for (let i = 0; i < 4; i++) {
    q.addRateLimited('a');
    waits.push((await clock.next())!);
    assert.equal(await q.get(), 'a');
    q.done('a');
  }
  assert.deepEqual(waits, [5, 10, 20, 40]);
  assert.equal(q.numRequeues('a'), 4);
  q.forget('a');
  assert.equal(q.numRequeues('a'), 0);
  q.addRateLimited('a');
  assert.deepEqual(clock.pending(), [5]);
});

test('the per-item backoff is capped at 1000s', () => {
  const limiter = new ItemExponentialRateLimiter<string>();
  let last = 0;
  for (let i = 0; i < 40; i++) last = limiter.when('a');
  assert.equal(last, 1_000_000);
});

test('the overall bucket allows a burst, then qps per second', async () => {
  const clock = new FakeClock();
  const bucket = new BucketRateLimiter<string>({ qps: 10, burst: 3, clock });
  assert.deepEqual([1, 2, 3].map(() => bucket.when('x')), [0, 0, 0]);
  assert.deepEqual([bucket.when('x'), bucket.when('y')], [100, 200]);
  await clock.advance(1000);
  // 10 tokens came back, minus the 2 borrowed, capped at the burst of 3.
  assert.deepEqual([1, 2, 3, 4].map(() => bucket.when('z')), [0, 0, 0, 100]);
});

test('the default controller limiter takes the larger of item backoff and bucket', () => {
  const clock = new FakeClock();
  const limiter = controllerRateLimiter<string>({ clock, bucket: { qps: 1, burst: 1 } });
  assert.equal(limiter.when('a'), 5);
  assert.equal(limiter.when('b'), 1000);
  assert.equal(limiter.numRequeues('a'), 1);
});

test('shutDown drains what is queued, then answers undefined; later adds are ignored', async () => {
  const clock = new FakeClock();
  const q = newQueue(clock);
  q.add('a');
  q.addAfter('later', 1000);
  q.shutDown();
  q.add('b');
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), undefined);
  assert.deepEqual(clock.pending(), [], 'delayed adds were dropped with their timers');
  assert.equal(q.shuttingDown(), true);
});

test('shutDown wakes getters that were waiting', async () => {
  const q = newQueue();
  const waiting = q.get();
  q.shutDown();
  assert.equal(await waiting, undefined);
});

test('a backlog of thousands of keys is handed out in order, with adds in between, and len() follows', async () => {
  const q = new WorkQueue<string>();
  const want: string[] = [];
  for (let i = 0; i < 5000; i++) {
    q.add(`a${i}`);
    want.push(`a${i}`);
  }
  const got: string[] = [];
  for (let i = 0; i < 7000; i++) {
    if (i % 3 === 0 && i < 6000) {
      q.add(`b${i}`);
      want.push(`b${i}`);
    }
    assert.equal(q.len(), want.length - got.length);
    const key = (await q.get())!;
    got.push(key);
    q.done(key);
  }
  assert.deepEqual(got, want);
  assert.equal(q.len(), 0);
  q.add('last');
  assert.equal(await q.get(), 'last');
});
