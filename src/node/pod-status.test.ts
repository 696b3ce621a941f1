import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podPhase, podStatus, type StatusInput } from './pod-status.js';
import type { ContainerStatus, Pod } from './pod-view.js';

function pod(spec: Partial<Pod['spec']> = {}, status?: Pod['status']): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [{ name: 'a' }, { name: 'b' }], ...spec }, status };
}

function cs(name: string, state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, state, lastState: {}, ready: false, restartCount: 0, image: 'docker.io/library/nginx:latest', imageID: '', ...extra };
}

const running = { running: { startedAt: 't' } };
const ok = { terminated: { exitCode: 0, reason: 'Completed' } };
const failed = { terminated: { exitCode: 1, reason: 'Error' } };
const creating = { waiting: { reason: 'ContainerCreating' } };
const backoff = { waiting: { reason: 'CrashLoopBackOff' } };

function phase(p: Pod, statuses: ContainerStatus[], terminal = false): string {
  return podPhase({ pod: p, initContainerStatuses: [], containerStatuses: statuses, terminal });
}

test('getPhase, case by case', () => {
  assert.equal(phase(pod(), [cs('a', creating), cs('b', running)]), 'Pending');
  assert.equal(phase(pod(), [cs('a', running), cs('b', running)]), 'Running');
  assert.equal(phase(pod(), [cs('a', running)]), 'Pending');
  assert.equal(phase(pod(), [cs('a', ok), cs('b', failed)]), 'Running');
  assert.equal(phase(pod({ restartPolicy: 'Never' }), [cs('a', ok), cs('b', failed)]), 'Failed');
  assert.equal(phase(pod({ restartPolicy: 'OnFailure' }), [cs('a', ok), cs('b', ok)]), 'Succeeded');
  assert.equal(phase(pod({ restartPolicy: 'OnFailure' }), [cs('a', ok), cs('b', backoff, { lastState: failed })]), 'Running');
  assert.equal(phase(pod(), [cs('a', backoff, { lastState: failed }), cs('b', running)]), 'Running');
  assert.equal(phase(pod(), [cs('a', ok), cs('b', ok)], true), 'Succeeded');
  assert.equal(phase(pod(), [cs('a', ok), cs('b', { terminated: { exitCode: 137, reason: 'Error' } })], true), 'Failed');
});

function input(p: Pod, statuses: ContainerStatus[], extra: Partial<StatusInput> = {}): StatusInput {
  return { pod: p, now: '2024-01-01T00:00:10Z', hostIP: '10.244.0.1', podIP: '10.244.0.5', startTime: '2024-01-01T00:00:00Z', sandboxReady: true, initContainerStatuses: [], containerStatuses: statuses, ...extra };
}

test('conditions with upstream\'s reasons; PodScheduled and transition times carried over', () => {
  const before = pod({}, { conditions: [
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-01-01T00:00:00Z' },
    { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-01-01T00:00:01Z' },
  ] });
  const s = podStatus(input(before, [cs('a', running, { ready: true }), cs('b', running)]));
  assert.equal(s.phase, 'Running');
  assert.deepEqual(s.conditions!.map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '', c.lastTransitionTime]), [
    ['PodReadyToStartContainers', 'True', '', '', '2024-01-01T00:00:10Z'],
    ['Initialized', 'True', '', '', '2024-01-01T00:00:01Z'],
    ['Ready', 'False', 'ContainersNotReady', 'containers with unready status: [b]', '2024-01-01T00:00:10Z'],
    ['ContainersReady', 'False', 'ContainersNotReady', 'containers with unready status: [b]', '2024-01-01T00:00:10Z'],
    ['PodScheduled', 'True', '', '', '2024-01-01T00:00:00Z'],
  ]);
  assert.deepEqual(s.podIPs, [{ ip: '10.244.0.5' }]);
  assert.deepEqual(s.hostIPs, [{ ip: '10.244.0.1' }]);
  const all = podStatus(input(pod(), [cs('a', running, { ready: true }), cs('b', running, { ready: true })]));
  assert.deepEqual(all.conditions!.filter((c) => c.type.includes('Ready')).map((c) => c.status), ['True', 'True', 'True']);
});

