import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, settle } from '../client/testing/fake-clock.js';
import type { Pod } from './pod-view.js';
import { KUBE_API_ACCESS } from './volume-fixtures.js';
import { setUpPodVolumes } from './pod-volumes.js';
import type { RuntimeContext } from './runtime-context.js';
import { VolumeSetupError, type TokenRequestSpec, type VolumeSources } from './volume-payload.js';

const POD = {
  metadata: { name: 'op', namespace: 'ops', uid: 'uid-1' },
  spec: {
    serviceAccountName: 'operator',
    containers: [{ name: 'main' }],
    volumes: [
      { name: 'scratch', emptyDir: {} },
      { name: 'host', hostPath: { path: '/srv/shared' } },
      { name: 'cfg', configMap: { name: 'settings', defaultMode: 0o640 } },
      KUBE_API_ACCESS,
    ],
  },
} as unknown as Pod;

/** An in-process API answering TokenRequest as upstream's (token.go): spec as defaulted, status token + expiry. */
function fakeApi(clock: FakeClock) {
  const requests: Array<{ namespace: string; sa: string; spec: TokenRequestSpec }> = [];
  const objects: Record<string, Record<string, string>> = { settings: { mode: 'fast' }, 'kube-root-ca.crt': { 'ca.crt': 'PEM' } };
  const volumeSources = (namespace: string): VolumeSources => ({
    configMap: async (name) => (objects[name] ? { data: objects[name] } : undefined),
    secret: async () => undefined,
    token: async (sa, spec) => {
      requests.push({ namespace, sa, spec });
      const seconds = spec.expirationSeconds ?? 3600;
      return { spec: { ...spec, expirationSeconds: seconds }, status: { token: `token-${requests.length}`, expirationTimestamp: new Date(clock.now() + seconds * 1000).toISOString() } };
    },
  });
  return { requests, objects, volumeSources };
}

function context(clock: FakeClock, api: ReturnType<typeof fakeApi>): RuntimeContext {
  const events: string[] = [];
  return {
    clock,
    log: () => undefined,
    allocatable: { cpu: 1, memory: 1 },
    events: { event: (_o: unknown, type: string, reason: string, message: string) => events.push(`${type} ${reason} ${message}`) },
    api: { volumeSources: api.volumeSources, envSources: { configMap: async () => undefined, secret: async () => undefined } },
  } as unknown as RuntimeContext;
}

test('a pod\'s volumes: emptyDir made, hostPath as is, configMap and the kube-api-access projected volume written (token bound to the pod)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-pv-'));
  const clock = new FakeClock(Date.parse('2026-11-29T21:00:00Z'));
  const api = fakeApi(clock);
  try {
    const v = await setUpPodVolumes(context(clock, api), POD, dir, { now: () => clock.now() });
    assert.deepEqual([...v.paths.keys()], ['scratch', 'host', 'cfg', 'kube-api-access-abcde']);
    assert.equal(v.paths.get('host'), '/srv/shared');
    assert.ok(statSync(join(dir, 'volumes/kubernetes.io~empty-dir/scratch')).isDirectory());
    const cfg = join(dir, 'volumes/kubernetes.io~configmap/cfg');
    assert.equal(v.paths.get('cfg'), cfg);
    assert.equal(readFileSync(join(cfg, 'mode'), 'utf8'), 'fast');
    assert.equal(statSync(join(cfg, 'mode')).mode & 0o777, 0o640);
    const sa = join(dir, 'volumes/kubernetes.io~projected/kube-api-access-abcde');
    assert.deepEqual(['token', 'ca.crt', 'namespace'].map((f) => readFileSync(join(sa, f), 'utf8')), ['token-1', 'PEM', 'ops']);
    assert.deepEqual(api.requests, [{ namespace: 'ops', sa: 'operator', spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'op', uid: 'uid-1' }, expirationSeconds: 3607 } }]);
    v.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the token is renewed past 80 % of its lifetime (jitter up to 10 s), the volume rewritten atomically; none after stop()', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-pv-'));
  const clock = new FakeClock(Date.parse('2026-11-29T21:00:00Z'));
  const api = fakeApi(clock);
  try {
    const v = await setUpPodVolumes(context(clock, api), POD, dir, { now: () => clock.now() });
    const sa = join(dir, 'volumes/kubernetes.io~projected/kube-api-access-abcde');
    const before = readlinkSync(join(sa, '..data'));
    // 3607 s: renewed 721 s (20 %) before the expiry, up to 10 s earlier.
    await clock.advance((3607 - 721 - 11) * 1000);
    await settle();
    assert.equal(api.requests.length, 1);
    api.objects['kube-root-ca.crt'] = { 'ca.crt': 'PEM2' };
    await clock.advance(12_000);
    await settle();
    assert.equal(api.requests.length, 2);
    assert.equal(readFileSync(join(sa, 'token'), 'utf8'), 'token-2');
    assert.equal(readFileSync(join(sa, 'ca.crt'), 'utf8'), 'PEM2');
    assert.notEqual(readlinkSync(join(sa, '..data')), before);
    v.stop();
    await clock.advance(4000 * 1000);
    await settle();
    assert.equal(api.requests.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a renewal that fails after stop() (the pod went meanwhile) arms no retry and reports nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-pv-'));
  const clock = new FakeClock(Date.parse('2026-11-29T21:00:00Z'));
  const api = fakeApi(clock);
  const ctx = context(clock, api);
  const sources = api.volumeSources('ops');
  let fail: ((err: Error) => void) | undefined;
  let requests = 0;
  const reported: string[] = [];
  ctx.api.volumeSources = () => ({
    ...sources,
    token: (sa, spec) => (requests++ === 0 ? sources.token(sa, spec) : new Promise((_resolve, reject) => (fail = reject))),
  });
  ctx.log = (line) => void reported.push(line);
  ctx.events.event = (_o, _t, reason) => void reported.push(reason);
  try {
    const v = await setUpPodVolumes(ctx, POD, dir, { now: () => clock.now() });
    await clock.advance(3000 * 1000);
    await settle();
    assert.equal(requests, 2);
    v.stop();
    fail!(new Error('pods "op" not found'));
    await settle();
    assert.deepEqual(clock.pending(), []);
    assert.deepEqual(reported, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing ConfigMap fails the set-up with the kubelet\'s message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-pv-'));
  const clock = new FakeClock(Date.parse('2026-11-29T21:00:00Z'));
  const api = fakeApi(clock);
  delete api.objects.settings;
  try {
    await assert.rejects(setUpPodVolumes(context(clock, api), POD, dir), (e: unknown) => e instanceof VolumeSetupError && e.volume === 'cfg' && e.message === 'configmap "settings" not found');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
