/**
 * @module Tests of the ServiceAccount admission plugin's decisions, carried from upstream's
 * plugin/pkg/admission/serviceaccount/admission_test.go (names in the test titles).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../types.js';
import {
  accountView,
  admissionName,
  admitWithAccount,
  DEFAULT_API_TOKEN_MOUNT_PATH,
  mirrorPodRefusal,
  mountServiceAccountToken,
  secretReferenceRefusal,
  tokenVolumeSource,
  type AccountView,
} from './pod-service-account.js';
import { generateName } from '../validation/names.js';

/** testGenerateName: a fixed suffix, as upstream's tests use. */
const testGenerateName = (base: string) => `${base}abc123`;
const GENERATED = 'kube-api-access-abc123';
const MIRROR = { 'kubernetes.io/config.mirror': 'true' };

function pod(spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'myname', namespace: 'myns', annotations }, spec };
}

function account(over: Partial<AccountView> = {}): AccountView {
  return { name: 'default', secrets: [], imagePullSecrets: [], enforceMountableSecrets: false, ...over };
}

const spec = (p: KubeObject) => p.spec as { volumes?: Array<Record<string, unknown>>; containers: Array<{ volumeMounts?: unknown[] }>; initContainers?: Array<{ volumeMounts?: unknown[] }>; imagePullSecrets?: unknown[] };
const tokenMount = { name: GENERATED, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };

test('TokenVolumeSource: the projected source exactly as upstream writes it', () => {
  assert.deepEqual(tokenVolumeSource(), {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  });
});