test('a completed pod: PodCompleted; init containers pending: ContainersNotInitialized', () => {
  const done = podStatus(input(pod({ restartPolicy: 'Never' }), [cs('a', ok), cs('b', ok)], { sandboxReady: false }));
  assert.equal(done.phase, 'Succeeded');
  assert.deepEqual(done.conditions!.slice(0, 4).map((c) => [c.type, c.status, c.reason]), [
    ['PodReadyToStartContainers', 'False', undefined],
    ['Initialized', 'True', 'PodCompleted'],
    ['Ready', 'False', 'PodCompleted'],
    ['ContainersReady', 'False', 'PodCompleted'],
  ]);
  const init = podStatus(input(pod({ initContainers: [{ name: 'setup' }] }), [cs('a', creating), cs('b', creating)], { initContainerStatuses: [cs('setup', running)] }));
  assert.equal(init.phase, 'Pending');
  assert.deepEqual([init.conditions![1].status, init.conditions![1].reason, init.conditions![1].message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [setup]']);
});

test('ephemeral containers are reported and count in neither the phase nor readiness', () => {
  const p = pod({ containers: [{ name: 'a' }], ephemeralContainers: [{ name: 'debugger' }] });
  const base = { pod: p, now: 't1', hostIP: '10.244.0.1', sandboxReady: true, initContainerStatuses: [], containerStatuses: [cs('a', running, { ready: true })] };
  for (const state of [creating, running, failed]) {
    const status = podStatus({ ...base, ephemeralContainerStatuses: [cs('debugger', state)] });
    assert.equal(status.phase, 'Running');
    assert.equal(status.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.deepEqual(status.ephemeralContainerStatuses, [cs('debugger', state)]);
  }
  assert.equal(podStatus({ ...base, ephemeralContainerStatuses: [] }).ephemeralContainerStatuses, undefined);
});

test("container statuses sorted by name as the kubelet sorts them; init containers keep the spec's order", () => {
  const p = pod({ initContainers: [{ name: 'z-init' }, { name: 'a-init' }], containers: [{ name: 'web' }, { name: 'sidecar' }], ephemeralContainers: [{ name: 'dbg-b' }, { name: 'dbg-a' }] });
  const status = podStatus(input(p, [cs('web', running), cs('sidecar', running)], {
    initContainerStatuses: [cs('z-init', failed), cs('a-init', failed)],
    ephemeralContainerStatuses: [cs('dbg-b', running), cs('dbg-a', running)],
  }));
  assert.deepEqual(status.containerStatuses?.map((s) => s.name), ['sidecar', 'web']);
  assert.deepEqual(status.initContainerStatuses?.map((s) => s.name), ['z-init', 'a-init']);
  assert.deepEqual(status.ephemeralContainerStatuses?.map((s) => s.name), ['dbg-a', 'dbg-b']);
});

test('sidecars (restartable init containers): Pending until started, running counts, terminated ones do not; readiness and Initialized', () => {
  const spec = { restartPolicy: 'Never' as const, containers: [{ name: 'a' }], initContainers: [{ name: 'side', restartPolicy: 'Always' }, { name: 'setup' }] };
  const initPhase = (p: Pod, inits: ContainerStatus[], statuses: ContainerStatus[], terminal = false) => podPhase({ pod: p, initContainerStatuses: inits, containerStatuses: statuses, terminal });
  const init = { waiting: { reason: 'PodInitializing' } };
  assert.equal(initPhase(pod(spec), [cs('side', running, { started: false }), cs('setup', init)], [cs('a', init)]), 'Pending');
  assert.equal(initPhase(pod(spec), [cs('side', running, { started: true }), cs('setup', ok)], [cs('a', running)]), 'Running');
  // The containers done, the sidecar still running (being stopped): Running; once it ended: the containers' outcome.
  assert.equal(initPhase(pod(spec), [cs('side', running, { started: true }), cs('setup', ok)], [cs('a', ok)]), 'Running');
  assert.equal(initPhase(pod(spec), [cs('side', { terminated: { exitCode: 137, reason: 'Error' } }), cs('setup', ok)], [cs('a', ok)]), 'Succeeded');
  assert.equal(initPhase(pod(spec), [cs('side', { terminated: { exitCode: 0, reason: 'Completed' } }), cs('setup', ok)], [cs('a', failed)]), 'Failed');
  // A sidecar restarting after the pod was initialized keeps it Running and Initialized.
  const initializedBefore = pod({ ...spec, restartPolicy: 'Always' }, { conditions: [{ type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: 't0' }] });
  const restarting = [cs('side', backoff, { lastState: failed, started: false }), cs('setup', ok, { ready: true })];
  assert.equal(initPhase(initializedBefore, restarting, [cs('a', running, { ready: true })]), 'Running');
  const s = podStatus(input(initializedBefore, [cs('a', running, { ready: true })], { initContainerStatuses: restarting }));
  assert.deepEqual(s.conditions!.slice(1, 4).map((c) => [c.type, c.status, c.message ?? '']), [
    ['Initialized', 'True', ''],
    ['Ready', 'False', 'containers with unready status: [side]'],
    ['ContainersReady', 'False', 'containers with unready status: [side]'],
  ]);
  const starting = podStatus(input(pod(spec), [cs('a', init)], { initContainerStatuses: [cs('side', running, { started: false }), cs('setup', init)] }));
  assert.deepEqual([starting.phase, starting.conditions![1].status, starting.conditions![1].message], ['Pending', 'False', 'containers with incomplete status: [side setup]']);
});
