/** @module The proxy loop with a fake clock and a recording backend: coalescing, retries, metrics. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../client/testing/fake-clock.js';
import { routesNewConnectionsTo } from './drain.js';
import { Proxier } from './proxier.js';
import { ep, makeService, makeSlice, TEST_NODE } from './tracker/fixtures.js';
import type { DesiredState, ProxyBackend } from './types.js';

class RecordingBackend implements ProxyBackend {
  readonly mode = 'iptables' as const;
  readonly syncs: Array<{ ports: number; changed: string[] | 'all' }> = [];
  failNext = 0;
  /** Set: each sync waits for `release()` (tests of bursts move the clock meanwhile). */
  hold = false;
  #release: (() => void) | undefined;
  release(): void {
    this.#release?.();
  }
  async sync(state: DesiredState, changed: ReadonlySet<string> | 'all'): Promise<void> {
    this.syncs.push({ ports: state.servicePorts.length, changed: changed === 'all' ? 'all' : [...changed].sort() });
    if (this.hold) await new Promise<void>((resolve) => (this.#release = resolve));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('restore failed');
    }
  }
  async currentRules(): Promise<string> {
    return '';
  }
  async cleanup(): Promise<void> {}
}

const svc = (name: string, ip: string) => makeService('ns', name, (s) => {
  s.spec.clusterIP = ip;
  s.spec.ports = [{ name: 'p', protocol: 'TCP', port: 80 }];
});

function setup(wall = 1_000_000, extra: { burstSyncPeriodMs?: number } = {}) {
  const clock = new FakeClock();
  const backend = new RecordingBackend();
  let now = wall;
  const logs: string[] = [];
  const proxier = new Proxier({ backend, node: TEST_NODE, clock, wallClock: () => now, minSyncPeriodMs: 10, syncPeriodMs: 30_000, fullSyncPeriodMs: 3_600_000, log: (l) => logs.push(l), ...extra });
  return { clock, backend, proxier, logs, setWall: (ms: number) => (now = ms) };
}

test('nothing syncs before the caches are ready; then one full sync', async () => {
  const { clock, backend, proxier } = setup();
  proxier.onServiceUpdate(null, svc('a', '10.96.0.1'));
  await clock.advance(100);
  assert.equal(backend.syncs.length, 0);
  const first = proxier.setInitialized();
  await clock.advance(0);
  await first;
  assert.deepEqual(backend.syncs, [{ ports: 1, changed: 'all' }]);
  assert.ok(proxier.healthy());
  proxier.stop();
});

test('a burst of changes within the min sync period coalesces into one partial sync', async () => {
  const { clock, backend, proxier } = setup();
  const first = proxier.setInitialized();
  await clock.advance(0);
  await first;
  for (let i = 0; i < 5; i++) proxier.onServiceUpdate(null, svc(`s${i}`, `10.96.0.${i + 1}`));
  await clock.advance(9);
  assert.equal(backend.syncs.length, 1);
  await clock.advance(1);
  assert.deepEqual(backend.syncs[1], { ports: 5, changed: ['ns/s0:p/TCP', 'ns/s1:p/TCP', 'ns/s2:p/TCP', 'ns/s3:p/TCP', 'ns/s4:p/TCP'] });
  // A no-op update does not sync.
  const s0 = svc('s0', '10.96.0.1');
  proxier.onServiceUpdate(s0, { ...s0, metadata: { ...s0.metadata, resourceVersion: '7' } });
  await clock.advance(100);
  assert.equal(backend.syncs.length, 2);
  // The periodic sync comes 30 s after the last.
  await clock.advance(30_000);
  assert.deepEqual(backend.syncs[2], { ports: 5, changed: [] });
  proxier.stop();
});

test('after a sync that carried several changes the next waits its duration again; a lone change does not wait', async () => {
  const { clock, backend, proxier } = setup(1_000_000, { burstSyncPeriodMs: 0 });
  const first = proxier.setInitialized();
  await clock.advance(0);
  await first;
  await clock.advance(100);
  backend.hold = true;
  // Each sync takes 20 ms.
  const syncOf = async (): Promise<void> => {
    await clock.advance(0);
    await clock.advance(20);
    backend.release();
    await clock.advance(0);
  };
  // A lone change on a quiet proxy: synced at once.
  proxier.onServiceUpdate(null, svc('a', '10.96.0.1'));
  await syncOf();
  assert.equal(backend.syncs.length, 2);
  // Another lone change: the 10 ms min period since the last start has passed.
  proxier.onServiceUpdate(null, svc('b', '10.96.0.2'));
  await syncOf();
  assert.equal(backend.syncs.length, 3);
  // A burst: two changes in one sync; the next sync waits 20 ms (its duration) after it ended.
  proxier.onServiceUpdate(null, svc('c', '10.96.0.3'));
  proxier.onServiceUpdate(null, svc('d', '10.96.0.4'));
  await syncOf();
  assert.deepEqual(backend.syncs.at(-1)!.changed, ['ns/c:p/TCP', 'ns/d:p/TCP']);
  proxier.onServiceUpdate(null, svc('e', '10.96.0.5'));
  await clock.advance(19);
  assert.equal(backend.syncs.length, 4);
  await clock.advance(1);
  assert.equal(backend.syncs.length, 5);
  assert.deepEqual(backend.syncs.at(-1)!.changed, ['ns/e:p/TCP']);
  await clock.advance(20);
  backend.release();
  await clock.advance(0);
  // That sync carried one change: the one after it waits the min period only.
  proxier.onServiceUpdate(null, svc('f', '10.96.0.6'));
  await syncOf();
  assert.equal(backend.syncs.length, 6);
  proxier.stop();
});

