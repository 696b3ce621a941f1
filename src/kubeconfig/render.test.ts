import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKubeconfigError } from './errors.js';
import { kubeconfigEntryName, renderKubeconfig } from './render.js';

const run = promisify(execFile);
const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const CA_B64 = Buffer.from(CA).toString('base64');

test('renders one cluster, user and context named kubito-<name>, in the layout kubectl writes', () => {
  const text = renderKubeconfig({ name: 'dev', server: 'https://127.0.0.1:6443', caCertPem: CA, token: 'tok-en_123', namespace: 'web' });
  assert.equal(
    text,
    `apiVersion: v1
kind: Config
clusters:
- name: kubito-dev
  cluster:
    certificate-authority-data: ${CA_B64}
    server: https://127.0.0.1:6443
users:
- name: kubito-dev
  user:
    token: tok-en_123
contexts:
- name: kubito-dev
  context:
    cluster: kubito-dev
    user: kubito-dev
    namespace: web
current-context: kubito-dev
preferences: {}
`,
  );
  assert.equal(kubeconfigEntryName('dev'), 'kubito-dev');
});

test('strings YAML 1.1 would misread are quoted', () => {
  const text = renderKubeconfig({ name: 'yes', server: 'https://127.0.0.1:1', caCertPem: CA, token: '0123456789012345' });
  assert.match(text, /token: "0123456789012345"/);
});

test('a client certificate goes in as data; a token is optional then', () => {
  const text = renderKubeconfig({ name: 'c', server: 'https://127.0.0.1:1', caCertPem: CA, clientCertPem: 'CERT', clientKeyPem: 'KEY' });
  assert.match(text, /client-certificate-data: Q0VSVA==\n {4}client-key-data: S0VZ\n/);
  assert.doesNotMatch(text, /token:/);
});

test('bad input is refused', () => {
  const base = { name: 'x', server: 'https://127.0.0.1:1', caCertPem: CA, token: 't' };
  const bad = [
    { ...base, name: '' },
    { ...base, name: 'a b' },
    { ...base, server: 'not a url' },
    { ...base, server: 'ftp://x' },
    { ...base, caCertPem: 'nope' },
    { ...base, token: '' },
    { ...base, token: 'a b' },
    { ...base, token: undefined },
    { ...base, clientCertPem: 'CERT' },
    { ...base, namespace: 'Not_A_Label' },
  ];
  for (const opts of bad) assert.throws(() => renderKubeconfig(opts), (err) => isKubeconfigError(err, 'InvalidArgument'), JSON.stringify(opts));
});

test('real kubectl reads the rendered kubeconfig', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-kc-'));
  try {
    const path = join(dir, 'config');
    writeFileSync(path, renderKubeconfig({ name: 'dev', server: 'https://127.0.0.1:6443', caCertPem: CA, token: 'secret-token', namespace: 'web' }));
    const { stdout } = await run('kubectl', ['config', 'view', '--kubeconfig', path, '--raw', '-o', 'json'], { timeout: 20_000 });
    const view = JSON.parse(stdout);
    assert.equal(view['current-context'], 'kubito-dev');
    assert.deepEqual(view.clusters, [{ name: 'kubito-dev', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': CA_B64 } }]);
    assert.deepEqual(view.users, [{ name: 'kubito-dev', user: { token: 'secret-token' } }]);
    assert.deepEqual(view.contexts, [{ name: 'kubito-dev', context: { cluster: 'kubito-dev', user: 'kubito-dev', namespace: 'web' } }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
