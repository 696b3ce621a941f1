/** @module Tests of the pod strategy's create defaults: the account's two fields (admission names the account: pod-service-account.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageTag, podStrategy } from './pod.js';

test('the deprecated serviceAccount field mirrors the name; the strategy alone names no account (the ServiceAccount admission plugin does)', () => {
  const create = (spec: Record<string, unknown>) => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
    podStrategy.defaults!(pod);
    void podStrategy.prepareForCreate!(pod, { now: '2025-01-01T00:00:00Z', operation: 'create', dryRun: false });
    const { serviceAccountName, serviceAccount } = pod.spec as { serviceAccountName?: string; serviceAccount?: string };
    return [serviceAccountName, serviceAccount];
  };
  assert.deepEqual(create({}), [undefined, undefined]);
  assert.deepEqual(create({ serviceAccountName: 'builder' }), ['builder', 'builder']);
  assert.deepEqual(create({ serviceAccount: 'legacy' }), ['legacy', 'legacy']);
  assert.deepEqual(create({ serviceAccountName: 'builder', serviceAccount: 'legacy' }), ['builder', 'builder']);
});

test('volumes get the v1 defaults, and a pod stored without them may still be labeled', () => {
  const volumes = [
    { name: 'cfg', configMap: { name: 'app' } },
    { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 't' } }, { downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
    { name: 'host', hostPath: { path: '/tmp' } },
    { name: 'none' },
  ];
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { serviceAccountName: 'default', containers: [{ name: 'c', image: 'busybox' }], volumes: structuredClone(volumes) } };
  podStrategy.defaults!(pod);
  assert.deepEqual((pod.spec as { volumes: unknown[] }).volumes, [
    { name: 'cfg', configMap: { name: 'app', defaultMode: 420 } },
    { name: 'tok', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 3600 } }, { downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } }] } }] } },
    { name: 'host', hostPath: { path: '/tmp', type: '' } },
    { name: 'none', emptyDir: {} },
  ]);
  // As stored by a kubito that did not default volumes yet: the label update is no spec change.
  const stored = { ...structuredClone(pod), spec: { ...structuredClone(pod.spec), volumes: [...structuredClone(volumes.slice(0, 3)), { name: 'none', emptyDir: {} }] }, status: { phase: 'Pending', qosClass: 'BestEffort' } };
  const next = structuredClone(stored) as typeof stored & { metadata: { labels?: Record<string, string> } };
  next.metadata.labels = { a: 'b' };
  void podStrategy.prepareForUpdate!(next, stored, { now: '2025-01-01T00:00:00Z', operation: 'update', dryRun: false });
  assert.deepEqual(podStrategy.validateUpdate!(next, stored), []);
});

test("image tags as parsers.ParseImageName gives them, and the pull policy SetDefaults_Container derives", () => {
  const cases: Array<[string, string]> = [
    ['nginx', 'latest'], ['nginx:1.25', '1.25'], ['nginx:latest', 'latest'], ['localhost:5000/app', 'latest'],
    ['localhost:5000/app:v1', 'v1'], ['app@sha256:' + 'a'.repeat(64), ''], ['app:latest@sha256:' + 'a'.repeat(64), 'latest'],
    ['r.io:443/team/app:v2@sha256:' + 'b'.repeat(64), 'v2'], ['', ''],
  ];
  assert.deepEqual(cases.map(([ref]) => [ref, imageTag(ref)]), cases);
  const policy = (image: string) => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image }] } };
    podStrategy.defaults!(pod);
    return (pod.spec.containers[0] as Record<string, unknown>).imagePullPolicy;
  };
  assert.deepEqual(['busybox', 'busybox:1.36', `busybox@sha256:${'c'.repeat(64)}`].map(policy), ['Always', 'IfNotPresent', 'IfNotPresent']);
});

test('image volumes and clusterTrustBundle projections are dropped as by 1.33 default feature gates, unless the stored spec uses them', () => {
  const ctx = { now: '2025-01-01T00:00:00Z', operation: 'create' as const, dryRun: false };
  const pod = () => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' },
    spec: {
      containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'img', mountPath: '/img', subPath: 'dir' }, { name: 'roots', mountPath: '/roots' }] }],
      volumes: [
        { name: 'img', image: { reference: 'quay.io/crio/artifact:v2' } },
        { name: 'roots', projected: { sources: [{ clusterTrustBundle: { signerName: 'example.com/signer', path: 'roots.pem' } }, { configMap: { name: 'ca' } }] } },
      ],
    },
  });
  const created = pod();
  podStrategy.defaults!(created);
  void podStrategy.prepareForCreate!(created, ctx);
  assert.deepEqual(created.spec.volumes[0], { name: 'img' });
  assert.deepEqual((created.spec.volumes[1] as { projected: { sources: unknown[] } }).projected.sources[0], {});
  assert.deepEqual(podStrategy.validate!(created).map((e) => `${e.field}: ${e.detail}`).filter((t) => t.startsWith('spec.volumes')), ['spec.volumes[0]: Required value: must specify a volume type']);
  // A pod stored with them (an older kubito, or gates on) keeps them on update.
  const stored = pod();
  podStrategy.defaults!(stored);
  const next = structuredClone(stored);
  void podStrategy.prepareForUpdate!(next, stored, { ...ctx, operation: 'update' });
  assert.equal((next.spec.volumes[0] as { image?: { reference: string } }).image?.reference, 'quay.io/crio/artifact:v2');
  assert.ok((next.spec.volumes[1] as { projected: { sources: Array<Record<string, unknown>> } }).projected.sources[0].clusterTrustBundle);
});

test('DefaultTolerationSeconds: a pod gets the not-ready and unreachable NoExecute tolerations for 300 s unless it tolerates them already; a pod stored without them gets them on its next update', () => {
  const NOT_READY = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
  const UNREACHABLE = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
  const created = (tolerations?: unknown[]) => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...(tolerations ? { tolerations } : {}) } };
    void podStrategy.prepareForCreate!(pod, { now: '2025-01-01T00:00:00Z', operation: 'create', dryRun: false });
    return (pod.spec as { tolerations?: unknown[] }).tolerations;
  };
  assert.deepEqual(created(), [NOT_READY, UNREACHABLE]);
  const own = { key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' };
  assert.deepEqual(created([own]), [own, NOT_READY, UNREACHABLE]);
  // Tolerating every key (with every effect, or NoExecute) counts; another effect does not.
  assert.deepEqual(created([{ operator: 'Exists' }]), [{ operator: 'Exists' }]);
  assert.deepEqual(created([{ operator: 'Exists', effect: 'NoExecute' }]), [{ operator: 'Exists', effect: 'NoExecute' }]);
  const mine = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 6000 };
  assert.deepEqual(created([mine]), [mine, NOT_READY]);
  const schedule = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' };
  assert.deepEqual(created([schedule]), [schedule, NOT_READY, UNREACHABLE]);
  // As stored before: the update adds them, which pod update validation allows (additions).
  const stored = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] }, status: { phase: 'Pending', qosClass: 'BestEffort' } };
  podStrategy.defaults!(stored);
  const next = structuredClone(stored) as typeof stored & { metadata: { labels?: Record<string, string> } };
  next.metadata.labels = { a: 'b' };
  void podStrategy.prepareForUpdate!(next, stored, { now: '2025-01-01T00:00:00Z', operation: 'update', dryRun: false });
  assert.deepEqual((next.spec as { tolerations?: unknown[] }).tolerations, [NOT_READY, UNREACHABLE]);
  assert.deepEqual(podStrategy.validateUpdate!(next, stored), []);
});

test('a pod created with scheduling gates says so: PodScheduled=False, SchedulingGated (applySchedulingGatedCondition)', () => {
  const created = (spec: Record<string, unknown>) => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } } as Record<string, unknown>;
    void podStrategy.prepareForCreate!(pod as never, { now: '2025-01-01T00:00:00Z', operation: 'create', dryRun: false });
    return (pod.status as { conditions?: unknown[] }).conditions;
  };
  assert.deepEqual(created({ schedulingGates: [{ name: 'wait' }] }), [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates', lastProbeTime: null, lastTransitionTime: null }]);
  assert.equal(created({}), undefined);
});
