import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../client/testing/fake-clock.js';
import { ProbeLoop, type ProbeLoopOptions } from './probe-loop.js';
import type { ProbeOutcome } from './probes.js';

function loopOf(clock: FakeClock, options: Partial<ProbeLoopOptions> & Pick<ProbeLoopOptions, 'kind' | 'probe'>, outcomes: ProbeOutcome[]) {
  const calls: number[] = [];
  const events: string[] = [];
  const changes: boolean[] = [];
  const loop = new ProbeLoop({
    clock,
    startedAt: clock.now(),
    started: () => true,
    check: async () => {
      calls.push(clock.now());
      return outcomes.shift() ?? { ok: true, message: '' };
    },
    onEvent: (reason, message) => events.push(`${reason} ${message}`),
    onResult: (ok) => changes.push(ok),
    ...options,
  });
  return { loop, calls, events, changes };
}

const fail503: ProbeOutcome = { ok: false, message: 'HTTP probe failed with statuscode: 503' };

test('readiness: probed at once and on the period grid, after the initial delay, reporting failures and changes', async () => {
  const clock = new FakeClock(1000);
  const { loop, calls, events, changes } = loopOf(clock, { kind: 'readiness', probe: { periodSeconds: 2, initialDelaySeconds: 3, failureThreshold: 3 } }, [{ ok: true, message: '' }, fail503, fail503, fail503]);
  loop.start();
  await clock.advance(12_000);
  loop.stop();
  await clock.advance(10_000);
  assert.deepEqual(calls, [5000, 7000, 9000, 11000, 13000]);
  assert.deepEqual(events, Array(3).fill('Unhealthy Readiness probe failed: HTTP probe failed with statuscode: 503'));
  assert.deepEqual(changes, [true, false, true]);
});

test('liveness: first probed a period after the start (the worker\'s first tick), then on hold once it failed', async () => {
  const clock = new FakeClock(0);
  const { loop, calls, events, changes } = loopOf(clock, { kind: 'liveness', probe: { periodSeconds: 2, failureThreshold: 2 } }, Array(10).fill({ ok: false, message: '' }));
  loop.start();
  await clock.advance(0);
  assert.deepEqual(calls, []);
  await clock.advance(20_000);
  // Killed after the second failure: no more probes, no more Unhealthy events while it stops.
  assert.deepEqual(calls, [2000, 4000]);
  assert.deepEqual(events, ['Unhealthy Liveness probe failed: ', 'Unhealthy Liveness probe failed: ']);
  assert.deepEqual(changes, [false]);
});

test('a restarted run is probed on its container\'s first grid', async () => {
  const clock = new FakeClock(10_500);
  const { loop, calls } = loopOf(clock, { kind: 'liveness', probe: { periodSeconds: 10 }, epoch: 1000 }, []);
  loop.start();
  await clock.advance(25_000);
  loop.stop();
  assert.deepEqual(calls, [11_000, 21_000, 31_000]);
});

test('a prober error is tried three times, reported, and counts for nothing; a redirect elsewhere is a warning', async () => {
  const clock = new FakeClock(0);
  const error: ProbeOutcome = { ok: false, message: '', error: 'strconv.Atoi: parsing "http": invalid syntax' };
  const { loop, calls, events, changes } = loopOf(clock, { kind: 'liveness', probe: { periodSeconds: 1, failureThreshold: 1 } }, [error, error, error, { ok: true, warning: true, message: 'Probe terminated redirects, Response body: ' }]);
  loop.start();
  await clock.advance(2000);
  loop.stop();
  assert.deepEqual(calls, [1000, 1000, 1000, 2000]);
  assert.deepEqual(events, ['Unhealthy Liveness probe errored and resulted in unknown state: strconv.Atoi: parsing "http": invalid syntax', 'ProbeWarning Liveness probe warning: Probe terminated redirects, Response body: ']);
  assert.deepEqual(changes, []);
});

test('readiness waits for the startup probe; a trigger probes at once', async () => {
  const clock = new FakeClock(0);
  let started = false;
  const { loop, calls } = loopOf(clock, { kind: 'readiness', probe: { periodSeconds: 1 }, started: () => started }, []);
  loop.start();
  await clock.advance(3000);
  assert.deepEqual(calls, []);
  await clock.advance(500);
  started = true;
  loop.trigger();
  await clock.advance(0);
  assert.deepEqual(calls, [3500]);
  await clock.advance(500);
  assert.deepEqual(calls, [3500, 4000]);
  loop.stop();
});
