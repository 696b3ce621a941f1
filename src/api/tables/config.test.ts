import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOW, ago, makeConfigMap, makeSecret, makeServiceAccount } from './testing/builders.js';
import { kubectlGet, lines } from './testing/kubectl-print.js';

test('kubectl get configmaps: DATA counts data and binaryData keys', () => {
  const maps = [
    makeConfigMap('default', 'kube-root-ca.crt', (c) => {
      c.metadata.creationTimestamp = ago(75);
      c.data = { 'ca.crt': '-----BEGIN CERTIFICATE-----' };
    }),
    makeConfigMap('default', 'mixed', (c) => {
      c.data = { a: '1', b: '2' };
      c.binaryData = { blob: 'AAEC' };
    }),
    makeConfigMap('default', 'empty', (c) => delete c.data),
  ];
  assert.equal(
    kubectlGet('v1', 'ConfigMap', maps, { now: NOW }),
    lines(
      'NAME               DATA   AGE',
      'kube-root-ca.crt   1      75s',
      'mixed              3      0s',
      'empty              0      0s',
    ),
  );
});

test('kubectl get secrets: TYPE (Opaque by default) and DATA', () => {
  const secrets = [
    makeSecret('default', 'tls', (s) => {
      s.type = 'kubernetes.io/tls';
      s.data = { 'tls.crt': 'Y3J0', 'tls.key': 'a2V5' };
    }),
    makeSecret('default', 'untyped', (s) => {
      delete s.type;
      s.data = { password: 'cGFzcw==' };
      s.stringData = { password: 'pass', user: 'admin' };
    }),
  ];
  assert.equal(
    kubectlGet('v1', 'Secret', secrets, { now: NOW }),
    lines(
      'NAME      TYPE                DATA   AGE',
      'tls       kubernetes.io/tls   2      0s',
      'untyped   Opaque              2      0s',
    ),
  );
});

test('kubectl get serviceaccounts: SECRETS counts the listed secrets', () => {
  const accounts = [
    makeServiceAccount('default', 'default'),
    makeServiceAccount('default', 'builder', (s) => (s.secrets = [{ name: 'builder-token' }])),
  ];
  assert.equal(
    kubectlGet('v1', 'ServiceAccount', accounts, { now: NOW }),
    lines(
      'NAME      SECRETS   AGE',
      'default   0         0s',
      'builder   1         0s',
    ),
  );
});
