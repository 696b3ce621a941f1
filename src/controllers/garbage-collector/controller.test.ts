/** @module The garbage collector against a fake API: dangling dependents go, live owners are confirmed first. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { startBench } from '../endpointslice/harness.js';
import { GarbageCollector } from './controller.js';

const PODS = findResource('', 'v1', 'pods')!;
const REPLICASETS = findResource('apps', 'v1', 'replicasets')!;

function replicaSet(name: string, uid: string): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default', uid }, spec: { selector: { matchLabels: { app: name } } } };
}

function podOwnedBy(name: string, owner: { name: string; uid: string }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `pod-${name}`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner.name, uid: owner.uid, controller: true }] },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  };
}

test('a dependent whose owner is gone is deleted; one whose owner the cache has not seen yet stays', async () => {
  const bench = await startBench([new GarbageCollector()], [[REPLICASETS, replicaSet('kept', 'uid-kept')]]);
  try {
    // The owner exists on the server but its informer has not heard of it yet (a silent write).
    bench.fake.set(REPLICASETS, replicaSet('fresh', 'uid-fresh'), { silent: true });
    bench.fake.set(PODS, podOwnedBy('of-fresh', { name: 'fresh', uid: 'uid-fresh' }));
    bench.fake.set(PODS, podOwnedBy('of-kept', { name: 'kept', uid: 'uid-kept' }));
    bench.fake.set(PODS, podOwnedBy('orphaned', { name: 'gone', uid: 'uid-gone' }));
    // Same name, another uid: the owner that was referenced is gone.
    bench.fake.set(PODS, podOwnedBy('of-old-kept', { name: 'kept', uid: 'uid-old' }));
    await bench.idle();
    const names = (await bench.list(PODS, 'default')).map((p) => p.metadata.name);
    assert.deepEqual(names, ['of-fresh', 'of-kept']);
  } finally {
    await bench.stop();
  }
});

test('an owner being deleted with foregroundDeletion: its dependents go first, then its finalizer; an object with no owner and no deletion is not written', async () => {
  const owner = replicaSet('fg', 'uid-fg');
  owner.metadata.deletionTimestamp = '2024-05-01T10:00:00Z';
  owner.metadata.finalizers = ['foregroundDeletion'];
  const lone = replicaSet('lone', 'uid-lone');
  const bench = await startBench([new GarbageCollector()], [[REPLICASETS, owner], [REPLICASETS, lone], [PODS, podOwnedBy('of-fg', { name: 'fg', uid: 'uid-fg' })]]);
  try {
    await bench.idle();
    assert.deepEqual((await bench.list(PODS, 'default')).map((p) => p.metadata.name), []);
    const sets = await bench.list(REPLICASETS, 'default');
    const fg = sets.find((s) => s.metadata.name === 'fg');
    assert.ok(!fg || !(fg.metadata.finalizers ?? []).includes('foregroundDeletion'), 'the finalizer is removed once no dependent is left');
    assert.deepEqual(sets.find((s) => s.metadata.name === 'lone')?.metadata.uid, 'uid-lone');
    // Nothing but the dependent's delete and the owner's finalizer removal was written.
    const writes = bench.fake.actions.filter((a) => a.verb !== 'list' && a.verb !== 'watch' && a.verb !== 'get');
    assert.ok(writes.every((a) => a.name !== 'lone'), JSON.stringify(writes));
  } finally {
    await bench.stop();
  }
});

test('a dependent of an owner the cache holds is not checked on its add, and still goes when that owner leaves', async () => {
  const bench = await startBench([new GarbageCollector()], [[REPLICASETS, replicaSet('rs', 'uid-rs')]]);
  try {
    bench.fake.set(PODS, podOwnedBy('child', { name: 'rs', uid: 'uid-rs' }));
    await bench.idle();
    assert.deepEqual((await bench.list(PODS, 'default')).map((p) => p.metadata.name), ['child']);
    assert.deepEqual(bench.fake.actions.filter((a) => a.verb !== 'list' && a.verb !== 'watch'), [], 'nothing read or written for a dependent whose owner is known');
    bench.fake.remove(REPLICASETS, { namespace: 'default', name: 'rs' });
    await bench.idle();
    assert.deepEqual((await bench.list(PODS, 'default')).map((p) => p.metadata.name), []);
  } finally {
    await bench.stop();
  }
});

test('orphan deletion ends: the dependents lose their reference, then the owner its finalizer', async () => {
  const owner = replicaSet('o', 'uid-o');
  owner.metadata.deletionTimestamp = '2024-05-01T10:00:00Z';
  owner.metadata.finalizers = ['orphan'];
  const bench = await startBench([new GarbageCollector()], [[REPLICASETS, owner], [PODS, podOwnedBy('child', { name: 'o', uid: 'uid-o' })]]);
  try {
    await bench.idle();
    const child = (await bench.list(PODS, 'default'))[0];
    assert.deepEqual(child.metadata.ownerReferences ?? [], []);
    const o = (await bench.list(REPLICASETS, 'default'))[0];
    assert.ok(!o || !(o.metadata.finalizers ?? []).includes('orphan'), JSON.stringify(o?.metadata));
  } finally {
    await bench.stop();
  }
});

test('an owner recreated under the same name while the watch lagged (seen as an update with a new uid): its old dependents go', async () => {
  const bench = await startBench([new GarbageCollector()], [[REPLICASETS, replicaSet('r', 'uid-1')], [PODS, podOwnedBy('child', { name: 'r', uid: 'uid-1' })]]);
  try {
    await bench.idle();
    bench.fake.remove(REPLICASETS, { namespace: 'default', name: 'r' }, { silent: true });
    bench.fake.set(REPLICASETS, replicaSet('r', 'uid-2'));
    await bench.idle();
    assert.deepEqual((await bench.list(PODS, 'default')).map((p) => p.metadata.name), []);
  } finally {
    await bench.stop();
  }
});

test('a foreground owner waiting for a blocking dependent goes on once that dependent stops blocking', async () => {
  const owner = replicaSet('fg', 'uid-fg');
  owner.metadata.deletionTimestamp = '2024-05-01T10:00:00Z';
  owner.metadata.finalizers = ['foregroundDeletion'];
  const blocking = podOwnedBy('slow', { name: 'fg', uid: 'uid-fg' });
  blocking.metadata.ownerReferences![0].blockOwnerDeletion = true;
  // Being deleted already, held by a finalizer of its own: it blocks the owner until it goes or stops blocking.
  blocking.metadata.deletionTimestamp = '2024-05-01T10:00:00Z';
  blocking.metadata.finalizers = ['example.com/hold'];
  const bench = await startBench([new GarbageCollector()], [[REPLICASETS, owner], [PODS, blocking]]);
  try {
    await bench.idle();
    const waiting = (await bench.list(REPLICASETS, 'default'))[0];
    assert.deepEqual(waiting.metadata.finalizers, ['foregroundDeletion'], 'still blocked');
    const unblocked = structuredClone(bench.fake.object(PODS, { namespace: 'default', name: 'slow' })!);
    unblocked.metadata.ownerReferences![0].blockOwnerDeletion = false;
    bench.fake.set(PODS, unblocked);
    await bench.idle();
    const o = (await bench.list(REPLICASETS, 'default'))[0];
    assert.ok(!o || !(o.metadata.finalizers ?? []).includes('foregroundDeletion'), JSON.stringify(o?.metadata));
  } finally {
    await bench.stop();
  }
});

test('foreground deletion keeps a dependent that has another live owner: it only loses its reference to the owner going', async () => {
  const owner = replicaSet('a', 'uid-a');
  owner.metadata.deletionTimestamp = '2024-05-01T10:00:00Z';
  owner.metadata.finalizers = ['foregroundDeletion'];
  const shared = podOwnedBy('shared', { name: 'a', uid: 'uid-a' });
  shared.metadata.ownerReferences![0].blockOwnerDeletion = true;
  shared.metadata.ownerReferences!.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: 'uid-b' });
  const bench = await startBench([new GarbageCollector()], [[REPLICASETS, owner], [REPLICASETS, replicaSet('b', 'uid-b')], [PODS, shared]]);
  try {
    await bench.idle();
    const pods = await bench.list(PODS, 'default');
    assert.deepEqual(pods.map((p) => p.metadata.name), ['shared'], 'the dependent stays');
    assert.deepEqual(pods[0].metadata.ownerReferences?.map((r) => r.uid), ['uid-b']);
    const a = (await bench.list(REPLICASETS, 'default')).find((r) => r.metadata.name === 'a');
    assert.ok(!a || !(a.metadata.finalizers ?? []).includes('foregroundDeletion'), JSON.stringify(a?.metadata));
  } finally {
    await bench.stop();
  }
});

const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;

test("foreground deletion deletes a dependent with dependents of its own in the foreground, a leaf (a pod) in the background", async () => {
  const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default', uid: 'uid-d', deletionTimestamp: '2024-05-01T10:00:00Z', finalizers: ['foregroundDeletion'] } };
  const rs = replicaSet('rs', 'uid-rs');
  rs.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'uid-d', blockOwnerDeletion: true }];
  const lone = replicaSet('lone-rs', 'uid-lone');
  lone.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'uid-d', blockOwnerDeletion: true }];
  const bench = await startBench([new GarbageCollector()], [[DEPLOYMENTS, deployment], [REPLICASETS, rs], [REPLICASETS, lone], [PODS, podOwnedBy('p', { name: 'rs', uid: 'uid-rs' })]]);
  try {
    await bench.idle();
    const deletes = bench.fake.actions.filter((a) => a.verb === 'delete');
    const policyOf = (name: string) => (deletes.find((a) => a.name === name)?.object as { propagationPolicy?: string } | undefined)?.propagationPolicy;
    assert.equal(policyOf('rs'), 'Foreground', 'it has a pod');
    assert.equal(policyOf('lone-rs'), 'Background', 'nothing depends on it');
  } finally {
    await bench.stop();
  }
});

test('an object being deleted is not collected again as a dependent (no second DELETE, no owner reference dropped)', async () => {
  const going = podOwnedBy('going', { name: 'gone', uid: 'uid-gone' });
  going.metadata.deletionTimestamp = '2024-05-01T10:00:00Z';
  going.metadata.deletionGracePeriodSeconds = 30;
  going.metadata.ownerReferences!.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'kept', uid: 'uid-kept' });
  const bench = await startBench([new GarbageCollector()], [[REPLICASETS, replicaSet('kept', 'uid-kept')], [PODS, going]]);
  try {
    await bench.idle();
    assert.deepEqual(bench.fake.actions.filter((a) => a.verb !== 'list' && a.verb !== 'watch'), []);
  } finally {
    await bench.stop();
  }
});

test('a reference to an owner in another namespace: the dependent is collected, with an OwnerRefInvalidNamespace warning', async () => {
  const owner = replicaSet('web', 'uid-web');
  owner.metadata.namespace = 'other';
  const bench = await startBench([new GarbageCollector()], [[REPLICASETS, owner]]);
  try {
    bench.fake.set(PODS, podOwnedBy('stray', { name: 'web', uid: 'uid-web' }));
    await bench.idle();
    assert.deepEqual((await bench.list(PODS, 'default')).map((p) => p.metadata.name), []);
    assert.deepEqual(bench.events.events, [
      { kind: 'Pod', name: 'stray', type: 'Warning', reason: 'OwnerRefInvalidNamespace', message: 'ownerRef [apps/v1/ReplicaSet, namespace: default, name: web, uid: uid-web] does not exist in namespace "default"' },
    ]);
  } finally {
    await bench.stop();
  }
});

test('a cluster-scoped object naming a namespaced owner is never collected on its account, even once that owner is gone', async () => {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', uid: 'uid-ns', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'uid-web' }] } };
  const bench = await startBench([new GarbageCollector()], [[REPLICASETS, replicaSet('web', 'uid-web')]]);
  try {
    bench.fake.set(NAMESPACES, ns);
    await bench.idle();
    assert.equal(bench.events.events[0]?.message, 'ownerRef [apps/v1/ReplicaSet, namespace: , name: web, uid: uid-web] does not exist in namespace ""');
    bench.fake.remove(REPLICASETS, { namespace: 'default', name: 'web' });
    await bench.idle();
    assert.deepEqual((await bench.list(NAMESPACES, '')).map((n) => n.metadata.name), ['team']);
    assert.deepEqual(bench.fake.actions.filter((a) => a.resource === 'namespaces' && a.verb !== 'list' && a.verb !== 'watch'), []);
  } finally {
    await bench.stop();
  }
});

test('foreground deletion waits only for dependents with blockOwnerDeletion: with none, the owner goes at once and the rest follow it', async () => {
  const owner = replicaSet('fg', 'uid-fg');
  owner.metadata.deletionTimestamp = '2024-05-01T10:00:00Z';
  owner.metadata.finalizers = ['foregroundDeletion'];
  // Not blocking, and held by a finalizer of its own once deleted: it must not hold the owner.
  const loose = podOwnedBy('loose', { name: 'fg', uid: 'uid-fg' });
  loose.metadata.finalizers = ['example.com/hold'];
  const bench = await startBench([new GarbageCollector()], [[REPLICASETS, owner], [PODS, loose]]);
  try {
    await bench.idle();
    const o = (await bench.list(REPLICASETS, 'default'))[0];
    assert.ok(!o || !(o.metadata.finalizers ?? []).includes('foregroundDeletion'), JSON.stringify(o?.metadata));
    const pod = (await bench.list(PODS, 'default'))[0];
    assert.ok(pod?.metadata.deletionTimestamp, 'the dependent is deleted too (held by its own finalizer)');
  } finally {
    await bench.stop();
  }
});