test('TestAutomountsAPIToken / TestAssignsDefaultServiceAccountAndBoundTokenWithNoSecretTokens: one kube-api-access volume, mounted read-only in every container and init container', () => {
  const p = pod({ initContainers: [{ name: 'init' }], containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', emptyDir: {} }] });
  admitWithAccount(p, account(), testGenerateName);
  assert.deepEqual(spec(p).volumes, [{ name: 'data', emptyDir: {} }, { name: GENERATED, projected: tokenVolumeSource() }]);
  assert.deepEqual(spec(p).initContainers![0].volumeMounts, [tokenMount]);
  assert.deepEqual(spec(p).containers[0].volumeMounts, [tokenMount]);
  assert.deepEqual(spec(p).containers[1].volumeMounts, [{ name: 'data', mountPath: '/data' }, tokenMount], 'appended after the pod\'s own mounts');
});

test('the generated name is kube-api-access- and 5 characters of the name generator\'s alphabet', () => {
  const p = pod({ containers: [{ name: 'a' }] });
  admitWithAccount(p, account(), generateName);
  assert.match(String(spec(p).volumes![0].name), /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('TestRespectsExistingMount: a container with a mount at the token path keeps it and gets none; no container needing it, no volume', () => {
  const own = { name: 'my-mount', mountPath: DEFAULT_API_TOKEN_MOUNT_PATH };
  const p = pod({ containers: [{ name: 'a', volumeMounts: [own] }], volumes: [{ name: 'my-mount', emptyDir: {} }] });
  admitWithAccount(p, account(), testGenerateName);
  assert.deepEqual(spec(p).containers[0].volumeMounts, [own]);
  assert.deepEqual(spec(p).volumes, [{ name: 'my-mount', emptyDir: {} }]);
  const mixed = pod({ containers: [{ name: 'a', volumeMounts: [own] }, { name: 'b' }] });
  admitWithAccount(mixed, account(), testGenerateName);
  assert.deepEqual(spec(mixed).containers[1].volumeMounts, [tokenMount]);
  assert.equal(spec(mixed).volumes!.length, 1);
});

test('a pod that already has a kube-api-access- volume keeps it: containers mount that one, no second volume', () => {
  const existing = { name: 'kube-api-access-mine1', projected: { sources: [] } };
  const p = pod({ containers: [{ name: 'a' }], volumes: [existing] });
  mountServiceAccountToken(p.spec as Record<string, unknown>, testGenerateName);
  assert.deepEqual(spec(p).volumes, [existing]);
  assert.deepEqual(spec(p).containers[0].volumeMounts, [{ ...tokenMount, name: 'kube-api-access-mine1' }]);
});

test('TestAutomountServiceAccountToken: the pod\'s automountServiceAccountToken wins, then the account\'s, else true', () => {
  const cases: Array<[boolean | undefined, boolean | undefined, boolean]> = [
    [undefined, undefined, true],
    [undefined, false, false],
    [undefined, true, true],
    [true, false, true],
    [false, true, false],
    [false, undefined, false],
  ];
  for (const [podSays, accountSays, mounted] of cases) {
    const p = pod({ containers: [{ name: 'a' }], ...(podSays === undefined ? {} : { automountServiceAccountToken: podSays }) });
    admitWithAccount(p, account({ automountServiceAccountToken: accountSays }), testGenerateName);
    assert.equal(spec(p).volumes !== undefined, mounted, `pod ${podSays}, account ${accountSays}`);
    assert.equal(spec(p).containers[0].volumeMounts !== undefined, mounted);
  }
});

test('TestAddImagePullSecrets / TestDoNotAddImagePullSecrets: the account\'s pull secrets fill a pod that has none', () => {
  const p = pod({ containers: [{ name: 'a' }] });
  admitWithAccount(p, account({ imagePullSecrets: ['foo', 'bar'] }), testGenerateName);
  assert.deepEqual(spec(p).imagePullSecrets, [{ name: 'foo' }, { name: 'bar' }]);
  const own = pod({ containers: [{ name: 'a' }], imagePullSecrets: [{ name: 'mine' }] });
  admitWithAccount(own, account({ imagePullSecrets: ['foo'] }), testGenerateName);
  assert.deepEqual(spec(own).imagePullSecrets, [{ name: 'mine' }]);
  const none = pod({ containers: [{ name: 'a' }] });
  admitWithAccount(none, account(), testGenerateName);
  assert.equal(spec(none).imagePullSecrets, undefined, 'no empty list written');
});

test('TestIgnoresMirrorPod and the mirror pod refusals (TestRejectsMirrorPodWith...)', () => {
  assert.equal(mirrorPodRefusal(pod({ containers: [{ name: 'a' }], volumes: [{ name: 'v', emptyDir: {} }] }, MIRROR)), undefined);
  assert.equal(mirrorPodRefusal(pod({ serviceAccountName: 'default' }, MIRROR)), 'a mirror pod may not reference service accounts');
  assert.equal(mirrorPodRefusal(pod({ volumes: [{ name: 'v', secret: {} }] }, MIRROR)), 'a mirror pod may not reference secrets');
  assert.equal(mirrorPodRefusal(pod({ containers: [{ name: 'a', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] }, MIRROR)), 'a mirror pod may not reference secrets');
  assert.equal(mirrorPodRefusal(pod({ containers: [{ name: 'a', envFrom: [{ secretRef: { name: 's' } }] }] }, MIRROR)), 'a mirror pod may not reference secrets');
  assert.equal(mirrorPodRefusal(pod({ imagePullSecrets: [{ name: 's' }] }, MIRROR)), 'a mirror pod may not reference secrets');
  assert.equal(mirrorPodRefusal(pod({ volumes: [{ name: 'v', csi: { driver: 'd', nodePublishSecretRef: { name: 's' } } }] }, MIRROR)), 'a mirror pod may not reference secrets');
  assert.equal(mirrorPodRefusal(pod({ volumes: [{ name: 'v', projected: { sources: [{ secret: { name: 's' } }] } }] }, MIRROR)), 'a mirror pod may not reference secrets');
  assert.equal(mirrorPodRefusal(pod({ volumes: [{ name: 'v', projected: { sources: [{ serviceAccountToken: {} }] } }] }, MIRROR)), 'a mirror pod may not use ServiceAccountToken volume projections');
});

test('TestAllowsReferencedSecret / TestRejectsUnreferencedSecretVolumes: an account that enforces mountable secrets limits volumes, env, envFrom and pull secrets', () => {
  const enforcing = account({ name: 'default', secrets: ['foo'], imagePullSecrets: ['pull'], enforceMountableSecrets: true });
  assert.equal(secretReferenceRefusal(pod({ containers: [{ name: 'c' }], volumes: [{ name: 'v', secret: { secretName: 'foo' } }] }), enforcing), undefined);
  assert.equal(
    secretReferenceRefusal(pod({ containers: [{ name: 'c' }], volumes: [{ name: 'v', secret: { secretName: 'bar' } }] }), enforcing),
    'volume with secret.secretName="bar" is not allowed because service account default does not reference that secret',
  );
  assert.equal(
    secretReferenceRefusal(pod({ initContainers: [{ name: 'i', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 'bar', key: 'k' } } }] }], containers: [{ name: 'c' }] }), enforcing),
    'init container i with envVar E referencing secret.secretName="bar" is not allowed because service account default does not reference that secret',
  );
  assert.equal(
    secretReferenceRefusal(pod({ containers: [{ name: 'c', envFrom: [{ secretRef: { name: 'bar' } }] }] }), enforcing),
    'container c with envFrom referencing secret.secretName="bar" is not allowed because service account default does not reference that secret',
  );
  assert.equal(secretReferenceRefusal(pod({ containers: [{ name: 'c', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 'foo', key: 'k' } } }] }] }), enforcing), undefined);
  assert.equal(
    secretReferenceRefusal(pod({ containers: [{ name: 'c' }], imagePullSecrets: [{ name: 'pull' }, { name: 'other' }] }), enforcing),
    'imagePullSecrets[1].name="other" is not allowed because service account default does not reference that imagePullSecret',
  );
});

test('accountView: automount, secrets, pull secrets, and the enforce annotation as strconv.ParseBool reads it', () => {
  const sa = (annotations?: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'ns', annotations }, ...extra });
  assert.deepEqual(accountView(sa(undefined, { automountServiceAccountToken: false, secrets: [{ name: 's1' }], imagePullSecrets: [{ name: 'p1' }] })), {
    name: 'builder',
    automountServiceAccountToken: false,
    secrets: ['s1'],
    imagePullSecrets: ['p1'],
    enforceMountableSecrets: false,
  });
  for (const [value, enforced] of [['true', true], ['1', true], ['T', true], ['yes', false], ['false', false]] as const) {
    assert.equal(accountView(sa({ 'kubernetes.io/enforce-mountable-secrets': value })).enforceMountableSecrets, enforced, value);
  }
});

test('a refusal names the pod, its generateName before one is made, else Unknown (extractResourceName)', () => {
  assert.equal(admissionName(pod({})), 'myname');
  assert.equal(admissionName({ metadata: { generateName: 'web-' } }), 'web-');
  assert.equal(admissionName({ metadata: {} }), 'Unknown');
});
