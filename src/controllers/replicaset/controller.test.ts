import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { newForbidden } from '../../api/errors.js';
import { ReplicaSetController } from './controller.js';
import { Fixture, makePod, makeReplicaSet, PODS, REPLICA_SETS, T0 } from './testing/fixture.js';
import type { Pod, ReplicaSet } from './types.js';

let f: Fixture;
afterEach(() => f?.stop());

async function setup(...objects: Array<[typeof PODS, Pod | ReplicaSet]>): Promise<ReplicaSetController> {
  f = new Fixture();
  for (const [info, obj] of objects) f.seed(info, obj);
  const c = new ReplicaSetController();
  await f.start(c);
  return c;
}

const status = (name: string): ReplicaSet['status'] => f.get<ReplicaSet>(REPLICA_SETS, name)?.status;

describe('ReplicaSetController', () => {
  it('creates the missing pods from the template, owned by the ReplicaSet', async () => {
    const c = await setup([REPLICA_SETS, makeReplicaSet('web-abc', { replicas: 2 })]);
    const rs = f.get<ReplicaSet>(REPLICA_SETS, 'web-abc')!;
    await c.sync('default/web-abc');
    assert.deepEqual(f.writes(), ['create pods default/', 'create pods default/', 'update replicasets.apps/status default/web-abc']);
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true };
    for (const body of f.bodies<Pod>('create pods')) {
      assert.equal(body.metadata.generateName, 'web-abc-');
      assert.deepEqual(body.metadata.labels, { app: 'web' });
      assert.deepEqual(body.metadata.ownerReferences, [ref]);
      assert.deepEqual(body.spec, { containers: [{ name: 'web', image: 'nginx:1.25' }] });
    }
    const pods = await f.list<Pod>(PODS);
    assert.equal(pods.length, 2);
    assert.deepEqual(f.events.lines(), pods.map((p) => `Normal SuccessfulCreate Created pod: ${p.metadata.name}`));
    assert.match(pods[0].metadata.name!, /^web-abc-[0-9a-z]{5}$/);
    assert.deepEqual(f.bodies<ReplicaSet>('update replicasets.apps/status')[0].status, { replicas: 0, observedGeneration: 1 });

    await f.settle();
    f.fake.clearActions();
    await c.sync('default/web-abc');
    assert.deepEqual(f.writes(), ['update replicasets.apps/status default/web-abc']);
    assert.deepEqual(status('web-abc'), { replicas: 2, fullyLabeledReplicas: 2, observedGeneration: 1 });
  });

  it('does not create again while its cache has not seen the pods it created', async () => {
    const c = await setup([REPLICA_SETS, makeReplicaSet('web-abc', { replicas: 2 })]);
    f.hold('pods');
    await c.sync('default/web-abc');
    await f.settle();
    await c.sync('default/web-abc');
    assert.equal(f.writes().filter((w) => w.startsWith('create pods')).length, 2);
    await f.release('pods');
    await c.sync('default/web-abc');
    assert.equal(f.writes().filter((w) => w.startsWith('create pods')).length, 2);
    assert.equal(status('web-abc')?.replicas, 2);
  });

  it('deletes the surplus, least valuable pods first', async () => {
    const rs = makeReplicaSet('web-abc', { replicas: 1 });
    rs.metadata.uid = 'rs-1';
    const c = await setup(
      [REPLICA_SETS, rs],
      [PODS, makePod('ready', { owner: rs, ready: true, node: 'n1' })],
      [PODS, makePod('starting', { owner: rs, phase: 'Running', node: 'n1' })],
      [PODS, makePod('unscheduled', { owner: rs })],
    );
    await c.sync('default/web-abc');
    assert.deepEqual(f.writes(), ['delete pods default/unscheduled', 'delete pods default/starting', 'update replicasets.apps/status default/web-abc']);
    assert.deepEqual(f.events.lines().sort(), ['Normal SuccessfulDelete Deleted pod: starting', 'Normal SuccessfulDelete Deleted pod: unscheduled']);
    await f.settle();
    await c.sync('default/web-abc');
    assert.deepEqual(status('web-abc'), { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 });
  });

  it('a ReplicaSet without a controller ranks no pod as doubled up (getReplicaSetsWithSameController is empty)', async () => {
    const rs = makeReplicaSet('bare', { replicas: 2 });
    rs.metadata.uid = 'rs-1';
    const old = T0 - 10 * 86400_000;
    const c = await setup(
      [REPLICA_SETS, rs],
      [PODS, makePod('n1-a', { owner: rs, ready: true, node: 'n1', created: old, uid: 'u1' })],
      [PODS, makePod('n1-b', { owner: rs, ready: true, node: 'n1', created: old, uid: 'u2' })],
      [PODS, makePod('n2-newer', { owner: rs, ready: true, node: 'n2', created: T0 - 60_000, uid: 'u3' })],
    );
    await c.sync('default/bare');
    // Two pods on n1 do not make either of them go first: the newest pod does.
    assert.deepEqual(f.writes(), ['delete pods default/n2-newer', 'update replicasets.apps/status default/bare']);
  });

  it('adopts matching orphans, releases owned pods that stopped matching, leaves others alone', async () => {
    const rs = makeReplicaSet('web-abc', { replicas: 2 });
    rs.metadata.uid = 'rs-1';
    const other = makeReplicaSet('other', { labels: { app: 'web' } });
    other.metadata.uid = 'rs-2';
    const c = await setup(
      [REPLICA_SETS, rs],
      [PODS, makePod('orphan', { phase: 'Running' })],
      [PODS, makePod('relabelled', { owner: rs, labels: { app: 'debug' } })],
      [PODS, makePod('theirs', { owner: other })],
      [PODS, makePod('mine', { owner: rs })],
    );
    await c.sync('default/web-abc');
    assert.deepEqual(f.writes(), ['patch pods default/orphan', 'patch pods default/relabelled', 'update replicasets.apps/status default/web-abc']);
    // The ReplicaSet is read fresh once before adopting (RecheckDeletionTimestamp).
    assert.equal(f.fake.actions.filter((a) => a.verb === 'get' && a.resource === 'replicasets.apps').length, 1);
    const [adopt, release] = f.bodies<{ metadata: Record<string, unknown> }>('patch pods');
    assert.deepEqual(adopt.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-1', controller: true, blockOwnerDeletion: true }]);
    assert.equal(adopt.metadata.uid, f.get<Pod>(PODS, 'orphan')!.metadata.uid);
    assert.equal(release.metadata.ownerReferences, null);
    assert.equal(f.get<Pod>(PODS, 'relabelled')!.metadata.ownerReferences, undefined);
    assert.equal(f.get<Pod>(PODS, 'theirs')!.metadata.ownerReferences![0].uid, 'rs-2');
    assert.deepEqual(status('web-abc'), { replicas: 2, fullyLabeledReplicas: 2, observedGeneration: 1 });
  });

  it('does not adopt for a ReplicaSet that is being deleted', async () => {
    const rs = makeReplicaSet('web-abc', { replicas: 1 });
    rs.metadata.deletionTimestamp = '2024-05-01T09:00:00Z';
    rs.metadata.finalizers = ['foregroundDeletion'];
    const c = await setup([REPLICA_SETS, rs], [PODS, makePod('orphan')]);
    await c.sync('default/web-abc');
    assert.deepEqual(f.writes(), ['update replicasets.apps/status default/web-abc']);
  });

  it('counts fully labelled, ready and available (minReadySeconds) pods', async () => {
    const rs = makeReplicaSet('web-abc', { replicas: 3, minReadySeconds: 10 });
    rs.metadata.uid = 'rs-1';
    rs.spec!.template!.metadata!.labels = { app: 'web', tier: 'front' };
    const full = { app: 'web', tier: 'front' };
    const c = await setup(
      [REPLICA_SETS, rs],
      [PODS, makePod('old', { owner: rs, labels: full, ready: true, readyAt: T0 - 60_000 })],
      [PODS, makePod('fresh', { owner: rs, labels: full, ready: true, readyAt: T0 - 5_000 })],
      [PODS, makePod('partial', { owner: rs, phase: 'Running' })],
    );
    await c.sync('default/web-abc');
    assert.deepEqual(status('web-abc'), { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 1 });
    await f.clock.advance(6_000);
    await c.sync('default/web-abc');
    assert.equal(status('web-abc')?.availableReplicas, 2);
  });

  it('reports create failures as a ReplicaFailure condition and a FailedCreate event, and slows down', async () => {
    const c = await setup([REPLICA_SETS, makeReplicaSet('web-abc', { replicas: 3 })]);
    const denied = newForbidden({ group: '', resource: 'pods' }, '', 'exceeded quota: compute');
    const undo = f.fake.inject((a) => (a.verb === 'create' && a.resource === 'pods' ? denied : undefined));
    await assert.rejects(c.sync('default/web-abc'), (err: Error) => err.message === denied.message);
    assert.equal(f.writes().filter((w) => w.startsWith('create pods')).length, 1, 'the first batch of one failed: no more attempts');
    assert.deepEqual(f.events.lines(), [`Warning FailedCreate Error creating: ${denied.message}`]);
    const cond = status('web-abc')!.conditions!;
    assert.deepEqual(cond, [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2024-05-01T10:00:00Z', reason: 'FailedCreate', message: denied.message }]);

    undo();
    await f.settle();
    await c.sync('default/web-abc');
    await f.settle();
    await c.sync('default/web-abc');
    assert.equal((await f.list<Pod>(PODS)).length, 3);
    assert.deepEqual(status('web-abc'), { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
  });

  it('runs as a controller: pods appear, and become ready and available', async () => {
    await setup();
    f.run();
    await f.client.resource(REPLICA_SETS).create(makeReplicaSet('web-abc', { replicas: 2 }));
    await f.settle();
    assert.equal((await f.list<Pod>(PODS)).length, 2);
    await f.markReady();
    assert.deepEqual(status('web-abc'), { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
    // Scale down to 1, then delete a pod: the ReplicaSet replaces it.
    await f.client.resource(REPLICA_SETS).patch('web-abc', { spec: { replicas: 1 } }, { namespace: 'default' });
    await f.settle();
    const [left] = await f.list<Pod>(PODS);
    assert.equal((await f.list<Pod>(PODS)).length, 1);
    await f.client.resource(PODS).delete(left.metadata.name!, { namespace: 'default' });
    await f.settle();
    const pods = await f.list<Pod>(PODS);
    assert.equal(pods.length, 1);
    assert.notEqual(pods[0].metadata.name, left.metadata.name);
  });
});
