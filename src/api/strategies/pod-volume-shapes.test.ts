/**
 * @module The volume shapes real manifests use (testdata/volume-shapes.yaml) pass kubito's pod
 * pipeline with no error, as kube-apiserver 1.33 takes them: a false refusal breaks a working
 * manifest. Pods go through the scheme defaults, the ServiceAccount admission plugin's changes and
 * the pod strategy's create, then a label update and a `kubectl debug` ephemeral container;
 * Deployments and ReplicaSets through their strategies' create and an update.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../types.js';
import type { Strategy, StrategyContext } from '../strategy.js';
import { fieldErrorString } from '../validation/field-errors.js';
import { testdataPath } from '../../testing/golden.js';
import { podStrategy } from './pod.js';
import { EPHEMERAL_CONTAINERS } from './pod-ephemeral.js';
import { admitWithAccount, DEFAULT_SERVICE_ACCOUNT } from './pod-service-account.js';
import { deploymentStrategy, replicaSetStrategy } from './workloads.js';

const CTX: StrategyContext = { now: '2026-01-01T00:00:00Z', operation: 'create', dryRun: false };
const UPDATE: StrategyContext = { ...CTX, operation: 'update' };

/** The documents of the file (YAML 1.1, as kubectl reads manifests) with their `# shape:` line. */
function shapes(): Array<{ shape: string; obj: KubeObject }> {
  const text = readFileSync(testdataPath(import.meta.url, 'volume-shapes.yaml'), 'utf8');
  return parseAllDocuments(text, { version: '1.1' }).flatMap((doc) => {
    const obj = doc.toJS() as KubeObject | null;
    if (!obj) return [];
    const comment = `${doc.commentBefore ?? ''}\n${(doc.contents as { commentBefore?: string } | null)?.commentBefore ?? ''}`;
    const shape = /shape: (.*)/.exec(comment)?.[1] ?? '';
    return [{ shape, obj: { ...obj, metadata: { namespace: 'default', ...obj.metadata } } }];
  });
}

function errorsOf(errs: Array<Parameters<typeof fieldErrorString>[0]>): string[] {
  return errs.map(fieldErrorString);
}

/** What a create does to a pod before validation: decode defaults, ServiceAccount admission, PrepareForCreate. */
function createPod(pod: KubeObject): string[] {
  podStrategy.defaults!(pod);
  const spec = pod.spec as Record<string, unknown>;
  if (!spec.serviceAccountName) spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT;
  admitWithAccount(pod, { name: DEFAULT_SERVICE_ACCOUNT, secrets: [], imagePullSecrets: [], enforceMountableSecrets: false }, (base) => `${base}x7k2p`);
  void podStrategy.prepareForCreate!(pod, CTX);
  return errorsOf(podStrategy.validate!(pod));
}

function updateErrors(strategy: Strategy, stored: KubeObject, change: (next: KubeObject) => void, subresource?: string): string[] {
  const next = structuredClone(stored);
  change(next);
  if (subresource) strategy.subresourceUpdates![subresource](next, stored);
  else void strategy.prepareForUpdate!(next, stored, UPDATE);
  return errorsOf(strategy.validateUpdate!(next, stored, subresource));
}

const DEBUG_CONTAINER = { name: 'debugger-abcde', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePolicy: 'File', terminationMessagePath: '/dev/termination-log', stdin: true, tty: true };

for (const { shape, obj } of shapes()) {
  test(`${obj.kind}/${obj.metadata.name}: ${shape}`, () => {
    if (obj.kind === 'Pod') {
      assert.deepEqual(createPod(obj), [], 'create');
      assert.deepEqual(updateErrors(podStrategy, obj, (next) => { next.metadata.labels = { ...next.metadata.labels, reviewed: 'yes' }; }), [], 'label update');
      const debug = (next: KubeObject) => { (next.spec as Record<string, unknown>).ephemeralContainers = [DEBUG_CONTAINER]; };
      assert.deepEqual(updateErrors(podStrategy, obj, debug, EPHEMERAL_CONTAINERS), [], 'kubectl debug');
      return;
    }
    const strategy = obj.kind === 'Deployment' ? deploymentStrategy : replicaSetStrategy;
    strategy.defaults!(obj);
    void strategy.prepareForCreate!(obj, CTX);
    assert.deepEqual(errorsOf(strategy.validate!(obj)), [], 'create');
    assert.deepEqual(updateErrors(strategy, obj, (next) => { (next.spec as Record<string, unknown>).replicas = 3; }), [], 'scale');
  });
}

test('the shapes file holds Pods, Deployments and ReplicaSets, each with its shape line', () => {
  const all = shapes();
  assert.deepEqual([...new Set(all.map(({ obj }) => obj.kind))].sort(), ['Deployment', 'Pod', 'ReplicaSet']);
  assert.deepEqual(all.filter(({ shape }) => shape === '').map(({ obj }) => obj.metadata.name), []);
});

test('a pod stored before volumes were defaulted can still be labeled and debugged (kubectl debug adds an ephemeral container)', () => {
  // Upstream decodes a stored pod with its scheme defaults; kubito stores JSON as written, and
  // kubito before a7556f4 wrote volumes without the v1 volume defaults.
  const stored = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'old', namespace: 'default', uid: 'u1', resourceVersion: '7' },
    spec: {
      serviceAccountName: 'default',
      serviceAccount: 'default',
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: {},
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      nodeName: 'node-1',
      containers: [{ name: 'c', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {}, volumeMounts: [{ name: 'info', mountPath: '/info' }, { name: 'tok', mountPath: '/tok' }, { name: 'img', mountPath: '/img' }] }],
      volumes: [
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token', audience: 'vault' } }] } },
        { name: 'img', image: { reference: 'quay.io/crio/artifact:v2' } },
      ],
    },
    status: { phase: 'Running', qosClass: 'BestEffort' },
  } as unknown as KubeObject;
  const debug = (next: KubeObject) => { (next.spec as Record<string, unknown>).ephemeralContainers = [DEBUG_CONTAINER]; };
  assert.deepEqual(updateErrors(podStrategy, stored, debug, EPHEMERAL_CONTAINERS), []);
  assert.deepEqual(updateErrors(podStrategy, stored, (next) => { next.metadata.labels = { a: 'b' }; }), []);
});
