/**
 * @module Tests of the ServiceAccount admission plugin on the pods registry (memory store, the
 * real pod strategy): the account named and found, the token volume, the refusals as upstream
 * words them, the wait for `default`, mirror pods left alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../api/errors.js';
import { RESOURCES } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { podStrategy } from '../api/strategies/pod.js';
import { RestStorage } from '../apiserver/registry/rest-storage.js';
import { openMemoryStore } from '../storage/memory/memory-store.js';
import { ServiceAccountAdmission } from './service-account-admission.js';

const resource = (name: string) => RESOURCES.find((r) => r.group === '' && r.resource === name)!;

async function setUp(options: { defaultAccountWaitMs?: number } = {}) {
  const store = await openMemoryStore();
  const accounts = new RestStorage(resource('serviceaccounts'), store);
  const admission = await ServiceAccountAdmission.start(accounts, { ...options, generateName: (base) => `${base}abc12` });
  const pods = new RestStorage(resource('pods'), store, { strategy: podStrategy, admitCreate: (obj, ns) => admission.admitPod(obj, ns) });
  const account = (namespace: string, name: string, extra: Record<string, unknown> = {}) =>
    accounts.create(namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name }, ...extra } as KubeObject);
  return { accounts, admission, pods, account };
}

const busybox = (name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...metadata }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } }) as KubeObject;

async function refusal(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return err;
  }
  assert.fail('the pod was admitted');
}

test('a pod runs as default, gets the kube-api-access volume and mount, and passes the pod strategy (both account fields set)', async () => {
  const { admission, pods, account } = await setUp();
  await account('default', 'default');
  const created = await pods.create('default', busybox('web'));
  const spec = created.spec as Record<string, any>;
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.serviceAccount, 'default');
  assert.deepEqual(spec.volumes.map((v: { name: string }) => v.name), ['kube-api-access-abc12']);
  assert.deepEqual(spec.volumes[0].projected.sources[0], { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } });
  assert.deepEqual(spec.containers[0].volumeMounts, [{ name: 'kube-api-access-abc12', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
  admission.stop();
});

test('TestDeniesInvalidServiceAccount: a pod naming an account that does not exist is refused, as upstream words it; its generateName names it', async () => {
  const { admission, pods, account } = await setUp({ defaultAccountWaitMs: 50 });
  await account('default', 'default');
  const err = await refusal(pods.create('default', busybox('p', { serviceAccountName: 'builder' })));
  assert.equal(err.status.code, 403);
  assert.equal(err.message, 'pods "p" is forbidden: error looking up service account default/builder: serviceaccount "builder" not found');
  const generated = await refusal(pods.create('shop', { ...busybox(''), metadata: { generateName: 'web-' } } as KubeObject));
  assert.equal(generated.message, 'pods "web-" is forbidden: error looking up service account shop/default: serviceaccount "default" not found');
  await account('default', 'builder');
  assert.equal((await pods.create('default', busybox('p', { serviceAccountName: 'builder' }))).metadata.name, 'p', 'admitted once the account exists');
  admission.stop();
});

test('TestFetchesUncachedServiceAccount: a pod naming default waits for the controller to make it, and is admitted', async () => {
  const { admission, pods, account } = await setUp();
  const t0 = Date.now();
  const creating = pods.create('shop', busybox('early'));
  setTimeout(() => void account('shop', 'default'), 200);
  const created = await creating;
  assert.equal((created.spec as { serviceAccountName?: string }).serviceAccountName, 'default');
  const waited = Date.now() - t0;
  assert.ok(waited >= 190 && waited < 1500, `admitted as the account appeared (${waited} ms), not at a poll's end`);
  admission.stop();
});

test('an account whose automountServiceAccountToken is false gives no volume unless the pod asks; a dry run is admitted the same', async () => {
  const { admission, pods, account } = await setUp();
  await account('default', 'quiet', { automountServiceAccountToken: false, imagePullSecrets: [{ name: 'regcred' }] });
  const quiet = await pods.create('default', busybox('q', { serviceAccountName: 'quiet' }));
  assert.equal((quiet.spec as { volumes?: unknown }).volumes, undefined);
  assert.deepEqual((quiet.spec as { imagePullSecrets?: unknown }).imagePullSecrets, [{ name: 'regcred' }]);
  const asks = await pods.create('default', busybox('a', { serviceAccountName: 'quiet', automountServiceAccountToken: true }), { dryRun: true });
  assert.equal((asks.spec as { volumes: Array<{ name: string }> }).volumes[0].name, 'kube-api-access-abc12');
  admission.stop();
});

test('an account enforcing mountable secrets refuses a pod mounting another Secret', async () => {
  const { admission, pods, account } = await setUp();
  await account('default', 'strict', { metadata: { name: 'strict', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 'ok' }] });
  const err = await refusal(pods.create('default', busybox('p', { serviceAccountName: 'strict', volumes: [{ name: 'v', secret: { secretName: 'nope' } }] })));
  assert.equal(err.message, 'pods "p" is forbidden: volume with secret.secretName="nope" is not allowed because service account strict does not reference that secret');
  await pods.create('default', busybox('fine', { serviceAccountName: 'strict', volumes: [{ name: 'v', secret: { secretName: 'ok' } }] }));
  admission.stop();
});

test('mirror pods: never changed, no account looked up (none needed); one naming an account is refused', async () => {
  const { admission, pods } = await setUp({ defaultAccountWaitMs: 50 });
  const mirror = { annotations: { 'kubernetes.io/config.mirror': 'abc' } };
  const created = await pods.create('kube-system', busybox('kube-dns-node', { nodeName: 'node' }, mirror));
  const spec = created.spec as Record<string, unknown>;
  assert.equal(spec.serviceAccountName, undefined);
  assert.equal(spec.volumes, undefined);
  assert.equal((spec.containers as Array<{ volumeMounts?: unknown }>)[0].volumeMounts, undefined);
  const err = await refusal(pods.create('kube-system', busybox('named', { serviceAccountName: 'default' }, mirror)));
  assert.equal(err.message, 'pods "named" is forbidden: a mirror pod may not reference service accounts');
  admission.stop();
});

test('an account deleted after the watch saw it is missing again', async () => {
  const { accounts, admission, account } = await setUp({ defaultAccountWaitMs: 50 });
  await account('ns', 'builder');
  assert.equal((await admission.account('ns', 'builder'))?.name, 'builder');
  await accounts.delete('ns', 'builder');
  assert.equal(await admission.account('ns', 'builder'), undefined);
  admission.stop();
});
