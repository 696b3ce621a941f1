/** @module The change tracker: update(prev, curr) bookkeeping, no-ops, changed keys, trigger times. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeTracker } from './change-tracker.js';
import { computeDesiredState, diffDesiredStates } from './desired.js';
import { ep, makeService, makeSlice, TEST_NODE } from './fixtures.js';
import { formatDesiredState } from './format.js';
import { SCENARIO_SERVICES, SCENARIO_SLICES } from './scenario.js';

test('fed the scenario object by object, the tracker equals computeDesiredState', () => {
  const t = new ChangeTracker({ node: TEST_NODE });
  for (const s of SCENARIO_SLICES) t.updateSlice(null, s);
  for (const s of SCENARIO_SERVICES) t.updateService(null, s);
  const { state, changed } = t.take();
  const want = computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE);
  assert.equal(formatDesiredState(state), formatDesiredState(want));
  assert.equal(changed.size, want.servicePorts.length);
  assert.equal(t.pending(), false);
  assert.equal(t.take().changed.size, 0);
});

test('no-op updates drop out; real ones name exactly the changed keys', () => {
  const t = new ChangeTracker({ node: TEST_NODE });
  for (const s of SCENARIO_SERVICES) t.updateService(null, s);
  for (const s of SCENARIO_SLICES) t.updateSlice(null, s);
  const before = t.take().state;
  const svc1 = SCENARIO_SERVICES[0];
  assert.equal(t.updateService(svc1, { ...svc1, metadata: { ...svc1.metadata, resourceVersion: '99' } }), false);
  assert.equal(t.pending(), false);
  const slice = SCENARIO_SLICES[0];
  const shrunk = { ...slice, endpoints: slice.endpoints!.slice(1) };
  assert.equal(t.updateSlice(slice, shrunk), true);
  const gone = SCENARIO_SERVICES.find((s) => s.metadata.name === 'empty')!;
  assert.equal(t.updateService(gone, null), true);
  const { state, changed } = t.take();
  assert.deepEqual([...changed].sort(), ['ns2/empty:http/TCP']);
  // svc1's endpoint 10.180.0.1 is also in slice 2: nothing changed for it.
  assert.deepEqual([...diffDesiredStates(before, state)].sort(), ['ns2/empty:http/TCP']);
  assert.equal(t.updateSlice(SCENARIO_SLICES[1], null), true);
  assert.deepEqual([...t.take().changed], ['ns1/svc1:p80/TCP']);
});

test('a slice whose service label changes moves between Services', () => {
  const t = new ChangeTracker({ node: TEST_NODE });
  const a = makeService('ns', 'a', (s) => {
    s.spec.clusterIP = '10.96.0.1';
    s.spec.ports = [{ protocol: 'TCP', port: 80 }];
  });
  const b = makeService('ns', 'b', (s) => {
    s.spec.clusterIP = '10.96.0.2';
    s.spec.ports = [{ protocol: 'TCP', port: 80 }];
  });
  t.updateService(null, a);
  t.updateService(null, b);
  const slice = makeSlice('ns', 'a', 1, (s) => {
    s.ports = [{ name: '', protocol: 'TCP', port: 80 }];
    s.endpoints = [ep('10.0.0.1')];
  });
  t.updateSlice(null, slice);
  assert.deepEqual(t.take().state.servicePorts.map((sp) => sp.clusterEndpoints.length), [1, 0]);
  const moved = { ...slice, metadata: { ...slice.metadata, labels: { 'kubernetes.io/service-name': 'b' } } };
  t.updateSlice(slice, moved);
  const { state, changed } = t.take();
  assert.deepEqual(state.servicePorts.map((sp) => sp.clusterEndpoints.length), [0, 1]);
  assert.deepEqual([...changed].sort(), ['ns/a/TCP', 'ns/b/TCP']);
});

test('trigger times after the start are collected once per change', () => {
  const t = new ChangeTracker({ node: TEST_NODE, startTimeMs: Date.parse('2025-01-01T00:00:00Z') });
  const old = makeSlice('ns', 'a', 1, (s) => {
    s.metadata.annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': '2024-12-31T23:59:59Z' };
    s.endpoints = [ep('10.0.0.1')];
  });
  t.updateSlice(null, old);
  assert.deepEqual(t.take().triggerTimes, []);
  const fresh = { ...old, endpoints: [ep('10.0.0.2')], metadata: { ...old.metadata, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2025-01-01T00:00:05.25Z' } } };
  t.updateSlice(old, fresh);
  assert.deepEqual(t.take().triggerTimes, [Date.parse('2025-01-01T00:00:05.25Z')]);
  assert.deepEqual(t.take().triggerTimes, []);
});

test('unchanged ports keep their objects; the patched state equals a fresh one; handed-out states stay as they were', () => {
  const t = new ChangeTracker({ node: TEST_NODE });
  for (const s of SCENARIO_SERVICES) t.updateService(null, s);
  for (const s of SCENARIO_SLICES) t.updateSlice(null, s);
  const first = t.take().state;
  const snapshot = formatDesiredState(first);
  const firstPorts = [...first.servicePorts];

  // A slice rewritten with a new trigger time only: the port is recomputed, found equal, kept.
  const slice = SCENARIO_SLICES[0];
  const touched = { ...slice, metadata: { ...slice.metadata, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2030-01-01T00:00:00Z' } }, endpoints: [...(slice.endpoints ?? [])] };
  t.updateSlice(slice, touched);
  t.updateSlice(touched, { ...touched, endpoints: [...(touched.endpoints ?? [])].reverse() });
  const same = t.take();
  assert.equal(same.changed.size, 0);
  same.state.servicePorts.forEach((sp, i) => assert.equal(sp, firstPorts[i], 'the same objects'));

  // A real change: only that port's object is new; the result equals a full recompute.
  const moved = makeSlice(slice.metadata.namespace!, slice.metadata.labels!['kubernetes.io/service-name'], 1, (x) => {
    x.metadata.name = slice.metadata.name;
    x.ports = slice.ports;
    x.endpoints = [ep('10.180.9.9')];
  });
  t.updateSlice(touched, moved);
  const next = t.take();
  assert.equal(next.changed.size, 1);
  const slices = SCENARIO_SLICES.map((s) => (s === slice ? moved : s));
  assert.equal(formatDesiredState(next.state), formatDesiredState(computeDesiredState(SCENARIO_SERVICES, slices, TEST_NODE)));
  assert.equal(next.state.servicePorts.filter((sp, i) => sp !== firstPorts[i]).length, 1);
  assert.equal(formatDesiredState(first), snapshot, 'the first state was not patched');

  // A Service gone (structural): sorted anew, still equal to a full recompute.
  const gone = SCENARIO_SERVICES[1];
  t.updateService(gone, null);
  const after = t.take();
  assert.equal(formatDesiredState(after.state), formatDesiredState(computeDesiredState(SCENARIO_SERVICES.filter((s) => s !== gone), slices, TEST_NODE)));
});
