/** @module Tests for proxy paths: what a path addresses, the backend path and the link prefix. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendPath, cleanPath, forwardedUri, joinPreservingTrailingSlash, parseProxyPath, pathPrepend } from './paths.js';

test('proxy paths of the three kinds; others are not proxy paths', () => {
  assert.deepEqual(parseProxyPath('/api/v1/namespaces/default/services/nginx:80/proxy/'), { resource: 'services', namespace: 'default', id: 'nginx:80', subpath: '/' });
  assert.deepEqual(parseProxyPath('/api/v1/namespaces/default/services/https:web:443/proxy/a/b'), { resource: 'services', namespace: 'default', id: 'https:web:443', subpath: '/a/b' });
  assert.deepEqual(parseProxyPath('/api/v1/namespaces/ns1/pods/p%3A8080/proxy'), { resource: 'pods', namespace: 'ns1', id: 'p:8080', subpath: '' });
  assert.deepEqual(parseProxyPath('/api/v1/nodes/kubito/proxy/healthz'), { resource: 'nodes', namespace: '', id: 'kubito', subpath: '/healthz' });
  assert.deepEqual(parseProxyPath('/api/v1/namespaces/default/services/nginx/proxy/a//b/'), { resource: 'services', namespace: 'default', id: 'nginx', subpath: '/a//b/' });
  for (const path of [
    '/api/v1/namespaces/default/services/nginx',
    '/api/v1/namespaces/default/services/nginx/status',
    '/api/v1/services/nginx/proxy',
    '/api/v1/namespaces/default/configmaps/c/proxy',
    '/api/v1/namespaces/default/pods/p/proxyx',
    '/apis/apps/v1/namespaces/default/deployments/d/proxy',
    '/api/v1/nodes/n',
    '/api/v1/namespaces//services/s/proxy',
    '/api/v2/nodes/n/proxy',
    '//api/v1/nodes/n/proxy',
    'api/v1/nodes/n/proxy',
  ]) {
    assert.equal(parseProxyPath(path), undefined, path);
  }
});

test("Go's path.Clean and JoinPreservingTrailingSlash", () => {
  for (const [input, want] of [['', '.'], ['/', '/'], ['a//b', 'a/b'], ['/a/../b/', '/b'], ['/../a', '/a'], ['../x', '../x'], ['a/./b/.', 'a/b']]) {
    assert.equal(cleanPath(input), want, input);
  }
  assert.equal(joinPreservingTrailingSlash('', ''), '');
  assert.equal(joinPreservingTrailingSlash('', '/'), '/');
  assert.equal(joinPreservingTrailingSlash('', '/a//b/'), '/a/b/');
  assert.equal(joinPreservingTrailingSlash('/x', 'y'), '/x/y');
  assert.equal(joinPreservingTrailingSlash('/x/', ''), '/x/');
});

test('the backend path and the prefix links get (UpgradeAwareHandler, defaultProxyTransport)', () => {
  const base = '/api/v1/namespaces/default/services/nginx:80/proxy';
  assert.equal(backendPath('/', `${base}/`), '/');
  assert.equal(backendPath('', base), '');
  assert.equal(backendPath('/a/b', `${base}/a/b/`), '/a/b/');
  assert.equal(pathPrepend(`${base}/`, '/'), base);
  assert.equal(pathPrepend(`${base}/a/b`, '/a/b'), base);
  assert.equal(pathPrepend(`${base}/a/b/`, '/a/b/'), base);
  assert.equal(forwardedUri(base, '/'), `${base}/`);
  assert.equal(forwardedUri(base, '/a/b'), `${base}/a/b`);
  // transport_test.go "normal": PathPrepend + the source path.
  assert.equal(forwardedUri('/proxy/node/node1:10250', '/logs/log.log'), '/proxy/node/node1:10250/logs/log.log');
});
