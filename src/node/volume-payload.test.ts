import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from './pod-view.js';
import { KUBE_API_ACCESS } from './volume-fixtures.js';
import { configMapPayload, downwardAPIPayload, secretPayload, tokenRefreshAtMs, volumePayload, VolumeSetupError, type Payload, type TokenRequestSpec, type VolumeSources } from './volume-payload.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'team', uid: 'u-1', labels: { app: 'web', tier: 'a b' }, annotations: { note: 'x"y' } },
  spec: { serviceAccountName: 'builder', containers: [{ name: 'main', resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } } }] },
} as Pod;

/** A payload as `path mode: text` lines, sorted. */
function lines(p: Payload): string[] {
  return [...p].map(([k, v]) => `${k} ${v.mode.toString(8)}: ${v.data.toString()}`).sort();
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('configMap: every key (data and binaryData) with defaultMode, or the items with their modes; a missing key unless optional', () => {
  const cm = { data: { a: 'A', b: 'B' }, binaryData: { bin: b64('BIN') } };
  assert.deepEqual(lines(configMapPayload(cm, undefined, 0o644, false)), ['a 644: A', 'b 644: B', 'bin 644: BIN']);
  assert.deepEqual(lines(configMapPayload(cm, [{ key: 'a', path: 'x/a.txt', mode: 0o600 }, { key: 'bin', path: 'b' }], 0o640, false)), ['b 640: BIN', 'x/a.txt 600: A']);
  assert.throws(() => configMapPayload(cm, [{ key: 'zz', path: 'z' }], 0o644, false), /^Error: configmap references non-existent config key: zz$/);
  assert.deepEqual(lines(configMapPayload(cm, [{ key: 'zz', path: 'z' }], 0o644, true)), []);
});

test('secret: decoded from base64; a missing key in the kubelet\'s words', () => {
  assert.deepEqual(lines(secretPayload({ data: { pw: b64('s3cr3t') } }, undefined, 0o400, false)), ['pw 400: s3cr3t']);
  assert.throws(() => secretPayload({ data: {} }, [{ key: 'pw', path: 'pw' }], 0o644, false), /^Error: references non-existent secret key: pw$/);
});

test('downwardAPI: metadata fields (maps as sorted key="value" lines), resources by container with divisor and the node\'s allocatable', () => {
  const r = downwardAPIPayload(
    [
      { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
      { path: './ns', fieldRef: { fieldPath: 'metadata.namespace' } },
      { path: 'uid', fieldRef: { fieldPath: 'metadata.uid' } },
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' }, mode: 0o600 },
      { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
      { path: 'app', fieldRef: { fieldPath: "metadata.labels['app']" } },
      { path: 'mem', resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' } },
      { path: 'cpu', resourceFieldRef: { containerName: 'main', resource: 'requests.cpu', divisor: '1m' } },
      { path: 'cpulimit', resourceFieldRef: { containerName: 'main', resource: 'limits.cpu' } },
    ],
    { pod, allocatable: { cpu: 2, memory: 2 ** 30 } },
    0o644,
  );
  assert.deepEqual(r.errors, []);
  assert.deepEqual(lines(r.payload), [
    'annotations 644: note="x\\"y"',
    'app 644: web',
    'cpu 644: 250',
    'cpulimit 644: 2',
    'labels 600: app="web"\ntier="a b"',
    'mem 644: 64',
    'name 644: web',
    'ns 644: team',
    'uid 644: u-1',
  ]);
});

function sources(over: Partial<VolumeSources> = {}): VolumeSources & { requests: Array<[string, TokenRequestSpec]> } {
  const requests: Array<[string, TokenRequestSpec]> = [];
  return {
    requests,
    configMap: async (name) => (name === 'kube-root-ca.crt' ? { data: { 'ca.crt': 'PEM' } } : undefined),
    secret: async () => undefined,
    // As upstream's TokenRequest answers: the spec as defaulted, the token, its expiry.
    token: async (sa, spec) => {
      requests.push([sa, spec]);
      return { spec: { expirationSeconds: spec.expirationSeconds }, status: { token: `jwt-for-${sa}`, expirationTimestamp: new Date(Date.UTC(2026, 0, 1) + spec.expirationSeconds! * 1000).toISOString() } };
    },
    ...over,
  };
}

test('projected: the kube-api-access volume admission adds — a TokenRequest bound to the pod for its service account, the CA, the namespace', async () => {
  const s = sources();
  const { payload, tokens } = await volumePayload(KUBE_API_ACCESS, { pod, allocatable: { cpu: 1, memory: 1 }, sources: s });
  assert.deepEqual(lines(payload), ['ca.crt 644: PEM', 'namespace 644: team', 'token 644: jwt-for-builder']);
  assert.deepEqual(s.requests, [['builder', { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'u-1' }, expirationSeconds: 3607 }]]);
  assert.deepEqual(tokens, [{ path: 'token', expirationSeconds: 3607, expiresAtMs: Date.UTC(2026, 0, 1) + 3607_000 }]);
  // An audience, the default lifetime, the default service account.
  const t = sources();
  await volumePayload({ name: 'v', projected: { sources: [{ serviceAccountToken: { path: 't', audience: 'vault' } }] } }, { pod: { ...pod, spec: { ...pod.spec, serviceAccountName: undefined } }, allocatable: { cpu: 1, memory: 1 }, sources: t });
  assert.deepEqual(t.requests[0], ['default', { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'u-1' }, audiences: ['vault'], expirationSeconds: 3600 }]);
});

test('projected and plain volumes fail as the kubelet\'s SetUp: one error as it is, several as [a, b]', async () => {
  const ctx = { pod, allocatable: { cpu: 1, memory: 1 } };
  await assert.rejects(volumePayload({ name: 'c', configMap: { name: 'nope' } }, { ...ctx, sources: sources() }), (e: unknown) => e instanceof VolumeSetupError && e.volume === 'c' && e.message === 'configmap "nope" not found');
  await assert.rejects(volumePayload({ name: 's', secret: { secretName: 'nope' } }, { ...ctx, sources: sources() }), { message: 'secret "nope" not found' });
  assert.deepEqual(lines((await volumePayload({ name: 's', secret: { secretName: 'nope', optional: true } }, { ...ctx, sources: sources() })).payload), []);
  const failing = sources({ token: async () => { throw new Error('serviceaccounts "builder" not found'); } });
  await assert.rejects(volumePayload(KUBE_API_ACCESS, { ...ctx, sources: failing }), { message: 'failed to fetch token: serviceaccounts "builder" not found' });
  const both = { name: 'p', projected: { sources: [{ configMap: { name: 'a' } }, { secret: { name: 'b' } }, { configMap: { name: 'c', optional: true } }] } };
  await assert.rejects(volumePayload(both, { ...ctx, sources: sources() }), { message: '[configmap "a" not found, secret "b" not found]' });
});

test('a token is renewed as the kubelet\'s token manager does: past 80 % of its lifetime or 24 h, less up to 10 s of jitter', () => {
  const exp = Date.UTC(2026, 0, 1, 1);
  // 3607 s: 20 % is 721 s (integer seconds) before the expiry.
  assert.equal(tokenRefreshAtMs({ expirationSeconds: 3607, expiresAtMs: exp }, 0), exp - 721_000);
  assert.equal(tokenRefreshAtMs({ expirationSeconds: 3607, expiresAtMs: exp }, 0.99), exp - 721_000 - 9000);
  // A token granted for a year is renewed after 24 h.
  const year = 365 * 24 * 3600;
  assert.equal(tokenRefreshAtMs({ expirationSeconds: year, expiresAtMs: exp }, 0), exp - year * 1000 + 24 * 3600 * 1000);
});
