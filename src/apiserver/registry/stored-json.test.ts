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

test('objectEnd skips strings, escapes and nested values', async () => {
  const { apiText, objectEnd, metadataText } = await import('./stored-json.js');
  const meta = { name: 'a', annotations: { x: 'br{ace}s "quoted" \\ and ]', y: '\\"' }, managedFields: [{ fieldsV1: { 'f:spec': { 'k:{"port":80}': {} } } }] };
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { a: [1, { b: '}' }] } });
  const at = text.indexOf('"metadata":') + '"metadata":'.length;
  assert.deepEqual(JSON.parse(text.slice(at, objectEnd(text, at))), meta);
  assert.equal(objectEnd(text, 0), text.length);
  assert.equal(objectEnd('{"a":"}', 0), -1);
  const api = apiText(text, prefix, '9')!;
  assert.deepEqual(JSON.parse(metadataText(api)!), { resourceVersion: '9', ...meta });
});

test('withoutMember drops one member of one object, wherever it stands', async () => {
  const { withoutMember } = await import('./stored-json.js');
  const meta = { name: 'a', annotations: { managedFields: '"managedFields":[1]' }, managedFields: [{ fieldsV1: { 'f:x': {} } }], uid: 'u' };
  const cases: Record<string, unknown>[] = [
    meta,
    { managedFields: [1, [2, { a: '}' }]], name: 'first' },
    { name: 'last', n: 1.5, b: true, z: null, managedFields: [] },
    { managedFields: 'only' },
  ];
  for (const m of cases) {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: m, spec: { managedFields: 'not this one' } });
    const at = text.indexOf('"metadata":') + '"metadata":'.length;
    const { managedFields: _drop, ...rest } = m;
    assert.deepEqual(JSON.parse(withoutMember(text, at, 'managedFields')!), { apiVersion: 'v1', kind: 'Service', metadata: rest, spec: { managedFields: 'not this one' } });
  }
  const none = JSON.stringify({ metadata: { name: 'x', labels: { managedFields: 'v' } } });
  assert.equal(withoutMember(none, none.indexOf('{', 1), 'managedFields'), undefined);
  assert.equal(withoutMember('{"metadata":{ "name":"spaced"}}', 12, 'name'), undefined);
});
