import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logUnavailableReason, requireNode, resolveContainer, type PodView } from './pod-view.js';

function makePod(name: string, tweak: (p: PodView) => void = () => undefined): PodView {
  const pod: PodView = { metadata: { name, namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c' }] }, status: { phase: 'Running', containerStatuses: [{ name: 'c', state: { running: {} } }] } };
  tweak(pod);
  return pod;
}

test('container defaulting and validation use kube-apiserver messages', () => {
  assert.equal(resolveContainer(makePod('p'), undefined), 'c');
  assert.equal(resolveContainer(makePod('p'), 'c'), 'c');
  const two = makePod('web', (p) => {
    p.spec!.containers = [{ name: 'a' }, { name: 'b' }];
    p.spec!.initContainers = [{ name: 'init' }];
  });
  assert.throws(() => resolveContainer(two, undefined), /^StatusError: a container name must be specified for pod web, choose one of: \[a b\] or one of the init containers: \[init\]$/);
  assert.equal(resolveContainer(two, 'init'), 'init');
  assert.throws(() => resolveContainer(two, 'x'), (e: unknown) => (e as { code: number; message: string }).code === 400 && (e as Error).message === 'container x is not valid for pod web');
  assert.throws(() => resolveContainer(makePod('e', (p) => (p.spec!.containers = [])), undefined), /a container name must be specified for pod e$/);
});

test('a pod without a node cannot stream', () => {
  assert.equal(requireNode(makePod('p')), 'n1');
  assert.throws(() => requireNode(makePod('p', (p) => delete p.spec!.nodeName)), /pod p does not have a host assigned/);
});

test('log availability follows the kubelet: waiting reasons, previous, crash loops', () => {
  assert.equal(logUnavailableReason(makePod('p'), { container: 'c', previous: false }), undefined);
  assert.equal(logUnavailableReason(makePod('p', (p) => (p.status = {})), { container: 'c', previous: false }), 'container "c" in pod "p" is waiting to start: ContainerCreating');
  const waiting = (reason: string): PodView => makePod('p', (p) => (p.status!.containerStatuses = [{ name: 'c', state: { waiting: { reason } } }]));
  assert.equal(logUnavailableReason(waiting('ContainerCreating'), { container: 'c', previous: false }), 'container "c" in pod "p" is waiting to start: ContainerCreating');
  assert.equal(logUnavailableReason(waiting('ErrImagePull'), { container: 'c', previous: false }), 'container "c" in pod "p" is waiting to start: image can\'t be pulled');
  assert.equal(logUnavailableReason(waiting('ImagePullBackOff'), { container: 'c', previous: false }), 'container "c" in pod "p" is waiting to start: trying and failing to pull image');
  assert.equal(logUnavailableReason(makePod('p'), { container: 'c', previous: true }), 'previous terminated container "c" in pod "p" not found');
  const crashLoop = makePod('p', (p) => (p.status!.containerStatuses = [{ name: 'c', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } }]));
  assert.equal(logUnavailableReason(crashLoop, { container: 'c', previous: false }), undefined);
  assert.equal(logUnavailableReason(crashLoop, { container: 'c', previous: true }), undefined);
});
