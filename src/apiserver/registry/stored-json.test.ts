import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storedPrefix, withResourceVersion } from './stored-json.js';

const prefix = storedPrefix('v1', 'Service');

test('splices resourceVersion into metadata, giving the decoded object', () => {
  const stored = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', labels: { x: 'y' } }, spec: { ports: [{ port: 80 }] } });
  const text = withResourceVersion(stored, prefix, '42')!;
  const expected = JSON.parse(stored);
  expected.metadata.resourceVersion = '42';
  assert.deepEqual(JSON.parse(text), expected);
});

test('empty metadata gets no trailing comma', () => {
  const text = withResourceVersion('{"apiVersion":"v1","kind":"Service","metadata":{},"spec":{}}', prefix, '7')!;
  assert.deepEqual(JSON.parse(text), { apiVersion: 'v1', kind: 'Service', metadata: { resourceVersion: '7' }, spec: {} });
});

test('other layouts and kinds are not recognised', () => {
  assert.equal(withResourceVersion('{"kind":"Service","apiVersion":"v1","metadata":{}}', prefix, '1'), undefined);
  assert.equal(withResourceVersion('{"apiVersion":"v1","kind":"Pod","metadata":{}}', prefix, '1'), undefined);
  assert.equal(withResourceVersion('{"apiVersion":"v1","kind":"Service","metadata":{"resourceVersion":"3"}}', prefix, '1'), undefined);
});

test('names that need escaping are escaped in the prefix', () => {
  assert.equal(storedPrefix('a"b/v1', 'K'), '{"apiVersion":"a\\"b/v1","kind":"K","metadata":{');
});
