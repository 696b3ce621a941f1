/**
 * @module Strict decoding of bodies with duplicate keys, against the cases of upstream's
 * test/integration/apiserver/field_validation_test.go (TestFieldValidation): the same bodies,
 * the same error lists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMembers } from '../json-members.js';
import { ANY, DEFINITIONS, goDecode, strictFieldErrors } from './index.js';
import { INVALID_DEPLOYMENT_ERRORS, invalidDeployment } from './testdata/field-validation.js';

const DEPLOYMENT = DEFINITIONS['io.k8s.api.apps.v1.Deployment'];

test("a create's strict errors: duplicates among the unknown fields, in document order (post-strict-validation)", () => {
  assert.deepEqual(strictFieldErrors(parseMembers(invalidDeployment('test-deployment')), DEPLOYMENT), INVALID_DEPLOYMENT_ERRORS);
});

test('a map counts its keys too; interface{} (ANY) has duplicates and no unknown fields', () => {
  const text = '{"metadata": {"labels": {"a": "1", "a": "2"}}, "x": {"y": 1, "y": 2}, "z": [{"k": 1, "k": 1}]}';
  assert.deepEqual(strictFieldErrors(parseMembers(text), DEPLOYMENT), ['duplicate field "metadata.labels.a"', 'unknown field "x"', 'unknown field "z"']);
  assert.deepEqual(strictFieldErrors(parseMembers(text), ANY), ['duplicate field "metadata.labels.a"', 'duplicate field "x.y"', 'duplicate field "z[0].k"']);
});

test('sortKeys visits keys in byte order, as in JSON that encoding/json wrote from a map', () => {
  const obj = { spec: { unknown1: 1, template: { spec: { containers: [{ name: 'n', unknownNested: 1 }] } }, unknownDupe: 1 } };
  assert.deepEqual(strictFieldErrors(obj, DEPLOYMENT, { sortKeys: true }), [
    'unknown field "spec.template.spec.containers[0].unknownNested"',
    'unknown field "spec.unknown1"',
    'unknown field "spec.unknownDupe"',
  ]);
});

test('goDecode merges a struct or map named twice, as Go decodes into what it already has', () => {
  const text = `{
    "metadata": {"name": "a", "labels": {"x": "1"}, "name": "b", "labels": {"y": "2"}},
    "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}},
    "spec": {"paused": true, "template": {"spec": {"containers": [{"image": "j"}]}}},
    "unknown": {"p": 1}, "unknown": {"q": 2}
  }`;
  assert.deepEqual(goDecode(parseMembers(text), DEPLOYMENT), {
    metadata: { name: 'b', labels: { x: '1', y: '2' } },
    // The second containers list decodes into the items the first made: name survives.
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'j' }] } }, paused: true },
    unknown: { q: 2 },
  });
  // A map's values are decoded fresh; an opaque type (here a Quantity-free RawExtension-like
  // FieldsV1) is replaced whole.
  const meta = '{"metadata": {"annotations": {"a": "1"}, "managedFields": [{"fieldsV1": {"f:a": {}}}], "managedFields": [{"fieldsV1": {"f:b": {}}}]}}';
  assert.deepEqual(goDecode(parseMembers(meta), DEPLOYMENT), { metadata: { annotations: { a: '1' }, managedFields: [{ fieldsV1: { 'f:b': {} } }] } });
  // Without a type (interface{}), the last value wins whole.
  assert.deepEqual(goDecode(parseMembers('{"a": {"b": 1}, "a": {"c": 2}}'), ANY), { a: { c: 2 } });
});
