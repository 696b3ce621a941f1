import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../types.js';
import { nodeStrategy } from './node.js';
import { podStrategy } from './pod.js';
import { defaultedQuantity, defaultRequestsToLimits, podQOSClass } from './resource-lists.js';

test('SetDefaults_ResourceList: rounded up to the milli, stored as Quantity.String() prints it', () => {
  const cases: Array<[unknown, unknown]> = [
    ['0.5', '500m'], ['500m', '500m'], [1, '1'], ['1024Mi', '1Gi'], ['100u', '1m'], ['1.0001', '1001m'], ['-100u', '-1m'], ['1e3', '1e3'], ['bogus', 'bogus'],
  ];
  for (const [input, want] of cases) assert.equal(defaultedQuantity(input), want, String(input));
});

test('Pod: container quantities defaulted; a pod stored with raw ones still takes a metadata-only update', () => {
  const pod = (cpu: unknown): KubeObject => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu }, limits: { cpu: '1' } } }] },
  });
  const created = pod('0.5');
  podStrategy.defaults!(created);
  const c = (created.spec as { containers: Array<{ resources: unknown }> }).containers[0];
  assert.deepEqual(c.resources, { requests: { cpu: '500m' }, limits: { cpu: '1' } });
  const stored = pod('0.5');
  podStrategy.defaults!(stored);
  (stored.spec as { containers: Array<{ resources: { requests: { cpu: unknown } } }> }).containers[0].resources.requests.cpu = '0.5';
  const next = structuredClone(stored);
  next.metadata.labels = { a: 'b' };
  podStrategy.prepareForUpdate!(next, stored, { now: '', operation: 'update', dryRun: false });
  assert.deepEqual(podStrategy.validateUpdate!(next, stored), []);
});

test('Node: allocatable defaults to the capacity; quantities defaulted', () => {
  const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { capacity: { cpu: 2, memory: '4096Mi', pods: '110' } } };
  nodeStrategy.defaults!(node);
  assert.deepEqual(node.status, { capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', memory: '4Gi', pods: '110' } });
});

test('SetDefaults_Pod: a limit without its request requests as much (containers and init containers)', () => {
  const spec = {
    containers: [{ name: 'a', resources: { limits: { cpu: '500m', memory: '1Gi' } } }, { name: 'b', resources: { limits: { cpu: '1' }, requests: { cpu: '100m' } } }, { name: 'c' }],
    initContainers: [{ name: 'i', resources: { limits: { memory: '64Mi' }, requests: { cpu: '10m' } } }],
  };
  assert.equal(defaultRequestsToLimits(spec, true), true);
  assert.equal(defaultRequestsToLimits(spec), true);
  assert.equal(defaultRequestsToLimits(spec, true), false);
  assert.deepEqual(spec.containers[0].resources, { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
  assert.deepEqual(spec.containers[1].resources, { limits: { cpu: '1' }, requests: { cpu: '100m' } }, 'a request that is there stays');
  assert.deepEqual(spec.containers[2], { name: 'c' });
  const empty = { containers: [{ name: 'e', resources: { limits: {} } }] };
  defaultRequestsToLimits(empty);
  assert.deepEqual(empty.containers[0].resources, { limits: {} }, 'an empty limits map adds no requests map');
  assert.deepEqual(spec.initContainers[0].resources, { limits: { memory: '64Mi' }, requests: { cpu: '10m', memory: '64Mi' } });
});

test('ComputePodQOS: BestEffort, Burstable, Guaranteed as upstream computes them', () => {
  const pod = (...containers: Array<Record<string, unknown>>) => ({ containers: containers.map((resources, i) => ({ name: `c${i}`, resources })) });
  const both = { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '0.5', memory: '1024Mi' } };
  assert.equal(podQOSClass(pod({})), 'BestEffort');
  assert.equal(podQOSClass(pod({ limits: { 'example.com/gpu': '1' } })), 'BestEffort', 'only cpu and memory count');
  assert.equal(podQOSClass(pod({ requests: { cpu: '0' } })), 'BestEffort', 'a zero request does not count');
  assert.equal(podQOSClass(pod(both)), 'Guaranteed', 'requests equal limits by value');
  assert.equal(podQOSClass(pod(both, both)), 'Guaranteed');
  assert.equal(podQOSClass(pod(both, {})), 'Burstable', 'a container without limits');
  assert.equal(podQOSClass(pod({ limits: { cpu: '1' }, requests: { cpu: '1' } })), 'Burstable', 'no memory limit');
  assert.equal(podQOSClass(pod({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } })), 'Burstable');
  assert.equal(podQOSClass(pod({ requests: { memory: '1Gi' } })), 'Burstable');
});

test('pods/status: the QoS class is backfilled when left out, and immutable otherwise', () => {
  const prev = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending', qosClass: 'Guaranteed' } } as unknown as KubeObject;
  const next = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {}, status: { phase: 'Running' } } as unknown as KubeObject;
  podStrategy.prepareForStatusUpdate!(next, prev);
  assert.deepEqual(next.status, { phase: 'Running', qosClass: 'Guaranteed' });
  assert.deepEqual(next.spec, prev.spec, 'spec from the stored pod');
  assert.deepEqual(podStrategy.validateUpdate!(next, prev, 'status'), []);
  const changed = { ...next, status: { phase: 'Running', qosClass: 'BestEffort' } } as unknown as KubeObject;
  assert.deepEqual(podStrategy.validateUpdate!(changed, prev, 'status'), [{ type: 'FieldValueInvalid', field: 'status.qosClass', detail: 'Invalid value: "BestEffort": field is immutable' }]);
});
