/**
 * @module The port index and the work that reads only changed keys, checked against the
 * whole-state forms over a seeded random stream of Service and EndpointSlice changes: the
 * tracker's merged state equals `computeDesiredState`, its index finds every port (and an older
 * state's index stays that state's), the conntrack cleaner runs exactly when `udpFingerprint`
 * moved, and the health check tracker equals `healthChecksOf`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { udpFingerprint, UdpConntrackCleaner } from './conntrack.js';
import { HealthCheckTracker, healthChecksOf } from './healthcheck/plan.js';
import { portIndexOf } from './port-index.js';
import { ChangeTracker } from './tracker/change-tracker.js';
import { computeDesiredState } from './tracker/desired.js';
import { ep, makeService, makeSlice, TEST_NODE } from './tracker/fixtures.js';
import { formatDesiredState } from './tracker/format.js';
import type { ProxyEndpointSlice, ProxyService } from './tracker/views.js';
import { servicePortKey, type CommandRunner, type DesiredState } from './types.js';

/** A small deterministic PRNG (mulberry32): the same stream on every run. */
function random(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function randomService(pick: (n: number) => number, ns: string, name: string): ProxyService {
  return makeService(ns, name, (s) => {
    s.spec.clusterIP = `10.96.${pick(3)}.${pick(250) + 1}`;
    const protocol = pick(3) === 0 ? 'UDP' : 'TCP';
    s.spec.ports = pick(2) ? [{ name: 'a', port: 80, protocol }, { name: 'b', port: 443, protocol: 'TCP' }] : [{ port: 53, protocol }];
    if (pick(4) === 0) {
      s.spec.type = 'LoadBalancer';
      s.spec.externalTrafficPolicy = 'Local';
      s.spec.healthCheckNodePort = 32000 + pick(100);
      for (const p of s.spec.ports) p.nodePort = 30000 + pick(2000);
    }
    if (pick(8) === 0) s.spec.clusterIP = 'None';
  });
}

function randomSlice(pick: (n: number) => number, ns: string, service: string): ProxyEndpointSlice {
  return makeSlice(ns, service, 1, (s) => {
    s.ports = [{ name: 'a', port: 8080, protocol: 'TCP' }, { name: 'b', port: 8443, protocol: 'TCP' }, { port: 5353, protocol: 'UDP' }, { port: 5353, protocol: 'TCP' }, { name: 'a', port: 8080, protocol: 'UDP' }];
    s.endpoints = Array.from({ length: pick(3) }, () => ep(`10.244.${pick(2)}.${pick(20) + 2}`, { nodeName: pick(2) ? 'node1' : 'node2', ready: pick(4) !== 0 }));
  });
}

/** Replaces the object under `id` (or, one time in five, deletes it) and tells the tracker. */
function change<T>(pick: (n: number) => number, objects: Map<string, T>, id: string, make: () => T, update: (prev: T | null, curr: T | null) => void): void {
  const prev = objects.get(id) ?? null;
  const curr = pick(5) === 0 ? null : make();
  if (!prev && !curr) return;
  if (curr) objects.set(id, curr);
  else objects.delete(id);
  update(prev, curr);
}

const fakeConntrack: CommandRunner = { run: async () => ({ code: 0, stdout: '', stderr: '' }) };

test('over a random stream of changes, the incremental forms equal the whole-state ones', async () => {
  const pick = random(7);
  const tracker = new ChangeTracker({ node: TEST_NODE });
  const services = new Map<string, ProxyService>();
  const slices = new Map<string, ProxyEndpointSlice>();
  const cleaner = new UdpConntrackCleaner(fakeConntrack);
  const checks = new HealthCheckTracker();
  let lastCleaned: string | undefined;
  let older: { state: DesiredState; keys: string[] } | undefined;
  for (let round = 0; round < 60; round++) {
    for (let i = pick(12); i >= 0; i--) {
      const ns = `ns${pick(2)}`;
      const name = `svc${pick(25)}`;
      const id = `${ns}/${name}`;
      if (pick(2)) change(pick, services, id, () => randomService(pick, ns, name), (prev, curr) => tracker.updateService(prev, curr));
      else change(pick, slices, id, () => randomSlice(pick, ns, name), (prev, curr) => tracker.updateSlice(prev, curr));
    }
    const { state, changed } = tracker.take();
    const want = computeDesiredState([...services.values()], [...slices.values()], TEST_NODE);
    assert.equal(formatDesiredState(state), formatDesiredState(want), `round ${round}`);
    assert.deepEqual(state.servicePorts.map(servicePortKey), want.servicePorts.map(servicePortKey));
    const index = portIndexOf(state);
    assert.equal(index.size, state.servicePorts.length);
    for (const sp of state.servicePorts) assert.equal(index.get(servicePortKey(sp)), sp);
    if (older) {
      // The tracker moved on: the older state still finds its own ports, and only them.
      const oldIndex = portIndexOf(older.state);
      assert.deepEqual([...oldIndex.keys()].sort(), older.keys);
      for (const sp of older.state.servicePorts) assert.equal(oldIndex.get(servicePortKey(sp)), sp);
    }
    older = { state, keys: state.servicePorts.map(servicePortKey).sort() };

    const full = round % 10 === 0;
    const fingerprint = udpFingerprint(state);
    const ran = await cleaner.afterSync(state, full ? 'all' : changed);
    assert.equal(ran !== undefined, fingerprint !== lastCleaned, `round ${round}: cleanup runs exactly when the UDP frontends or endpoints moved`);
    if (ran !== undefined) lastCleaned = fingerprint;
    assert.deepEqual([...checks.update(state, full ? 'all' : changed)], [...healthChecksOf(state)], `round ${round}`);
  }
});

test('a state nobody registered gets an index built from its ports', () => {
  const state = computeDesiredState([makeService('ns', 'a', (s) => {
    s.spec.clusterIP = '10.96.0.1';
    s.spec.ports = [{ name: 'x', port: 1, protocol: 'TCP' }, { name: 'x', port: 1, protocol: 'UDP' }];
  })], [], TEST_NODE);
  const index = portIndexOf(state);
  assert.deepEqual([...index.keys()].sort(), ['ns/a:x/TCP', 'ns/a:x/UDP']);
  assert.equal(portIndexOf(state), index, 'built once per state');
});
