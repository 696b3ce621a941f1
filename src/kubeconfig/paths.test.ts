import { homedir } from 'node:os';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultKubeconfigPath, kubeconfigPaths } from './paths.js';

test('without KUBECONFIG: ~/.kube/config from HOME', () => {
  assert.equal(defaultKubeconfigPath({ HOME: '/home/ana' }), '/home/ana/.kube/config');
  assert.equal(defaultKubeconfigPath({ HOME: '/home/ana', KUBECONFIG: '' }), '/home/ana/.kube/config');
  assert.equal(defaultKubeconfigPath({}), `${homedir()}/.kube/config`);
});

test('one KUBECONFIG entry is used whether or not it exists', () => {
  assert.equal(defaultKubeconfigPath({ HOME: '/h', KUBECONFIG: '/tmp/a' }, { isFile: () => false }), '/tmp/a');
});

test('several entries: the first existing file, else the last one (kubectl, kind)', () => {
  const env = { HOME: '/h', KUBECONFIG: '/a::/b:/c:/b' };
  assert.deepEqual(kubeconfigPaths(env), ['/a', '/b', '/c']);
  assert.equal(defaultKubeconfigPath(env, { isFile: (p) => p === '/b' || p === '/c' }), '/b');
  assert.equal(defaultKubeconfigPath(env, { isFile: (p) => p === '/a' }), '/a');
  assert.equal(defaultKubeconfigPath(env, { isFile: () => false }), '/c');
});