test('burstSyncPeriodMs: while changes keep coming, at most one sync start per period; a lone change still syncs at once', async () => {
  const { clock, backend, proxier } = setup(1_000_000, { burstSyncPeriodMs: 200 });
  const first = proxier.setInitialized();
  await clock.advance(0);
  await first;
  await clock.advance(100);
  // A lone change on a quiet proxy: synced after the 10 ms min period, not the burst one.
  proxier.onServiceUpdate(null, svc('a', '10.96.0.1'));
  await clock.advance(10);
  assert.equal(backend.syncs.length, 2);
  await clock.advance(100);
  // Two changes in one sync (instant): the next sync starts 200 ms after that one started.
  proxier.onServiceUpdate(null, svc('b', '10.96.0.2'));
  proxier.onServiceUpdate(null, svc('c', '10.96.0.3'));
  await clock.advance(0);
  assert.equal(backend.syncs.length, 3);
  proxier.onServiceUpdate(null, svc('d', '10.96.0.4'));
  proxier.onServiceUpdate(null, svc('e', '10.96.0.5'));
  await clock.advance(199);
  assert.equal(backend.syncs.length, 3);
  await clock.advance(1);
  assert.equal(backend.syncs.length, 4);
  assert.deepEqual(backend.syncs.at(-1)!.changed, ['ns/d:p/TCP', 'ns/e:p/TCP']);
  // The burst over (the next change comes alone after the period): no extra wait.
  await clock.advance(300);
  proxier.onServiceUpdate(null, svc('f', '10.96.0.6'));
  await clock.advance(0);
  assert.equal(backend.syncs.length, 5);
  proxier.stop();
});

test('a failed sync is retried with back-off as a full sync', async () => {
  const { clock, backend, proxier, logs } = setup();
  const first = proxier.setInitialized();
  await clock.advance(0);
  await first;
  backend.failNext = 2;
  proxier.onServiceUpdate(null, svc('a', '10.96.0.1'));
  await clock.advance(10);
  assert.deepEqual(backend.syncs.at(-1), { ports: 1, changed: ['ns/a:p/TCP'] });
  await clock.advance(100);
  assert.deepEqual(backend.syncs.at(-1), { ports: 1, changed: 'all' });
  await clock.advance(199);
  assert.equal(backend.syncs.length, 3);
  await clock.advance(1);
  assert.equal(backend.syncs.length, 4);
  assert.equal(backend.syncs.at(-1)!.changed, 'all');
  assert.equal(proxier.metrics.failures.value, 2);
  assert.equal(logs.length, 2);
  proxier.stop();
});

test('network programming latency is observed per slice change after the sync that carries it', async () => {
  const { clock, proxier, setWall } = setup(Date.parse('2025-01-01T00:00:00Z'));
  proxier.onServiceUpdate(null, svc('a', '10.96.0.1'));
  const first = proxier.setInitialized();
  await clock.advance(0);
  await first;
  const slice = makeSlice('ns', 'a', 1, (s) => {
    s.ports = [{ name: 'p', protocol: 'TCP', port: 80 }];
    s.endpoints = [ep('10.0.0.1')];
    s.metadata.annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': '2025-01-01T00:00:01Z' };
  });
  setWall(Date.parse('2025-01-01T00:00:01.3Z'));
  proxier.onEndpointSliceUpdate(null, slice);
  await clock.advance(10);
  assert.equal(proxier.metrics.networkProgramming.count, 1);
  assert.match(proxier.metrics.render(), /kubeproxy_network_programming_duration_seconds_bucket\{le="0.25"\} 0\nkubeproxy_network_programming_duration_seconds_bucket\{le="0.5"\} 1/);
  proxier.stop();
});

test('whenSynced: true once a sync applied a state without the pod as a ready endpoint; false on timeout', async () => {
  const { clock, backend, proxier } = setup();
  const slice = (ready: boolean) => makeSlice('ns', 'a', 1, (s) => {
    s.endpoints = [ep('10.244.0.5', { ready, serving: true, terminating: !ready }), ep('10.244.0.6')];
    s.ports = [{ name: 'p', port: 80, protocol: 'TCP' }];
  });
  proxier.onServiceUpdate(null, svc('a', '10.96.0.1'));
  proxier.onEndpointSliceUpdate(null, slice(true));
  const first = proxier.setInitialized();
  await clock.advance(0);
  await first;
  const gone = (state: DesiredState) => !routesNewConnectionsTo(state, ['10.244.0.5']);
  // Not yet: the last sync has it ready; nothing changes before the timeout.
  const early = proxier.whenSynced(gone, 500);
  await clock.advance(500);
  assert.equal(await early, false);
  // The slice marks it terminating: resolved by the sync that applies that, not before.
  let resolved: boolean | undefined;
  void proxier.whenSynced(gone, 5_000).then((v) => (resolved = v));
  backend.hold = true;
  proxier.onEndpointSliceUpdate(slice(true), slice(false));
  await clock.advance(20);
  assert.equal(backend.syncs.length, 2);
  assert.equal(resolved, undefined, 'not before the rules are applied');
  backend.release();
  await clock.advance(0);
  assert.equal(resolved, true);
  // Already true: at once. Another pod that was never an endpoint: at once.
  assert.equal(await proxier.whenSynced(gone, 0), true);
  assert.equal(await proxier.whenSynced((s) => !routesNewConnectionsTo(s, ['10.244.0.9']), 0), true);
  // Stop ends a wait with false.
  const pending = proxier.whenSynced((s) => !routesNewConnectionsTo(s, ['10.244.0.6']), 5_000);
  proxier.stop();
  assert.equal(await pending, false);
});
