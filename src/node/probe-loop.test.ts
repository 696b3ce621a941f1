import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../client/testing/fake-clock.js';
import { ProbeLoop } from './probe-loop.js';

test('probes at once then every period, after the initial delay, reporting failures and changes', async () => {
  const clock = new FakeClock(1000);
  const results = [true, false, false, false, true];
  const calls: number[] = [];
  const failures: string[] = [];
  const changes: boolean[] = [];
  const loop = new ProbeLoop({
    kind: 'readiness',
    probe: { periodSeconds: 2, initialDelaySeconds: 3, failureThreshold: 3 },
    clock,
    startedAt: 1000,
    started: () => true,
    check: async () => {
      calls.push(clock.now());
      const ok = results.shift() ?? true;
      return { ok, message: ok ? '' : 'HTTP probe failed with statuscode: 503' };
    },
    onFailure: (m) => failures.push(m),
    onResult: (ok) => changes.push(ok),
  });
  loop.start();
  await clock.advance(12_000);
  loop.stop();
  await clock.advance(10_000);
  assert.deepEqual(calls, [5000, 7000, 9000, 11000, 13000]);
  assert.equal(failures.length, 3);
  assert.deepEqual(changes, [true, false, true]);
});

test('readiness waits for the startup probe', async () => {
  const clock = new FakeClock(0);
  let started = false;
  let probes = 0;
  const loop = new ProbeLoop({ kind: 'readiness', probe: { periodSeconds: 1 }, clock, startedAt: 0, started: () => started, check: async () => (probes++, { ok: true, message: '' }), onFailure: () => undefined, onResult: () => undefined });
  loop.start();
  await clock.advance(3000);
  assert.equal(probes, 0);
  started = true;
  loop.trigger();
  await clock.advance(0);
  assert.equal(probes, 1);
  loop.stop();
});
