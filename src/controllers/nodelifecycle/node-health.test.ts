/** @module Tests of the node lifecycle controller's decisions against upstream's (node_lifecycle_controller_test.go's cases, in small). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessNodeHealth, computeZoneState, noExecuteTaintFor, noScheduleTaintChanges, zoneKey, type LifecycleNode, type NodeCondition } from './node-health.js';

const T0 = Date.parse('2026-11-30T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString().replace(/\.\d+Z$/, 'Z');

function node(conditions?: NodeCondition[], spec: LifecycleNode['spec'] = {}): LifecycleNode {
  return { metadata: { name: 'n1', uid: 'u1', creationTimestamp: at(0) }, spec, status: conditions ? { conditions } : {} };
}
const ready = (status: string, heartbeat = 0): NodeCondition => ({ type: 'Ready', status, reason: 'KubeletReady', lastHeartbeatTime: at(heartbeat), lastTransitionTime: at(0) });
const pressure = (type: string, status = 'False'): NodeCondition => ({ type, status, lastHeartbeatTime: at(0), lastTransitionTime: at(0) });

test('NoSchedule taints follow the conditions and spec.unschedulable, stamped; others are left alone', () => {
  const cordoned = noScheduleTaintChanges(node([ready('True')], { unschedulable: true, taints: [{ key: 'mine', effect: 'NoSchedule' }] }), at(5));
  assert.deepEqual(cordoned, { add: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: at(5) }], remove: [] });
  const unknown = noScheduleTaintChanges(node([ready('Unknown'), pressure('MemoryPressure', 'True'), pressure('DiskPressure')], { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }), at(5));
  assert.deepEqual(unknown.add.map((t) => t.key), ['node.kubernetes.io/unreachable', 'node.kubernetes.io/memory-pressure']);
  assert.deepEqual(unknown.remove, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }], 'uncordoned; the NoExecute one is not this pass\'s');
  assert.deepEqual(noScheduleTaintChanges(node([ready('False')], { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: at(1) }] }), at(5)), { add: [], remove: [] });
});

test('health: a heartbeat or a renewed Lease keeps the node; 50 s without either makes its conditions Unknown, once', () => {
  const n = node([ready('True'), pressure('MemoryPressure'), pressure('DiskPressure'), pressure('PIDPressure')]);
  let v = assessNodeHealth(n, undefined, at(0), T0);
  assert.equal(v.conditions, undefined);
  v = assessNodeHealth(n, v.health, at(40_000), T0 + 40_000);
  assert.equal(v.conditions, undefined);
  assert.equal(v.health.probeTimestamp, T0 + 40_000, 'the Lease moved the probe time');
  v = assessNodeHealth(n, v.health, at(40_000), T0 + 90_000);
  assert.equal(v.conditions, undefined, 'exactly 50 s: not yet');
  const stale = assessNodeHealth(n, v.health, at(40_000), T0 + 90_001);
  assert.deepEqual(stale.conditions?.map((c) => [c.type, c.status, c.reason, c.message, c.lastTransitionTime, c.lastHeartbeatTime]), [
    ['Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', at(90_001), at(0)],
    ['MemoryPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', at(90_001), at(0)],
    ['DiskPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', at(90_001), at(0)],
    ['PIDPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', at(90_001), at(0)],
  ]);
  assert.equal(stale.observed.status, 'True');
  const written = { ...n, status: { conditions: stale.conditions } };
  const again = assessNodeHealth(written, stale.health, at(40_000), T0 + 95_000);
  assert.equal(again.conditions, undefined, 'already Unknown: nothing to write');
  assert.equal(again.current?.status, 'Unknown');
  // The kubelet posts again (a new heartbeat): healthy from then.
  const back = assessNodeHealth(node([ready('True', 96_000)]), again.health, at(40_000), T0 + 96_000);
  assert.equal(back.health.probeTimestamp, T0 + 96_000);
  assert.equal(back.conditions, undefined);
});

test('a node that never posted Ready gets the startup grace (60 s from its creation), then NodeStatusNeverUpdated', () => {
  assert.equal(assessNodeHealth(node(), undefined, undefined, T0 + 60_000).conditions, undefined);
  const v = assessNodeHealth(node(), undefined, undefined, T0 + 60_001);
  assert.deepEqual(v.conditions?.map((c) => [c.type, c.status, c.reason, c.message, c.lastHeartbeatTime]), ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map((t) => [t, 'Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.', at(0)]));
});

test('NoExecute taint per Ready status; zone states; zone keys', () => {
  assert.equal(noExecuteTaintFor('False')?.taint.key, 'node.kubernetes.io/not-ready');
  assert.equal(noExecuteTaintFor('Unknown')?.taint.key, 'node.kubernetes.io/unreachable');
  assert.equal(noExecuteTaintFor('True'), undefined);
  const r = (s: string) => ({ type: 'Ready', status: s });
  assert.deepEqual(computeZoneState([r('Unknown')]), { unhealthy: 1, state: 'FullDisruption' });
  assert.deepEqual(computeZoneState([r('True'), r('Unknown')]), { unhealthy: 1, state: 'Normal' });
  assert.deepEqual(computeZoneState([r('True'), r('False'), r('Unknown'), undefined]), { unhealthy: 3, state: 'PartialDisruption' });
  assert.equal(zoneKey(node()), '');
  assert.equal(zoneKey({ metadata: { name: 'n', labels: { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z' } } }), 'r:\x00:z');
});
