import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { ReplicaSetController } from '../replicaset/controller.js';
import { DEPLOYMENTS, Fixture, makeDeployment, makePod, makeReplicaSet, PODS, REPLICA_SETS, T0, template, type DeploymentOptions } from '../replicaset/testing/fixture.js';
import { formatTime, specReplicas, type Pod, type ReplicaSet } from '../replicaset/types.js';
import { DeploymentController } from './controller.js';
import { computeHash } from './hash.js';
import type { Deployment } from './types.js';

let f: Fixture;
afterEach(() => f?.stop());

const KEY = 'default/web';

async function setup(d: KubeObject, ...rest: Array<[typeof PODS, KubeObject]>): Promise<DeploymentController> {
  f = new Fixture();
  f.seed(DEPLOYMENTS, d);
  for (const [info, obj] of rest) f.seed(info, obj);
  const c = new DeploymentController();
  await f.start(c);
  return c;
}

/** Both controllers running, as in kube-controller-manager. */
async function running(d: KubeObject): Promise<void> {
  f = new Fixture();
  f.seed(DEPLOYMENTS, d);
  await f.start(new DeploymentController(), new ReplicaSetController());
  f.run();
  await f.settle(60);
}

const deployment = (): Deployment => f.get<Deployment>(DEPLOYMENTS, 'web')!;
const rs = (name: string): ReplicaSet => f.get<ReplicaSet>(REPLICA_SETS, name)!;
/** The pod-template-hash of the test Deployment's template with `image`. */
const hashOf = (image: string, collisionCount?: number): string => computeHash((makeDeployment('web', { image }) as Deployment).spec?.template, collisionCount);

/** What the replicaset controller would report: `available` of the ReplicaSet's pods ready and available. */
async function rsStatus(name: string, available: number, replicas?: number): Promise<void> {
  const cur = rs(name);
  f.seed(REPLICA_SETS, { ...cur, status: { replicas: replicas ?? specReplicas(cur), readyReplicas: available, availableReplicas: available, observedGeneration: cur.metadata.generation } });
  await f.settle();
}

/** Changes the Deployment's spec as `kubectl set image` / `scale` would (generation + 1). */
async function edit(change: DeploymentOptions): Promise<void> {
  const cur = deployment();
  const next = makeDeployment('web', { replicas: cur.spec?.replicas, image: (cur.spec?.template?.spec?.containers as Array<{ image: string }>)[0].image, ...change }) as Deployment;
  f.seed(DEPLOYMENTS, { ...cur, metadata: { ...cur.metadata, generation: (cur.metadata.generation ?? 1) + 1 }, spec: { ...cur.spec, ...next.spec, strategy: cur.spec?.strategy, paused: change.paused ?? cur.spec?.paused } });
  await f.settle();
}

async function sync(c: DeploymentController): Promise<void> {
  await f.settle();
  await c.sync(KEY);
  await f.settle();
}

