import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deletionCost, isPodActive, isPodAvailable, podFromTemplate, podNamePrefix, podsToDelete, POD_DELETION_COST } from './pods.js';
import { makePod, makeReplicaSet, T0 } from './testing/fixture.js';
import type { Pod } from './types.js';

const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata.name ?? '');

describe('podsToDelete (ActivePodsWithRanks)', () => {
  const now = T0 + 3600_000;

  it('prefers unscheduled, then pending, then not ready pods', () => {
    const pods = [
      makePod('ready', { ready: true, node: 'n1' }),
      makePod('running-not-ready', { phase: 'Running', node: 'n1' }),
      makePod('pending-scheduled', { phase: 'Pending', node: 'n1' }),
      makePod('unscheduled', { phase: 'Pending' }),
    ];
    assert.deepEqual(names(podsToDelete(pods, { related: pods, count: 3, now })), ['unscheduled', 'pending-scheduled', 'running-not-ready']);
  });

  it('then lower pod-deletion-cost, then more pods on the same node', () => {
    const cheap = makePod('cheap', { ready: true, node: 'n1' });
    cheap.metadata.annotations = { [POD_DELETION_COST]: '-5' };
    const alone = makePod('alone', { ready: true, node: 'n2' });
    const crowded = makePod('crowded', { ready: true, node: 'n1' });
    const pods = [alone, crowded, cheap];
    assert.deepEqual(names(podsToDelete(pods, { related: pods, count: 2, now })), ['cheap', 'crowded']);
  });

  it('then ready for less time, more restarts, newer (on a log scale, uid breaking ties)', () => {
    const recent = makePod('ready-recently', { ready: true, node: 'n1', readyAt: now - 60_000, uid: 'b' });
    const long = makePod('ready-long-ago', { ready: true, node: 'n2', readyAt: now - 3_000_000, uid: 'a' });
    assert.deepEqual(names(podsToDelete([long, recent], { related: [], count: 1, now })), ['ready-recently']);
    // 50 and 60 minutes old fall in the same power of two: the lower uid goes first.
    const x = makePod('x', { ready: true, node: 'n1', readyAt: now - 3_000_000, uid: 'uid-2' });
    const y = makePod('y', { ready: true, node: 'n2', readyAt: now - 3_600_000, uid: 'uid-1' });
    assert.deepEqual(names(podsToDelete([x, y], { related: [], count: 1, now })), ['y']);
    const restarted = makePod('restarted', { ready: true, node: 'n1', readyAt: now - 60_000 });
    restarted.status!.containerStatuses = [{ restartCount: 3 }];
    const steady = makePod('steady', { ready: true, node: 'n2', readyAt: now - 60_000 });
    assert.deepEqual(names(podsToDelete([steady, restarted], { related: [], count: 1, now })), ['restarted']);
    const older = makePod('older', { phase: 'Running', node: 'n1', created: now - 10 * 86400_000 });
    const newer = makePod('newer', { phase: 'Running', node: 'n2', created: now - 60_000 });
    assert.deepEqual(names(podsToDelete([older, newer], { related: [], count: 1, now })), ['newer']);
  });

  it('equal container restarts: more sidecar (restartPolicy Always init container) restarts first', () => {
    const withSidecar = (name: string, sidecarRestarts: number): Pod => {
      const p = makePod(name, { ready: true, node: name, readyAt: now - 60_000, uid: name });
      p.spec = { ...p.spec, initContainers: [{ name: 'proxy', restartPolicy: 'Always' }, { name: 'init' }] };
      p.status!.containerStatuses = [{ restartCount: 1 }];
      p.status!.initContainerStatuses = [
        { name: 'proxy', restartCount: sidecarRestarts },
        { name: 'init', restartCount: 9 },
      ];
      return p;
    };
    // "a" would go first on the uid tie-break; b's sidecar restarted more.
    assert.deepEqual(names(podsToDelete([withSidecar('a', 0), withSidecar('b', 4)], { related: [], count: 1, now })), ['b']);
    // A plain init container's restarts do not count.
    const plain = withSidecar('c', 0);
    plain.status!.initContainerStatuses = [{ name: 'init', restartCount: 9 }];
    assert.deepEqual(names(podsToDelete([withSidecar('a', 0), plain], { related: [], count: 1, now })), ['a']);
  });

  it('returns every pod when all must go', () => {
    const pods = [makePod('a'), makePod('b')];
    assert.deepEqual(names(podsToDelete(pods, { related: pods, count: 5, now })), ['a', 'b']);
  });
});

describe('pod helpers', () => {
  it('availability waits minReadySeconds after the Ready transition', () => {
    const pod = makePod('p', { ready: true, readyAt: T0 });
    assert.equal(isPodAvailable(pod, { minReadySeconds: 0, now: T0 }), true);
    assert.equal(isPodAvailable(pod, { minReadySeconds: 10, now: T0 + 10_000 }), false);
    assert.equal(isPodAvailable(pod, { minReadySeconds: 10, now: T0 + 10_001 }), true);
    assert.equal(isPodAvailable(makePod('q'), { minReadySeconds: 0, now: T0 }), false);
  });

  it('finished and terminating pods are not active', () => {
    assert.equal(isPodActive(makePod('p', { phase: 'Succeeded' })), false);
    assert.equal(isPodActive(makePod('p', { phase: 'Failed' })), false);
    const deleting = makePod('p', { phase: 'Running' });
    deleting.metadata.deletionTimestamp = '2024-05-01T10:00:00Z';
    assert.equal(isPodActive(deleting), false);
    assert.equal(isPodActive(makePod('p', { phase: 'Running' })), true);
  });

  it('pod-deletion-cost accepts int32 without plus sign or leading zeros', () => {
    const cost = (v: string): number => {
      const p = makePod('p');
      p.metadata.annotations = { [POD_DELETION_COST]: v };
      return deletionCost(p);
    };
    assert.deepEqual(['10', '-7', '0', '+3', '007', 'x', '2147483648', '-2147483648'].map(cost), [10, -7, 0, 0, 0, 0, 0, -2147483648]);
  });

  it('a template becomes a pod with generateName, labels and the controller reference', () => {
    const rs = makeReplicaSet('web-abc', { labels: { app: 'web' } });
    rs.metadata.uid = 'rs-uid';
    rs.spec!.template!.metadata!.annotations = { note: 'x' };
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true, blockOwnerDeletion: true };
    assert.deepEqual(podFromTemplate(rs.spec!.template!, { parent: rs, controllerRef: ref }), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: 'web-abc-', labels: { app: 'web' }, annotations: { note: 'x' }, ownerReferences: [ref] },
      spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
    });
    // ValidatePodName(prefix, true) masks the trailing dash as name[:len-2] + 'a' (an upstream quirk):
    // a 253-character name still gets its dash.
    assert.equal(podNamePrefix('x'.repeat(253)), `${'x'.repeat(253)}-`);
    assert.equal(podNamePrefix('x'.repeat(254)), 'x'.repeat(254));
    assert.equal(podNamePrefix('Web'), 'Web');
  });
});
