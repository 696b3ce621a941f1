import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeDeployment, makeReplicaSet } from '../replicaset/testing/fixture.js';
import { desiredReplicasAnnotation, maxReplicasAnnotation } from './annotations.js';
import { equalIgnoreHash, getProportion, intOrPercent, isSaturated, maxSurge, maxUnavailable, newRSNewReplicas, resolveFenceposts } from './replica-sets.js';
import { withDefaults } from './types.js';

describe('fenceposts', () => {
  it('rounds surge up and unavailable down, as upstream', () => {
    assert.deepEqual(resolveFenceposts({ maxSurge: '25%', maxUnavailable: '25%' }, 4), [1, 1]);
    assert.deepEqual(resolveFenceposts({ maxSurge: '25%', maxUnavailable: '25%' }, 2), [1, 0]);
    assert.deepEqual(resolveFenceposts({ maxSurge: '25%', maxUnavailable: '25%' }, 10), [3, 2]);
    assert.deepEqual(resolveFenceposts({ maxSurge: 0, maxUnavailable: 0 }, 5), [0, 1]);
    assert.deepEqual(resolveFenceposts({ maxSurge: 2, maxUnavailable: '50%' }, 3), [2, 1]);
    assert.throws(() => intOrPercent('5', { total: 10, roundUp: true }), /string is not a percentage/);
    assert.throws(() => intOrPercent('x%', { total: 10, roundUp: true }), /invalid value "x%"/);
  });

  it('maxUnavailable is capped by replicas and 0 for Recreate', () => {
    assert.equal(maxUnavailable(withDefaults(makeDeployment('web', { replicas: 2, maxUnavailable: 5 }))), 2);
    assert.equal(maxUnavailable(withDefaults(makeDeployment('web', { replicas: 0 }))), 0);
    assert.equal(maxUnavailable(withDefaults(makeDeployment('web', { replicas: 4, strategy: 'Recreate' }))), 0);
    assert.equal(maxSurge(withDefaults(makeDeployment('web', { replicas: 4, strategy: 'Recreate' }))), 0);
  });

  it('the new ReplicaSet grows within replicas + maxSurge', () => {
    const d = withDefaults(makeDeployment('web', { replicas: 4 }));
    const old = makeReplicaSet('old', { replicas: 4 });
    const fresh = makeReplicaSet('new', { replicas: 0 });
    assert.equal(newRSNewReplicas(d, { allRSs: [old, fresh], newRS: fresh }), 1);
    old.spec!.replicas = 3;
    fresh.spec!.replicas = 1;
    assert.equal(newRSNewReplicas(d, { allRSs: [old, fresh], newRS: fresh }), 2);
    old.spec!.replicas = 1;
    fresh.spec!.replicas = 3;
    assert.equal(newRSNewReplicas(d, { allRSs: [old, fresh], newRS: fresh }), 4);
  });

  it('proportions follow the max-replicas annotation, rounding half away from zero', () => {
    const d = withDefaults(makeDeployment('web', { replicas: 20, maxSurge: 3 }));
    const rs = makeReplicaSet('a', { replicas: 5, annotations: { 'deployment.kubernetes.io/max-replicas': '13' } });
    // 5 * 23 / 13 = 8.85 → 9: four more, within the 10 still to hand out.
    assert.equal(getProportion(d, { rs, toAdd: 10, added: 0 }), 4);
    assert.equal(getProportion(d, { rs, toAdd: 10, added: 8 }), 2);
    assert.equal(getProportion(d, { rs: makeReplicaSet('z', { replicas: 0 }), toAdd: 10, added: 0 }), 0);
  });

  it('desired-replicas and max-replicas read as non-negative int32s only (getNonNegativeInt32FromAnnotation)', () => {
    const read = (v: string) => {
      const rs = makeReplicaSet('a', { annotations: { 'deployment.kubernetes.io/desired-replicas': v, 'deployment.kubernetes.io/max-replicas': v } });
      return [desiredReplicasAnnotation(rs), maxReplicasAnnotation(rs)];
    };
    assert.deepEqual(read('7'), [7, 7]);
    assert.deepEqual(read('0'), [0, 0]);
    for (const bad of ['-1', '+3', '2147483648', ' 3', '3x', '']) assert.deepEqual(read(bad), [undefined, undefined], bad);
    // A negative max-replicas falls back to status.replicas, as a missing one does: 5 * 23 / 10 = 11.5 → 12.
    const d = withDefaults(makeDeployment('web', { replicas: 20, maxSurge: 3 }));
    d.status.replicas = 10;
    const rs = makeReplicaSet('b', { replicas: 5, annotations: { 'deployment.kubernetes.io/max-replicas': '-13' } });
    assert.equal(getProportion(d, { rs, toAdd: 10, added: 0 }), 7);
    // IsSaturated parses desired-replicas as a (signed) int32: '+4' is 4 there.
    const sat = makeReplicaSet('c', { replicas: 4, annotations: { 'deployment.kubernetes.io/desired-replicas': '+4' }, status: { availableReplicas: 4 } });
    assert.equal(isSaturated(withDefaults(makeDeployment('web', { replicas: 4 })), sat), true);
  });

  it('templates compare without the pod-template-hash label', () => {
    const a = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'c', image: 'x' }], volumes: [] } };
    const b = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    assert.equal(equalIgnoreHash(a, b), true);
    assert.equal(equalIgnoreHash(a, { ...b, spec: { containers: [{ name: 'c', image: 'y' }] } }), false);
  });

  it('templates compare quantities by value (a ReplicaSet stored before quantities were canonical is not a new template)', () => {
    const raw = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '0.5', memory: '1024Mi' } } }] } };
    const stored = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '500m', memory: '1Gi' } } }] } };
    assert.equal(equalIgnoreHash(raw, stored), true);
    assert.equal(raw.spec.containers[0].resources.limits.cpu, '0.5', 'the templates themselves are not changed');
    const more = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '600m', memory: '1Gi' } } }] } };
    assert.equal(equalIgnoreHash(raw, more), false);
  });

  it('templates compare defaulted (a ReplicaSet stored before a volume default existed is not a new template)', () => {
    const volumes = (extra: Record<string, unknown>) => [
      { name: 'cfg', configMap: { name: 'app', ...extra } },
      { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token', ...(extra.defaultMode ? { expirationSeconds: 3600 } : {}) } }], ...extra } },
    ];
    const before = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }], volumes: volumes({}) } };
    const now = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }], volumes: volumes({ defaultMode: 420 }) } };
    assert.equal(equalIgnoreHash(before, now), true);
    assert.deepEqual(before.spec.volumes[0], { name: 'cfg', configMap: { name: 'app' } }, 'the templates themselves are not changed');
    const other = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }], volumes: volumes({ defaultMode: 0o600 }) } };
    assert.equal(equalIgnoreHash(before, other), false);
  });
});
