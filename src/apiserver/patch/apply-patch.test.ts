/**
 * @module Tests for applyPatch: dispatch on the patch type, and the StatusError each failure
 * becomes, as apiserver/pkg/endpoints/handlers/patch.go returns them (applyJSPatch,
 * strategicPatchObject, interpretStrategicMergePatchError).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { parseMembers } from '../../api/json-members.js';
import { patchStrictErrors, applyPatch } from './apply-patch.js';
import { K8S_LOOKUP, SERVICE } from './testdata/k8s-schema.js';

const svc = () => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'nginx', labels: { app: 'nginx' } },
  spec: { ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], type: 'ClusterIP' },
});

function status(fn: () => unknown): StatusError['status'] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    return err.status;
  }
  assert.fail('expected an error');
}

test('each patch type applies', () => {
  const json = applyPatch(svc(), [{ op: 'replace', path: '/spec/type', value: 'NodePort' }], { type: 'application/json-patch+json' });
  assert.equal((json.spec as { type: string }).type, 'NodePort');
  const merge = applyPatch(svc(), { spec: { ports: [{ port: 81 }] } }, { type: 'application/merge-patch+json' });
  assert.deepEqual((merge.spec as { ports: unknown }).ports, [{ port: 81 }]);
  const smp = applyPatch(svc(), { spec: { ports: [{ port: 81 }] } }, { type: 'application/strategic-merge-patch+json', schema: K8S_LOOKUP, root: SERVICE });
  assert.deepEqual((smp.spec as { ports: unknown }).ports, [{ port: 81 }, { port: 80, protocol: 'TCP', targetPort: 80 }]);
});

test('strategic merge patch without a schema replaces lists, like unstructured data', () => {
  const got = applyPatch(svc(), { spec: { ports: [{ port: 81 }] } }, { type: 'application/strategic-merge-patch+json' });
  assert.deepEqual((got.spec as { ports: unknown }).ports, [{ port: 81 }]);
});

test('a failing JSON patch operation is a generic 422, as NewGenericServerResponse makes it', () => {
  const s = status(() => applyPatch(svc(), [{ op: 'remove', path: '/spec/nothing' }], { type: 'application/json-patch+json' }));
  assert.deepEqual(s, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: {},
    code: 422,
  });
  assert.equal(status(() => applyPatch(svc(), [{ op: 'test', path: '/spec/type', value: 'NodePort' }], { type: 'application/json-patch+json' })).code, 422);
});

test('a JSON patch that does not decode is a 400', () => {
  const s = status(() => applyPatch(svc(), { op: 'add' }, { type: 'application/json-patch+json' }));
  assert.equal(s.code, 400);
  assert.equal(s.reason, 'BadRequest');
  assert.equal(s.message, 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
  assert.equal(
    status(() => applyPatch(svc(), [{ op: 1, path: '/a' }], { type: 'application/json-patch+json' })).message,
    'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string',
  );
  assert.equal(
    status(() => applyPatch(svc(), ['x'], { type: 'application/json-patch+json', fieldValidation: 'Ignore' })).message,
    'json: cannot unmarshal string into Go value of type jsonpatch.Operation',
  );
});

test('too many JSON patch operations is a 413', () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Service' }));
  const s = status(() => applyPatch(svc(), ops, { type: 'application/json-patch+json' }));
  assert.equal(s.code, 413);
  assert.equal(s.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
});

test("a patch's own strict errors: a JSON patch's unknown and duplicate operation fields by index, a merge patch's duplicate keys", () => {
  // The JSON patch of upstream's TestFieldValidation (test/integration/apiserver/field_validation_test.go).
  const text = `[
    {"op": "add", "path": "/spec/unknown1", "value": "val1", "foo":"bar"},
    {"op": "add", "path": "/spec/unknown2", "path": "/spec/unknown3", "value": "val1"},
    {"op": "add", "path": "/spec/x", "value": {"a": 1, "a": 2}}
  ]`;
  assert.deepEqual(patchStrictErrors('application/json-patch+json', parseMembers(text)), [
    'json patch unknown field "[0].foo"',
    'json patch duplicate field "[1].path"',
    'json patch duplicate field "[2].value.a"',
  ]);
  assert.deepEqual(patchStrictErrors('application/json-patch+json', JSON.parse(text)), ['json patch unknown field "[0].foo"']);
  const merge = '{"spec": {"unknown1": 1, "paused": true, "paused": false, "template": {"spec": {"containers": [{"name": "n", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}';
  assert.deepEqual(patchStrictErrors('application/merge-patch+json', parseMembers(merge)), [
    'duplicate field "spec.paused"',
    'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
  ]);
  assert.deepEqual(patchStrictErrors('application/strategic-merge-patch+json', JSON.parse(merge)), []);
});

test('a JSON patch whose result is not an object is a 422 Invalid', () => {
  const s = status(() => applyPatch(svc(), [{ op: 'replace', path: '', value: [1] }], { type: 'application/json-patch+json' }));
  assert.equal(s.code, 422);
  assert.equal(s.reason, 'Invalid');
  assert.match(s.message ?? '', /^ "" is invalid: patch: Invalid value: "\[1\]": couldn't get version\/kind/);
});

test('merge patch decode errors', () => {
  assert.equal(status(() => applyPatch(svc(), null, { type: 'application/merge-patch+json' })).message, 'Invalid JSON Patch');
  assert.equal(
    status(() => applyPatch(svc(), [1], { type: 'application/merge-patch+json' })).message,
    'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
  );
});

test('strategic merge patch errors map to 400, 422 and 500 as interpretStrategicMergePatchError does', () => {
  const opts = { type: 'application/strategic-merge-patch+json' as const, schema: K8S_LOOKUP, root: SERVICE };
  const notObject = status(() => applyPatch(svc(), [1], opts));
  assert.equal(notObject.code, 400);
  assert.equal(notObject.message, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  const retain = status(() => applyPatch(svc(), { spec: { $retainKeys: 1 } }, opts));
  assert.equal(retain.code, 400);
  assert.equal(retain.message, 'invalid patch format of retainKeys');
  const noKey = status(() => applyPatch(svc(), { spec: { ports: [{ name: 'x' }] } }, opts));
  assert.deepEqual(noKey, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'map: map[name:x] does not contain declared merge key: port', code: 500 });
  assert.deepEqual(applyPatch(svc(), null, opts), svc());
});
