/**
 * @module Strict decoding through the handler, against upstream's TestFieldValidation
 * (test/integration/apiserver/field_validation_test.go): a body with duplicate and unknown
 * fields created, updated and patched under Strict, Warn and Ignore — the errors, the warnings,
 * and what is stored (Go's decode: duplicates merged, unknown fields gone).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../api/resources.js';
import { INVALID_DEPLOYMENT_ERRORS, invalidDeployment } from '../api/schema/testdata/field-validation.js';
import { openMemoryStore } from '../storage/memory/memory-store.js';
import { ApiHandler, storageKey } from './handler.js';
import type { HandlerResponse } from './http-types.js';
import { RestStorage } from './registry/rest-storage.js';

const BASE = '/apis/apps/v1/namespaces/default/deployments';

const invalidBody = invalidDeployment;
const CREATE_ERRORS = INVALID_DEPLOYMENT_ERRORS;

const MERGE_PATCH = `{"spec": {"unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2", "paused": true, "paused": false,
  "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "unknownNested": "val1", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}`;

const PATCH_ERRORS = [
  'duplicate field "spec.unknownDupe"',
  'duplicate field "spec.paused"',
  'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
  'unknown field "spec.template.spec.containers[0].unknownNested"',
  'unknown field "spec.unknown1"',
  'unknown field "spec.unknownDupe"',
];

const JSON_PATCH = `[
  {"op": "add", "path": "/spec/unknown1", "value": "val1", "foo":"bar"},
  {"op": "add", "path": "/spec/unknown2", "path": "/spec/unknown3", "value": "val1"},
  {"op": "add", "path": "/spec/paused", "value": true},
  {"op": "add", "path": "/spec/template/spec/containers/0/unknownNested", "value": "val1"}
]`;

function warnings(res: HandlerResponse): string[] {
  const values = res.kind === 'body' ? ((res.headers?.Warning as string[] | undefined) ?? []) : [];
  // 299 - "text", the text with its quotes escaped.
  return values.map((v) => JSON.parse(v.slice('299 - '.length)) as string);
}

function body(res: HandlerResponse): Record<string, any> {
  assert.equal(res.kind, 'body');
  return JSON.parse(res.kind === 'body' ? res.body.toString() : '');
}

describe('strict decoding (upstream TestFieldValidation)', () => {
  let handler: ApiHandler;
  const send = (method: 'POST' | 'PUT' | 'PATCH' | 'GET', path: string, query: string, text?: string, contentType = 'application/json') =>
    handler.handle({ method, path, query: new URLSearchParams(query), headers: { accept: 'application/json', 'content-type': contentType }, body: text });

  before(async () => {
    const store = await openMemoryStore();
    const storages = new Map<string, RestStorage>();
    for (const info of RESOURCES.filter((r) => (r.group === 'apps' && r.resource === 'deployments') || (r.group === '' && r.resource === 'namespaces'))) {
      storages.set(storageKey(info.group, info.version, info.resource), new RestStorage(info, store));
    }
    handler = new ApiHandler({ storages, serverAddress: '127.0.0.1:6443', version: { major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: '' } });
  });

  test('create: Strict refuses with every error in document order; Warn warns and stores what Go decoded; Ignore is silent', async () => {
    const strict = await send('POST', BASE, 'fieldValidation=Strict', invalidBody('post-strict'));
    assert.equal(strict.status, 400);
    assert.equal(body(strict).message, `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ${CREATE_ERRORS.join(', ')}`);

    const warn = await send('POST', BASE, '', invalidBody('post-warn'));
    assert.equal(warn.status, 201);
    assert.deepEqual(warnings(warn), CREATE_ERRORS);
    const stored = body(await send('GET', `${BASE}/post-warn`, ''));
    // The last "paused" (false) wins; Go's encoding then leaves the false bool out (omitempty).
    assert.equal(stored.spec.paused, undefined);
    assert.equal(stored.spec.template.spec.containers[0].imagePullPolicy, 'Never');
    // The Go type has nowhere to keep an unknown field.
    assert.equal(stored.metadata.unknownMeta, undefined);
    assert.equal(stored.spec.unknown1, undefined);
    assert.equal(stored.spec.template.spec.containers[0].unknownNested, undefined);

    const ignore = await send('POST', BASE, 'fieldValidation=Ignore', invalidBody('post-ignore'));
    assert.equal(ignore.status, 201);
    assert.deepEqual(warnings(ignore), []);
  });

  test('update: the same as create', async () => {
    const current = body(await send('GET', `${BASE}/post-warn`, ''));
    const text = invalidBody('post-warn').replace('"labels"', `"resourceVersion": "${current.metadata.resourceVersion}", "labels"`);
    const strict = await send('PUT', `${BASE}/post-warn`, 'fieldValidation=Strict', text);
    assert.equal(strict.status, 400);
    assert.match(body(strict).message, /strict decoding error: duplicate field "metadata\.name", unknown field "metadata\.unknownMeta"/);
    const warn = await send('PUT', `${BASE}/post-warn`, 'fieldValidation=Warn', text);
    assert.equal(warn.status, 200);
    assert.deepEqual(warnings(warn), CREATE_ERRORS);
  });

  test("merge and strategic merge patch: the patch's duplicates, then the result's unknown fields; Strict is a 422 on patch", async () => {
    for (const type of ['application/merge-patch+json', 'application/strategic-merge-patch+json']) {
      const strict = await send('PATCH', `${BASE}/post-warn`, 'fieldValidation=Strict', MERGE_PATCH, type);
      assert.equal(strict.status, 422, type);
      const status = body(strict);
      assert.equal(status.reason, 'Invalid');
      assert.equal(status.details.causes[0].field, 'patch');
      assert.ok(status.message.endsWith(`strict decoding error: ${PATCH_ERRORS.join(', ')}`), `${type}: ${status.message}`);
      if (type.startsWith('application/strategic')) assert.match(status.message, /^ "" is invalid: patch: Invalid value: "map\[spec:map\[paused:false /);
      else assert.match(status.message, /^ "" is invalid: patch: Invalid value: "\{\\"apiVersion\\":\\"apps\/v1\\",/);
      const warn = await send('PATCH', `${BASE}/post-warn`, '', MERGE_PATCH, type);
      assert.equal(warn.status, 200, type);
      assert.deepEqual(warnings(warn), PATCH_ERRORS, type);
      assert.equal(body(warn).spec.unknown1, undefined);
      const ignore = await send('PATCH', `${BASE}/post-warn`, 'fieldValidation=Ignore', MERGE_PATCH, type);
      assert.deepEqual(warnings(ignore), [], type);
    }
  });

  test("JSON patch: the operations' own unknown and duplicate fields by index, then the result's", async () => {
    const expected = ['json patch unknown field "[0].foo"', 'json patch duplicate field "[1].path"', 'unknown field "spec.template.spec.containers[0].unknownNested"', 'unknown field "spec.unknown1"', 'unknown field "spec.unknown3"'];
    const strict = await send('PATCH', `${BASE}/post-warn`, 'fieldValidation=Strict', JSON_PATCH, 'application/json-patch+json');
    assert.equal(strict.status, 422);
    assert.ok(body(strict).message.endsWith(`strict decoding error: ${expected.join(', ')}`), body(strict).message);
    const warn = await send('PATCH', `${BASE}/post-warn`, 'fieldValidation=Warn', JSON_PATCH, 'application/json-patch+json');
    assert.deepEqual(warnings(warn), expected);
    const ignore = await send('PATCH', `${BASE}/post-warn`, 'fieldValidation=Ignore', JSON_PATCH, 'application/json-patch+json');
    assert.equal(ignore.status, 200);
    assert.deepEqual(warnings(ignore), []);
  });

  test("apply: unknown fields fail the typed conversion (500); strict validation is of the YAML's duplicate keys", async () => {
    const apply = (query: string, text: string) => send('PATCH', `${BASE}/applied`, `fieldManager=mgr&${query}`, text, 'application/apply-patch+yaml');
    const dupes = '{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "applied"},\n "spec": {"paused": false,\n "paused": true, "selector": {"matchLabels": {"app": "a"}}, "template": {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}}';
    const strict = await apply('fieldValidation=Strict', dupes);
    assert.equal(strict.status, 400);
    assert.equal(body(strict).message, 'error strict decoding patch: error converting YAML to JSON: yaml: unmarshal errors:\n  line 3: key "paused" already set in map');
    const warn = await apply('fieldValidation=Warn', dupes);
    assert.equal(warn.status, 201);
    assert.deepEqual(warnings(warn), ['line 3: key "paused" already set in map']);
    assert.equal(body(warn).spec.paused, true);
    const unknown = await apply('fieldValidation=Ignore', dupes.replace('"paused": true,', '"paused": true, "bogus": 1,'));
    assert.equal(unknown.status, 500);
    assert.match(body(unknown).message, /^failed to create typed patch object \(\/applied; apps\/v1, Kind=Deployment\): \.spec\.bogus: field not declared in schema$/);
  });

  test('a YAML body: its repeated keys first, at their lines, then the unknown fields in sorted order', async () => {
    const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: y1\n  name: y2\n  zz: 1\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: c, image: i}]}\n  aa: 1\n';
    const warn = await send('POST', BASE, '', yaml, 'application/yaml');
    assert.equal(warn.status, 201);
    assert.deepEqual(warnings(warn), ['line 5: key "name" already set in map', 'unknown field "metadata.zz"', 'unknown field "spec.aa"']);
    assert.equal(body(warn).metadata.name, 'y2');
  });
});