describe('DeploymentController', () => {
  it('creates a ReplicaSet named after the pod-template hash, sized, annotated and owned', async () => {
    const c = await setup(makeDeployment('web', { replicas: 2 }));
    const hash = hashOf('nginx:1.25');
    await c.sync(KEY);
    assert.deepEqual(f.writes(), [`create replicasets.apps default/web-${hash}`, 'update deployments.apps/status default/web', 'update deployments.apps/status default/web']);
    const created = rs(`web-${hash}`);
    const d = deployment();
    assert.deepEqual(created.metadata.labels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(created.metadata.annotations, { 'deployment.kubernetes.io/desired-replicas': '2', 'deployment.kubernetes.io/max-replicas': '3', 'deployment.kubernetes.io/revision': '1' });
    assert.deepEqual(created.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(created.spec, {
      replicas: 2,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } },
      template: { ...template({ app: 'web', 'pod-template-hash': hash }) },
    });
    assert.deepEqual(f.events.lines(), [`Normal ScalingReplicaSet Scaled up replica set web-${hash} from 0 to 2`]);
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual(d.status, {
      observedGeneration: 1,
      unavailableReplicas: 2,
      conditions: [
        { type: 'Progressing', status: 'True', lastUpdateTime: formatTime(T0), lastTransitionTime: formatTime(T0), reason: 'NewReplicaSetCreated', message: `Created new replica set "web-${hash}"` },
        { type: 'Available', status: 'False', lastUpdateTime: formatTime(T0), lastTransitionTime: formatTime(T0), reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      ],
    });
  });

  it('with the replicaset controller: two ready pods make `2/2 2 2`', async () => {
    await running(makeDeployment('web', { replicas: 2 }));
    const hash = hashOf('nginx:1.25');
    const pods = await f.list<Pod>(PODS);
    assert.equal(pods.length, 2);
    for (const p of pods) {
      assert.match(p.metadata.name!, new RegExp(`^web-${hash}-[0-9a-z]{5}$`));
      assert.deepEqual(p.metadata.labels, { app: 'web', 'pod-template-hash': hash });
      assert.equal(p.metadata.ownerReferences?.[0].name, `web-${hash}`);
    }
    await f.clock.advance(5000);
    await f.markReady();
    await f.settle(60);
    const { status } = deployment();
    // kubectl get deployments: READY readyReplicas/spec.replicas, UP-TO-DATE updatedReplicas, AVAILABLE availableReplicas.
    assert.equal(`${status?.readyReplicas}/${deployment().spec?.replicas} ${status?.updatedReplicas} ${status?.availableReplicas}`, '2/2 2 2');
    assert.deepEqual({ ...status, conditions: undefined }, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: undefined });
    const byType = Object.fromEntries((status?.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason}: ${c.message}`]));
    assert.deepEqual(byType, {
      Available: 'True MinimumReplicasAvailable: Deployment has minimum availability.',
      Progressing: `True NewReplicaSetAvailable: ReplicaSet "web-${hash}" has successfully progressed.`,
    });
  });

  it('scales 2 → 3 → 1 through the ReplicaSet, with upstream event texts', async () => {
    await running(makeDeployment('web', { replicas: 2 }));
    await f.markReady();
    await f.settle(60);
    const name = `web-${hashOf('nginx:1.25')}`;
    await edit({ replicas: 3 });
    await f.settle(60);
    assert.equal(specReplicas(rs(name)), 3);
    assert.equal(rs(name).metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs(name).metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
    assert.equal((await f.list<Pod>(PODS)).length, 3);
    await edit({ replicas: 1 });
    await f.settle(60);
    assert.equal(specReplicas(rs(name)), 1);
    assert.equal((await f.list<Pod>(PODS)).length, 1);
    assert.deepEqual(f.events.lines('ScalingReplicaSet'), [
      `Normal ScalingReplicaSet Scaled up replica set ${name} from 0 to 2`,
      `Normal ScalingReplicaSet Scaled up replica set ${name} from 2 to 3`,
      `Normal ScalingReplicaSet Scaled down replica set ${name} from 3 to 1`,
    ]);
    assert.equal(f.events.lines('SuccessfulCreate').length, 3);
    assert.equal(f.events.lines('SuccessfulDelete').length, 2);
  });

  it('rolls out a new image with maxSurge=25% and maxUnavailable=25% of 4, one step at a time', async () => {
    const c = await setup(makeDeployment('web', { replicas: 4 }));
    const oldName = `web-${hashOf('nginx:1.25')}`;
    const newName = `web-${hashOf('nginx:1.26')}`;
    await c.sync(KEY);
    await rsStatus(oldName, 4);
    await sync(c);
    assert.equal(deployment().status?.availableReplicas, 4);
    f.events.clear();

    const sizes = (): string => `${specReplicas(rs(oldName))}+${rs(newName) ? specReplicas(rs(newName)) : 0}`;
    const invariant = (): void => {
      const total = specReplicas(rs(oldName)) + (rs(newName) ? specReplicas(rs(newName)) : 0);
      const available = (rs(oldName).status?.availableReplicas ?? 0) + (rs(newName)?.status?.availableReplicas ?? 0);
      assert.ok(total <= 5, `at most 4 + 1 surge pods, got ${total}`);
      assert.ok(available >= 3, `at least 4 - 1 available, got ${available}`);
    };

    await edit({ image: 'nginx:1.26' });
    await sync(c); // new RS at 1 (surge), old down to 3 (one may be unavailable)
    assert.equal(sizes(), '3+1');
    await rsStatus(oldName, 3);
    await rsStatus(newName, 0);
    invariant();
    await sync(c); // room for one more new pod
    assert.equal(sizes(), '3+2');
    await rsStatus(newName, 0);
    await sync(c); // new pods not available: nothing may go
    assert.equal(sizes(), '3+2');
    await rsStatus(newName, 2);
    invariant();
    await sync(c); // two new available: two old may go
    assert.equal(sizes(), '1+2');
    await rsStatus(oldName, 1);
    invariant();
    await sync(c);
    assert.equal(sizes(), '1+4');
    await rsStatus(newName, 2);
    invariant();
    await sync(c); // waiting for the new pods
    assert.equal(sizes(), '1+4');
    await rsStatus(newName, 4);
    await sync(c);
    assert.equal(sizes(), '0+4');
    await rsStatus(oldName, 0);
    await sync(c);
    await sync(c);

    assert.deepEqual(f.events.lines(), [
      `Normal ScalingReplicaSet Scaled up replica set ${newName} from 0 to 1`,
      `Normal ScalingReplicaSet Scaled down replica set ${oldName} from 4 to 3`,
      `Normal ScalingReplicaSet Scaled up replica set ${newName} from 1 to 2`,
      `Normal ScalingReplicaSet Scaled down replica set ${oldName} from 3 to 1`,
      `Normal ScalingReplicaSet Scaled up replica set ${newName} from 2 to 4`,
      `Normal ScalingReplicaSet Scaled down replica set ${oldName} from 1 to 0`,
    ]);
    assert.equal(rs(newName).metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    assert.equal(rs(oldName).metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(deployment().metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    const { status } = deployment();
    assert.deepEqual({ ...status, conditions: undefined }, { observedGeneration: 2, replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 4, conditions: undefined });
    assert.equal(status?.conditions?.find((x) => x.type === 'Progressing')?.reason, 'NewReplicaSetAvailable');
  });

  it('Recreate scales the old ReplicaSet to 0 and starts new pods only once the old ones are gone', async () => {
    await running(makeDeployment('web', { replicas: 2, strategy: 'Recreate' }));
    await f.markReady();
    await f.settle(60);
    const oldName = `web-${hashOf('nginx:1.25')}`;
    const newName = `web-${hashOf('nginx:1.26')}`;
    await edit({ image: 'nginx:1.26' });
    await f.settle(80);
    assert.equal(specReplicas(rs(oldName)), 0);
    assert.equal(specReplicas(rs(newName)), 2);
    const writes = f.writes();
    const lastDelete = writes.map((w, i) => (w.startsWith('delete pods') ? i : -1)).reduce((a, b) => Math.max(a, b));
    assert.ok(writes.indexOf(`create replicasets.apps default/${newName}`) > lastDelete, 'the new ReplicaSet comes after the last old pod went');
    const pods = await f.list<Pod>(PODS);
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => p.metadata.labels?.['pod-template-hash'] === hashOf('nginx:1.26')));
    assert.deepEqual(f.events.lines('ScalingReplicaSet'), [
      `Normal ScalingReplicaSet Scaled up replica set ${oldName} from 0 to 2`,
      `Normal ScalingReplicaSet Scaled down replica set ${oldName} from 2 to 0`,
      `Normal ScalingReplicaSet Scaled up replica set ${newName} from 0 to 2`,
    ]);
  });

  it('Recreate waits while an old pod still runs', async () => {
    const d = makeDeployment('web', { replicas: 1, strategy: 'Recreate', image: 'nginx:1.26' });
    const c = await setup(d);
    const dep = deployment();
    const old = makeReplicaSet('web-old', { replicas: 0, owner: dep, labels: { app: 'web', 'pod-template-hash': 'old' }, status: { replicas: 0, observedGeneration: 1 } });
    old.metadata.uid = 'rs-old';
    f.seed(REPLICA_SETS, old);
    f.seed(PODS, makePod('web-old-1', { owner: { ...old, kind: 'ReplicaSet' }, labels: { app: 'web', 'pod-template-hash': 'old' }, phase: 'Running' }));
    await sync(c);
    assert.ok(!f.writes().some((w) => w.startsWith('create replicasets')));
    f.fake.remove(PODS, { namespace: 'default', name: 'web-old-1' });
    await sync(c);
    assert.ok(f.writes().includes(`create replicasets.apps default/web-${hashOf('nginx:1.26')}`));
  });

  it('adopts matching orphan ReplicaSets and releases owned ones that stopped matching', async () => {
    const c = await setup(makeDeployment('web', { replicas: 1 }));
    const d = deployment();
    const orphan = makeReplicaSet('web-orphan', { replicas: 0, image: 'nginx:1.20' });
    const stray = makeReplicaSet('web-stray', { replicas: 0, owner: d, labels: { app: 'other' } });
    f.seed(REPLICA_SETS, orphan);
    f.seed(REPLICA_SETS, stray);
    await sync(c);
    assert.deepEqual(f.writes().slice(0, 2), ['patch replicasets.apps default/web-orphan', 'patch replicasets.apps default/web-stray']);
    assert.equal(rs('web-orphan').metadata.ownerReferences?.[0].uid, d.metadata.uid);
    assert.equal(rs('web-stray').metadata.ownerReferences, undefined);
  });

  it('keeps revisionHistoryLimit old ReplicaSets once the rollout is complete', async () => {
    const c = await setup(makeDeployment('web', { replicas: 1, revisionHistoryLimit: 1 }));
    const d = deployment();
    for (const [i, image] of ['nginx:1.1', 'nginx:1.2', 'nginx:1.3'].entries()) {
      f.seed(REPLICA_SETS, makeReplicaSet(`web-r${i + 1}`, { replicas: 0, image, owner: d, created: T0 + i * 1000, annotations: { 'deployment.kubernetes.io/revision': String(i + 1) }, status: { replicas: 0, observedGeneration: 1 } }));
    }
    await sync(c);
    const current = `web-${hashOf('nginx:1.25')}`;
    await rsStatus(current, 1);
    await sync(c);
    await sync(c);
    assert.deepEqual(f.writes().filter((w) => w.startsWith('delete')), ['delete replicasets.apps default/web-r1', 'delete replicasets.apps default/web-r2']);
    assert.equal(rs(current).metadata.annotations?.['deployment.kubernetes.io/revision'], '4');
  });

  it('paused: no rollout, scaling still applies, and the Progressing condition says so', async () => {
    const c = await setup(makeDeployment('web', { replicas: 2 }));
    const name = `web-${hashOf('nginx:1.25')}`;
    await sync(c);
    await rsStatus(name, 2);
    await sync(c);
    await edit({ paused: true, image: 'nginx:1.26', replicas: 4 });
    await sync(c);
    const progressing = deployment().status?.conditions?.find((x) => x.type === 'Progressing');
    assert.deepEqual([progressing?.status, progressing?.reason, progressing?.message], ['Unknown', 'DeploymentPaused', 'Deployment is paused']);
    assert.equal(rs(`web-${hashOf('nginx:1.26')}`), undefined);
    assert.equal(specReplicas(rs(name)), 4);
    await edit({ paused: false });
    await sync(c);
    assert.ok(rs(`web-${hashOf('nginx:1.26')}`));
    assert.equal(deployment().status?.conditions?.find((x) => x.type === 'Progressing')?.reason, 'NewReplicaSetCreated');
  });

  it('scaling mid-rollout spreads the change by max-replicas (the proportional-scaling example of the docs: 10 → 15, +3 old, +2 new)', async () => {
    const c = await setup(makeDeployment('web', { replicas: 10, maxSurge: 3, maxUnavailable: 2, image: 'nginx:bad' }));
    const d = deployment();
    const sizes = { 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '13' };
    f.seed(REPLICA_SETS, makeReplicaSet('web-old', { replicas: 8, image: 'nginx:1.25', owner: d, created: T0, annotations: { ...sizes, 'deployment.kubernetes.io/revision': '1' }, status: { replicas: 8, availableReplicas: 8 } }));
    f.seed(REPLICA_SETS, makeReplicaSet('web-new', { replicas: 5, image: 'nginx:bad', owner: d, created: T0 + 1000, annotations: { ...sizes, 'deployment.kubernetes.io/revision': '2' }, status: { replicas: 5 } }));
    await edit({ replicas: 15 });
    await sync(c);
    assert.deepEqual([specReplicas(rs('web-old')), specReplicas(rs('web-new'))], [11, 7]);
    for (const name of ['web-old', 'web-new']) {
      assert.deepEqual(rs(name).metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '15');
      assert.deepEqual(rs(name).metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '18');
    }
    assert.deepEqual(f.events.lines().filter((l) => l.includes('Scaled')), ['Normal ScalingReplicaSet Scaled up replica set web-old from 8 to 11', 'Normal ScalingReplicaSet Scaled up replica set web-new from 5 to 7']);
  });

  it('rollout undo (the old template written back) reuses the old ReplicaSet: revision max+1, the old one kept in revision-history', async () => {
    const c = await setup(makeDeployment('web', { replicas: 2, image: 'nginx:1.25' }));
    const d = deployment();
    f.seed(REPLICA_SETS, makeReplicaSet('web-r1', { replicas: 0, image: 'nginx:1.24', owner: d, created: T0, annotations: { 'deployment.kubernetes.io/revision': '1', 'kubernetes.io/change-cause': 'first' }, status: { replicas: 0, observedGeneration: 1 } }));
    f.seed(REPLICA_SETS, makeReplicaSet('web-r2', { replicas: 2, image: 'nginx:1.25', owner: d, created: T0 + 1000, annotations: { 'deployment.kubernetes.io/revision': '2', 'deployment.kubernetes.io/desired-replicas': '2', 'deployment.kubernetes.io/max-replicas': '3' }, status: { replicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 } }));
    await sync(c);
    assert.equal(deployment().metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    await edit({ image: 'nginx:1.24' });
    await sync(c);
    const r1 = rs('web-r1');
    assert.equal(r1.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(r1.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(deployment().metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    await sync(c);
    // 25% surge of 2 is 1: the reused ReplicaSet grows by one first.
    assert.equal(specReplicas(rs('web-r1')), 1);
    assert.equal(rs(`web-${hashOf('nginx:1.24')}`), undefined, 'no new ReplicaSet for a template that has one');
  });

  it('reports ProgressDeadlineExceeded when the new pods never become available', async () => {
    const c = await setup(makeDeployment('web', { replicas: 1 }));
    const name = `web-${hashOf('nginx:1.25')}`;
    await sync(c);
    await rsStatus(name, 0, 1);
    await sync(c);
    await f.clock.advance(601_000);
    await sync(c);
    const progressing = deployment().status?.conditions?.find((x) => x.type === 'Progressing');
    assert.deepEqual([progressing?.status, progressing?.reason, progressing?.message], ['False', 'ProgressDeadlineExceeded', `ReplicaSet "${name}" has timed out progressing.`]);
  });

  it('a name taken by a foreign ReplicaSet bumps collisionCount and the next hash is used', async () => {
    const hash = hashOf('nginx:1.25');
    const foreign = makeReplicaSet(`web-${hash}`, { replicas: 0, labels: { app: 'elsewhere' } });
    const c = await setup(makeDeployment('web', { replicas: 1 }), [REPLICA_SETS, foreign]);
    await assert.rejects(c.sync(KEY), /already exists/);
    await f.settle();
    assert.equal(deployment().status?.collisionCount, 1);
    await c.sync(KEY);
    assert.notEqual(hashOf('nginx:1.25', 1), hash);
    assert.ok(rs(`web-${hashOf('nginx:1.25', 1)}`));
  });
});
