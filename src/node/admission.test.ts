import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admitPod } from './admission.js';
import type { Pod } from './pod-view.js';
import type { SchedulingNode } from './scheduler.js';

const node: SchedulingNode = { metadata: { name: 'kubito-node', labels: { disk: 'ssd' } }, status: { allocatable: { cpu: '2', memory: '1Gi', pods: '110' } } };

function pod(name: string, spec: Record<string, unknown> = {}, requests?: Record<string, string>): Pod {
  return { metadata: { name, namespace: 'default', uid: name }, spec: { nodeName: 'kubito-node', containers: [{ name: 'c', image: 'busybox', ...(requests ? { resources: { requests } } : {}) }], ...spec } } as unknown as Pod;
}

test("the kubelet's admission: the first failure, worded as InsufficientResourceError and PredicateFailureError", () => {
  assert.equal(admitPod(pod('a', {}, { cpu: '1' }), node, [pod('b', {}, { cpu: '1' })]), undefined);
  assert.deepEqual(admitPod(pod('a', {}, { cpu: '1500m' }), node, [pod('b', {}, { cpu: '1' })]), { reason: 'OutOfcpu', message: "Node didn't have enough resource: cpu, requested: 1500, used: 1000, capacity: 2000" });
  assert.deepEqual(admitPod(pod('a', {}, { memory: '2Gi' }), node, []), { reason: 'OutOfmemory', message: `Node didn't have enough resource: memory, requested: ${2 ** 31}, used: 0, capacity: ${2 ** 30}` });
  assert.equal(admitPod(pod('a', {}, { 'example.com/widget': '1' }), node, []), undefined, 'an extended resource the node does not know is left out');
  assert.deepEqual(admitPod(pod('a', { nodeSelector: { disk: 'hdd' } }), node, []), { reason: 'NodeAffinity', message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector" });
  const ported = (name: string) => pod(name, { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort: 8080 }] }] });
  assert.deepEqual(admitPod(ported('a'), node, [ported('b')]), { reason: 'NodePorts', message: "Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports" });
  const tainted: SchedulingNode = { ...node, spec: { taints: [{ key: 'k', effect: 'NoExecute' }, { key: 's', effect: 'NoSchedule' }] } };
  assert.deepEqual(admitPod(pod('a'), tainted, []), { reason: 'TaintToleration', message: "Predicate TaintToleration failed: node(s) had taints that the pod didn't tolerate" });
  assert.equal(admitPod(pod('a', { tolerations: [{ key: 'k', operator: 'Exists' }] }), tainted, []), undefined, 'NoSchedule taints are the scheduler\'s, not the kubelet\'s');
});
