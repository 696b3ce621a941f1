/**
 * @module PATCH (and PUT) as upstream's patcher ends each attempt: the patched object's namespace and name
 * are checked against the URL (EnsureObjectNamespaceMatchesRequestNamespace, then checkName),
 * and a write that changes only managedFields (a second applier co-owning equal values) is
 * stored.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiHandler } from '../handler.js';
import type { HandlerResponse } from '../http-types.js';
import { podHandler } from './test-handler.js';

const PODS = '/api/v1/namespaces/default/pods';
const APPLY = 'application/apply-patch+yaml';

function body(res: HandlerResponse): Record<string, any> {
  assert.equal(res.kind, 'body');
  return JSON.parse(res.kind === 'body' ? res.body.toString() : '');
}

const pod = (meta: Record<string, unknown>): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

describe('PATCH checks the name and namespace of what it wrote', () => {
  let handler: ApiHandler;
  const patch = (path: string, text: string, contentType: string, query = '') =>
    handler.handle({ method: 'PATCH', path, query: new URLSearchParams(query), headers: { accept: 'application/json', 'content-type': contentType }, body: text });
  const get = async (path: string) => body(await handler.handle({ method: 'GET', path, query: new URLSearchParams(), headers: { accept: 'application/json' } }));

  before(async () => {
    ({ handler } = await podHandler(Date.parse('2024-01-01T00:00:00Z')));
    assert.equal((await patch(`${PODS}/p`, pod({ name: 'p', labels: { app: 'a' } }), APPLY, 'fieldManager=first')).status, 201);
  });

  test('an apply that would create an object without a name is refused', async () => {
    const res = await patch(`${PODS}/unnamed`, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'c', image: 'busybox' }] } }), APPLY, 'fieldManager=m');
    assert.equal(res.status, 400);
    assert.equal(body(res).message, 'the name of the object (unnamed based on URL) was undeterminable: name must be provided');
  });

  test('a patch that removes the name is refused; one that changes it too', async () => {
    const removed = await patch(`${PODS}/p`, '{"metadata":{"name":null}}', 'application/merge-patch+json');
    assert.equal(removed.status, 400);
    assert.equal(body(removed).message, 'the name of the object (p based on URL) was undeterminable: name must be provided');
    const renamed = await patch(`${PODS}/p`, '[{"op":"replace","path":"/metadata/name","value":"q"}]', 'application/json-patch+json');
    assert.equal(body(renamed).message, 'the name of the object (q) does not match the name on the URL (p)');
  });

  test('a PUT is checked the same way (update.go checkName)', async () => {
    const put = (text: string) => handler.handle({ method: 'PUT', path: `${PODS}/p`, query: new URLSearchParams(), headers: { accept: 'application/json', 'content-type': 'application/json' }, body: text });
    assert.equal(body(await put(pod({}))).message, 'the name of the object (p based on URL) was undeterminable: name must be provided');
    assert.equal(body(await put(pod({ name: 'q' }))).message, 'the name of the object (q) does not match the name on the URL (p)');
  });

  test('another namespace in the result is refused; a cluster-scoped kind drops it', async () => {
    const res = await patch(`${PODS}/p`, pod({ name: 'p', namespace: 'kube-system' }), APPLY, 'fieldManager=first');
    assert.equal(res.status, 400);
    assert.equal(body(res).message, 'the namespace of the provided object does not match the namespace sent on the request');
    const ns = await patch('/api/v1/namespaces/nsx', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nsx', namespace: 'foo' } }), APPLY, 'fieldManager=m');
    assert.equal(ns.status, 201);
    assert.equal(body(ns).metadata.namespace, undefined);
  });

  test('a resourceVersion in the patch is a precondition; a uid in an apply that creates is a conflict', async () => {
    const live = await get(`${PODS}/p`);
    const stale = await patch(`${PODS}/p`, '{"metadata":{"resourceVersion":"999","labels":{"x":"1"}}}', 'application/merge-patch+json');
    assert.equal(stale.status, 409);
    assert.equal(body(stale).message, 'Operation cannot be fulfilled on pods "p": the object has been modified; please apply your changes to the latest version and try again');
    const staleApply = await patch(`${PODS}/p`, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', resourceVersion: '999' } }), APPLY, 'fieldManager=first');
    assert.equal(staleApply.status, 409);
    const fresh = await patch(`${PODS}/p`, JSON.stringify({ metadata: { resourceVersion: live.metadata.resourceVersion, labels: { x: '1' } } }), 'application/merge-patch+json');
    assert.equal(fresh.status, 200);
    assert.equal((await patch(`${PODS}/p`, '{"metadata":{"labels":{"x":null}}}', 'application/merge-patch+json')).status, 200);
    const otherUid = await patch(`${PODS}/p`, '{"metadata":{"uid":"abc"}}', 'application/merge-patch+json');
    assert.equal(otherUid.status, 422);
    assert.equal(body(otherUid).message, 'Pod "p" is invalid: metadata.uid: Invalid value: "abc": field is immutable');
    const uid = await patch(`${PODS}/u`, pod({ name: 'u', uid: 'abc' }), APPLY, 'fieldManager=m');
    assert.equal(uid.status, 409);
    assert.equal(body(uid).message, 'Operation cannot be fulfilled on pods "u": uid mismatch: the provided object specified uid abc, and no existing object was found');
  });

  test('the options are checked first, as ValidatePatchOptions/ValidateCreateOptions do: one 422 for the options kind', async () => {
    const bad = await patch(`${PODS}/p`, '{}', 'application/merge-patch+json', `force=false&fieldManager=${'m'.repeat(129)}&dryRun=x&fieldValidation=Bogus`);
    assert.equal(bad.status, 422);
    assert.equal(
      body(bad).message,
      'PatchOptions.meta.k8s.io "" is invalid: [force: Forbidden: may not be specified for non-apply patch, fieldManager: Too long: may not be more than 128 bytes, dryRun: Unsupported value: []string{"x"}: supported values: "All", fieldValidation: Unsupported value: "Bogus": supported values: "Ignore", "Strict", "Warn"]',
    );
    const tab = await patch(`${PODS}/p`, pod({ name: 'p' }), APPLY, 'fieldManager=a%09b');
    assert.equal(body(tab).message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\\tb": invalid character U+0009 (at position 1)');
    const create = await handler.handle({ method: 'POST', path: PODS, query: new URLSearchParams('fieldValidation=Bogus'), headers: { accept: 'application/json', 'content-type': 'application/json' }, body: pod({ name: 'o' }) });
    assert.equal(create.status, 422);
    assert.equal(body(create).message, 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Bogus": supported values: "Ignore", "Strict", "Warn"');
  });

  test('a second applier of the same values co-owns them: stored although nothing else changed', async () => {
    const before = await get(`${PODS}/p`);
    const res = await patch(`${PODS}/p`, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'a' } } }), APPLY, 'fieldManager=second');
    assert.equal(res.status, 200);
    const after = await get(`${PODS}/p`);
    assert.notEqual(after.metadata.resourceVersion, before.metadata.resourceVersion);
    assert.deepEqual(after.metadata.managedFields.map((e: any) => e.manager).sort(), ['first', 'second']);
    assert.deepEqual(after.metadata.managedFields.find((e: any) => e.manager === 'second').fieldsV1, { 'f:metadata': { 'f:labels': { 'f:app': {} } } });
    // Applying it once more changes nothing: no new resourceVersion.
    await patch(`${PODS}/p`, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'a' } } }), APPLY, 'fieldManager=second');
    assert.equal((await get(`${PODS}/p`)).metadata.resourceVersion, after.metadata.resourceVersion);
  });
});
