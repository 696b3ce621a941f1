import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../types.js';
import { nodeStrategy } from './node.js';
import { podStrategy } from './pod.js';
import { defaultedQuantity } from './resource-lists.js';

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
