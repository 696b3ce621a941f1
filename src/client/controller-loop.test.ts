/** @module Tests of runWorkers: retry with backoff, NotFound as done, maxRetries, and no key synced twice at once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newConflict, newNotFound } from '../api/errors.js';
import { runWorkers } from './controller-loop.js';
import { controllerRateLimiter } from './rate-limiter.js';
import { FakeClock, settle } from './testing/fake-clock.js';
import { WorkQueue } from './workqueue.js';

function setup() {
  const clock = new FakeClock();
  const queue = new WorkQueue<string>({ clock, rateLimiter: controllerRateLimiter({ clock, bucket: false }) });
  return { clock, queue };
}

test('a failing sync is retried with backoff; success forgets the failures', async () => {
  const { clock, queue } = setup();
  const calls: number[] = [];
  let failuresLeft = 3;
  const errors: Array<[string, boolean]> = [];
  const done = runWorkers(
    queue,
    async () => {
      calls.push(clock.now());
      if (failuresLeft-- > 0) throw newConflict({ group: '', resource: 'services' }, 'web', 'try again');
    },
    { onError: (err, item, willRetry) => errors.push([`${item}: ${(err as Error).message}`, willRetry]) },
  );
  queue.add('ns/web');
  await settle();
  while ((await clock.next()) !== undefined);
  assert.deepEqual(calls, [0, 5, 15, 35], 'retried after 5, 10 and 20ms');
  assert.equal(queue.numRequeues('ns/web'), 0, 'forgotten after the success');
  assert.equal(errors.length, 3);
  assert.equal(errors[0][1], true);
  queue.shutDown();
  await done;
});

test('NotFound from sync means the object is gone: done, no retry', async () => {
  const { clock, queue } = setup();
  let calls = 0;
  const done = runWorkers(queue, async () => {
    calls++;
    throw newNotFound({ group: '', resource: 'pods' }, 'x');
  }, { onError: () => assert.fail('NotFound is not an error') });
  queue.add('ns/x');
  await settle();
  assert.deepEqual(clock.pending(), []);
  assert.equal(calls, 1);
  queue.shutDown();
  await done;
});

test('maxRetries drops a key after that many retries and says so', async () => {
  const { clock, queue } = setup();
  let calls = 0;
  const dropped: string[] = [];
  const done = runWorkers(queue, async () => {
    calls++;
    throw new Error('boom');
  }, { maxRetries: 2, onError: (_err, item, willRetry) => !willRetry && dropped.push(item) });
  queue.add('k');
  await settle();
  while ((await clock.next()) !== undefined);
  assert.equal(calls, 3, 'first try and 2 retries');
  assert.deepEqual(dropped, ['k']);
  queue.shutDown();
  await done;
});

test('several workers never sync the same key at once, and a key added meanwhile runs again after', async () => {
  const { queue } = setup();
  const running = new Set<string>();
  const log: string[] = [];
  const release: Array<() => void> = [];
  const done = runWorkers(queue, async (key) => {
    assert.ok(!running.has(key), `${key} synced twice at once`);
    running.add(key);
    log.push(`start ${key}`);
    await new Promise<void>((resolve) => release.push(resolve));
    running.delete(key);
    log.push(`end ${key}`);
  }, { workers: 3 });
  queue.add('a');
  queue.add('b');
  await settle();
  queue.add('a');
  await settle();
  assert.deepEqual(log, ['start a', 'start b'], 'the third worker does not take the busy key');
  release.shift()!();
  await settle();
  assert.deepEqual(log, ['start a', 'start b', 'end a', 'start a']);
  while (release.length) {
    release.shift()!();
    await settle();
  }
  queue.shutDown();
  await done;
  assert.deepEqual(log, ['start a', 'start b', 'end a', 'start a', 'end b', 'end a']);
});
