import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ephemeralToStart, lostEphemeralStatus, ranBefore } from './ephemeral.js';
import type { ContainerStatus } from './pod-view.js';

function cs(name: string, state: ContainerStatus['state'], lastState: ContainerStatus['lastState'] = {}): ContainerStatus {
  return { name, state, lastState, ready: false, restartCount: 0, image: 'docker.io/library/busybox:latest', imageID: '', containerID: `kubito://${name}` };
}

test('each ephemeral container starts once: not after a run here, nor after one a previous agent made', () => {
  const before = ranBefore([
    cs('old-done', { terminated: { exitCode: 0, reason: 'Completed' } }),
    cs('old-running', { running: { startedAt: '2026-11-29T10:00:00Z' } }),
    cs('never', { waiting: { reason: 'ContainerCreating' } }),
  ]);
  assert.deepEqual([...before.keys()], ['old-done', 'old-running']);
  const list = [{ spec: { name: 'old-done' }, latest: undefined }, { spec: { name: 'old-running' }, latest: undefined }, { spec: { name: 'never' }, latest: undefined }, { spec: { name: 'ran' }, latest: {} }, { spec: { name: 'new' }, latest: undefined }];
  assert.deepEqual(ephemeralToStart(list, before).map((c) => c.spec.name), ['never', 'new']);
  assert.deepEqual(ranBefore(undefined).size, 0);
});

test('a lost ephemeral container: terminated as it was, or ContainerStatusUnknown (137) if it was running; stable', () => {
  const done = cs('d', { terminated: { exitCode: 3, reason: 'Error' } });
  assert.equal(lostEphemeralStatus(done), done);
  const lost = lostEphemeralStatus(cs('r', { running: { startedAt: '2026-11-29T10:00:00Z' } }));
  assert.deepEqual(lost.state, { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', startedAt: '2026-11-29T10:00:00Z', containerID: 'kubito://r' } });
  assert.deepEqual(lostEphemeralStatus(cs('r', { running: { startedAt: '2026-11-29T10:00:00Z' } })), lost);
});
