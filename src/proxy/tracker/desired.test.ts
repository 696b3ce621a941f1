/** @module Golden and rule tests of Services + EndpointSlices → DesiredState, and of the diff. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readGolden } from '../../testing/golden.js';
import { endpointSets } from '../types.js';
import { computeDesiredState, diffDesiredStates } from './desired.js';
import { ep, makeService, makeSlice, TEST_NODE } from './fixtures.js';
import { formatDesiredState } from './format.js';
import { SCENARIO_SERVICES, SCENARIO_SLICES } from './scenario.js';

test('the scenario cluster gives the golden desired state', () => {
  const text = formatDesiredState(computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE));
  assert.equal(text, readGolden(import.meta.url, 'scenario.state', text));
});

test('skipped Services and ignored slices leave nothing', () => {
  const names = computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE).servicePorts.map((sp) => sp.servicePortName);
  for (const skipped of ['ns5/headless:http', 'ns5/external', 'ns5/other-proxy:http']) assert.ok(!names.includes(skipped), skipped);
  // kube-dns's slice has a metrics port the Service lacks: not proxied.
  assert.ok(!names.includes('kube-system/kube-dns:metrics'));
});

test('ready endpoints win; serving-and-terminating only when no endpoint is ready', () => {
  const svc = makeService('ns', 's', (s) => {
    s.spec.clusterIP = '10.96.0.5';
    s.spec.ports = [{ name: 'p', protocol: 'TCP', port: 80 }];
  });
  const slice = (eps: ReturnType<typeof ep>[]) => makeSlice('ns', 's', 1, (s) => {
    s.ports = [{ name: 'p', protocol: 'TCP', port: 80 }];
    s.endpoints = eps;
  });
  const st = (eps: ReturnType<typeof ep>[]) => computeDesiredState([svc], [slice(eps)], TEST_NODE).servicePorts[0];
  assert.deepEqual(st([ep('10.0.0.1'), ep('10.0.0.2', { ready: false, serving: true, terminating: true })]).clusterEndpoints.map((e) => e.ip), ['10.0.0.1']);
  assert.deepEqual(st([ep('10.0.0.1', { ready: false }), ep('10.0.0.2', { ready: false, serving: true, terminating: true })]).clusterEndpoints.map((e) => e.ip), ['10.0.0.2']);
  const none = st([ep('10.0.0.1', { ready: false })]);
  assert.equal(none.clusterEndpoints.length, 0);
  assert.equal(endpointSets(none).hasEndpoints, false);
  assert.equal(none.endpoints.length, 1);
  // nil conditions: ready, serving, not terminating.
  const nil = st([{ addresses: ['10.0.0.9'] }]);
  assert.deepEqual(nil.clusterEndpoints.map((e) => [e.ip, e.ready, e.serving, e.terminating, e.isLocal]), [['10.0.0.9', true, true, false, false]]);
});

test('internalTrafficPolicy Local without local endpoints: endpoints exist, none for the cluster IP', () => {
  const svc = makeService('ns', 's', (s) => {
    s.spec.clusterIP = '10.96.0.5';
    s.spec.internalTrafficPolicy = 'Local';
    s.spec.ports = [{ name: 'p', protocol: 'TCP', port: 80 }];
  });
  const slice = makeSlice('ns', 's', 1, (s) => {
    s.ports = [{ name: 'p', protocol: 'TCP', port: 80 }];
    s.endpoints = [ep('10.0.0.1', { nodeName: 'node2' })];
  });
  const sp = computeDesiredState([svc], [slice], TEST_NODE).servicePorts[0];
  assert.equal(sp.clusterEndpoints.length, 0);
  assert.equal(endpointSets(sp).hasEndpoints, true);
  assert.deepEqual(endpointSets(sp).cluster, []);
});

test('topology hints narrow the cluster endpoints to the node zone when every endpoint has them', () => {
  const svc = makeService('ns', 's', (s) => {
    s.spec.clusterIP = '10.96.0.5';
    s.spec.trafficDistribution = 'PreferClose';
    s.spec.ports = [{ name: 'p', protocol: 'TCP', port: 80 }];
  });
  const hinted = (ip: string, zone: string) => ep(ip, { hints: { forZones: [{ name: zone }] } });
  const slice = makeSlice('ns', 's', 1, (s) => {
    s.ports = [{ name: 'p', protocol: 'TCP', port: 80 }];
    s.endpoints = [hinted('10.0.0.1', 'a'), hinted('10.0.0.2', 'b')];
  });
  const zoneA = computeDesiredState([svc], [slice], TEST_NODE, { nodeZone: 'a' }).servicePorts[0];
  assert.deepEqual(zoneA.clusterEndpoints.map((e) => e.ip), ['10.0.0.1']);
  const zoneC = computeDesiredState([svc], [slice], TEST_NODE, { nodeZone: 'c' }).servicePorts[0];
  assert.deepEqual(zoneC.clusterEndpoints.map((e) => e.ip), ['10.0.0.1', '10.0.0.2']);
  const noZone = computeDesiredState([svc], [slice], TEST_NODE).servicePorts[0];
  assert.equal(noZone.clusterEndpoints.length, 2);
});

test('diffDesiredStates names added, removed and changed ports, not trigger-time-only changes', () => {
  const a = computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE);
  assert.deepEqual([...diffDesiredStates(a, a)], []);
  const services = SCENARIO_SERVICES.filter((s) => s.metadata.name !== 'empty');
  const slices = SCENARIO_SLICES.map((s) =>
    s.metadata.name === 'svc1-1' ? { ...s, metadata: { ...s.metadata, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:00Z' } } } : s.metadata.name === 'nginx-1' ? { ...s, endpoints: s.endpoints!.slice(1) } : s,
  );
  slices.push(makeSlice('ns2', 'empty', 1));
  const b = computeDesiredState([...services, makeService('ns9', 'new', (s) => {
    s.spec.clusterIP = '10.96.9.9';
    s.spec.ports = [{ name: 'x', protocol: 'UDP', port: 9 }];
  })], slices, TEST_NODE);
  assert.deepEqual([...diffDesiredStates(a, b)].sort(), ['default/nginx/TCP', 'ns2/empty:http/TCP', 'ns9/new:x/UDP']);
});
