import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropItemsManagedFields, watchEventWithoutManagedFields } from './trim.js';

const MANAGED = [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': { 'f:ports': { 'k:{"port":80}': {} } } } }];

test('a watch event loses object.metadata.managedFields wherever it stands, and nothing else', () => {
  const objects = [
    { apiVersion: 'v1', kind: 'Service', metadata: { resourceVersion: '7', name: 'a', managedFields: MANAGED }, spec: { ports: [{ port: 80 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { managedFields: MANAGED, name: 'b', annotations: { managedFields: 'an annotation', x: '"managedFields":[' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { 'a}': '{[' }, managedFields: MANAGED }, data: { managedFields: 'data' } },
    { metadata: { managedFields: MANAGED } },
  ];
  for (const object of objects) {
    for (const type of ['ADDED', 'MODIFIED', 'DELETED']) {
      const text = JSON.stringify({ type, object });
      const { managedFields: _m, ...metadata } = object.metadata;
      assert.deepEqual(JSON.parse(watchEventWithoutManagedFields(text)), { type, object: { ...object, metadata } });
    }
  }
});

test('an event without managedFields, or not compact JSON of that shape, is left as it is', () => {
  const texts = [
    JSON.stringify({ type: 'ADDED', object: { kind: 'Service', metadata: { name: 'a' }, spec: { managedFields: [] } } }),
    JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Service', metadata: { resourceVersion: '9' } } }),
    JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410 } }),
    JSON.stringify({ type: 'ADDED', object: { kind: 'Service', metadata: { managedFields: MANAGED } } }, null, 1),
    '{"type":"ADDED","object":"x"}',
  ];
  for (const text of texts) assert.equal(watchEventWithoutManagedFields(text), text);
});

test('list answers lose their items\' managedFields; other answers keep theirs', () => {
  const list = { kind: 'ServiceList', items: [{ metadata: { name: 'a', managedFields: MANAGED } }, { metadata: { name: 'b' } }, null] };
  dropItemsManagedFields(list);
  assert.deepEqual(list.items, [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }, null]);
  const one = { kind: 'Service', items: [{ metadata: { managedFields: MANAGED } }], metadata: { managedFields: MANAGED } };
  dropItemsManagedFields(one);
  assert.deepEqual(one.metadata.managedFields, MANAGED);
  assert.deepEqual(one.items[0].metadata.managedFields, MANAGED);
  for (const other of [undefined, null, 'text', 3, { kind: 'List' }]) dropItemsManagedFields(other);
});
