/** @module Tests of kubeconfig reading: inline data, files relative to the kubeconfig, refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfigConnection, kubeconfigConnection } from './kubeconfig.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const text = `
apiVersion: v1
kind: Config
current-context: kubito-dev
clusters:
- name: kubito-dev
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${b64('CA PEM')}
- name: files
  cluster:
    server: http://127.0.0.1:8080
    certificate-authority: ca.crt
    insecure-skip-tls-verify: true
contexts:
- name: kubito-dev
  context: { cluster: kubito-dev, user: admin }
- name: agent
  context: { cluster: files, user: agent, namespace: kube-system }
- name: exec
  context: { cluster: files, user: plugin }
users:
- name: admin
  user:
    client-certificate-data: ${b64('CERT PEM')}
    client-key-data: ${b64('KEY PEM')}
- name: agent
  user:
    tokenFile: token
- name: plugin
  user:
    exec: { command: get-token }
`;

test('the current context gives server, CA, client certificate and the default namespace', () => {
  assert.deepEqual(kubeconfigConnection(text), {
    transport: { server: 'https://127.0.0.1:6443', ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' },
    namespace: 'default',
  });
});

test('files are read relative to the kubeconfig; another context can be chosen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-kubeconfig-'));
  try {
    writeFileSync(join(dir, 'config'), text);
    writeFileSync(join(dir, 'ca.crt'), 'CA FROM FILE');
    writeFileSync(join(dir, 'token'), 'abc123\n');
    assert.deepEqual(loadKubeconfigConnection(join(dir, 'config'), { context: 'agent' }), {
      transport: { server: 'http://127.0.0.1:8080', ca: 'CA FROM FILE', insecureSkipTLSVerify: true, token: 'abc123' },
      namespace: 'kube-system',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unknown contexts and exec plugins are refused with a reason', () => {
  assert.throws(() => kubeconfigConnection(text, { context: 'nope' }), /context "nope" not found/);
  assert.throws(() => kubeconfigConnection(text, { context: 'exec' }), /exec and auth-provider credentials are not supported/);
  assert.throws(() => kubeconfigConnection('kind: Config'), /no context given/);
});
