/** @module Tests for request path parsing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from './request-info.js';

test('namespaced resource paths', () => {
  assert.deepEqual(parseRequestInfo('GET', '/api/v1/namespaces/default/services/nginx/status', false), {
    isResource: true, verb: 'get', group: '', version: 'v1', namespace: 'default', resource: 'services', name: 'nginx', subresource: 'status', rest: [],
  });
  const list = parseRequestInfo('GET', '/apis/apps/v1/namespaces/ns1/deployments', false);
  assert.equal(list.isResource && list.verb, 'list');
  const watch = parseRequestInfo('GET', '/api/v1/services', true);
  assert.equal(watch.isResource && `${watch.verb} ${watch.namespace}|${watch.resource}`, 'watch |services');
  const dc = parseRequestInfo('DELETE', '/api/v1/namespaces/a/pods', false);
  assert.equal(dc.isResource && dc.verb, 'deletecollection');
});

test('namespace objects are cluster-scoped', () => {
  const ns = parseRequestInfo('GET', '/api/v1/namespaces/kube-system', false);
  assert.equal(ns.isResource && `${ns.resource}/${ns.name} in "${ns.namespace}"`, 'namespaces/kube-system in ""');
  const fin = parseRequestInfo('PUT', '/api/v1/namespaces/x/finalize', false);
  assert.equal(fin.isResource && `${fin.verb} ${fin.resource}/${fin.name}/${fin.subresource}`, 'update namespaces/x/finalize');
  const all = parseRequestInfo('GET', '/api/v1/namespaces', false);
  assert.equal(all.isResource && all.verb, 'list');
});

test('discovery and other paths are non-resource', () => {
  for (const p of ['/api', '/apis', '/api/v1', '/apis/apps', '/apis/apps/v1', '/healthz', '/openapi/v3']) {
    assert.equal(parseRequestInfo('GET', p, false).isResource, false, p);
  }
});

test('escaped path segments are decoded; plain ones are taken as they are', () => {
  assert.deepEqual(parseRequestInfo('GET', '/api/v1/namespaces/default/configmaps/a%3Ab', false), { isResource: true, verb: 'get', group: '', version: 'v1', namespace: 'default', resource: 'configmaps', name: 'a:b', subresource: '', rest: [] });
  assert.deepEqual(parseRequestInfo('GET', '/api/v1/namespaces/default/configmaps/plain', false), { isResource: true, verb: 'get', group: '', version: 'v1', namespace: 'default', resource: 'configmaps', name: 'plain', subresource: '', rest: [] });
});

test('escaped path segments: a malformed escape is a 400 as Go\'s URL parser words it; bytes that are not UTF-8 do not throw', () => {
  const nameOf = (path: string): string | undefined => {
    const info = parseRequestInfo('GET', path, false);
    return info.isResource ? info.name : undefined;
  };
  assert.equal(nameOf('/api/v1/namespaces/default/services/a%2Db'), 'a-b');
  assert.throws(() => parseRequestInfo('GET', '/api/v1/namespaces/default/services/%zz', false), (err: { status?: { code?: number; message?: string } }) => err.status?.code === 400 && err.status.message === 'invalid URL escape "%zz"');
  assert.throws(() => parseRequestInfo('GET', '/api/v1/namespaces/default/services/x%4', false), /invalid URL escape "%4"/);
  assert.equal(nameOf('/api/v1/namespaces/default/services/%ED%A0%80'), '\ufffd\ufffd\ufffd');
});
