/**
 * @module The scale subresource decodes its body as the Go Scale: ScaleSpec.replicas is
 * `omitempty`, so an absent one is 0 (no 400) and 0 is left out of the answer; a value of the
 * wrong type is refused with encoding/json's text.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../../api/resources.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { ApiHandler, storageKey } from '../handler.js';
import type { HandlerResponse } from '../http-types.js';
import { RestStorage } from '../registry/rest-storage.js';

const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';
const SCALE = `${DEPLOY}/web/scale`;

function body(res: HandlerResponse): Record<string, any> {
  assert.equal(res.kind, 'body');
  return JSON.parse(res.kind === 'body' ? res.body.toString() : '');
}

describe('deployments/scale', () => {
  let handler: ApiHandler;
  const send = (method: 'POST' | 'PUT' | 'PATCH' | 'GET', path: string, text?: string, contentType = 'application/json') =>
    handler.handle({ method, path, query: new URLSearchParams(), headers: { accept: 'application/json', 'content-type': contentType }, body: text });

  before(async () => {
    const store = await openMemoryStore();
    const storages = new Map<string, RestStorage>();
    for (const info of RESOURCES.filter((r) => r.group === 'apps' && r.resource === 'deployments')) storages.set(storageKey(info.group, info.version, info.resource), new RestStorage(info, store));
    handler = new ApiHandler({ storages, serverAddress: '127.0.0.1:6443', version: { major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: '' } });
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
    assert.equal((await send('POST', DEPLOY, JSON.stringify(deployment))).status, 201);
  });

  test('a PUT without spec.replicas scales to 0, and the answer leaves 0 out', async () => {
    const put = await send('PUT', SCALE, JSON.stringify({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default' }, spec: {} }));
    assert.equal(put.status, 200);
    assert.deepEqual(body(put).spec, {});
    assert.equal(body(put).status.replicas, 0, 'ScaleStatus.replicas is always written');
    assert.equal(body(await send('GET', `${DEPLOY}/web`)).spec.replicas, 0, 'DeploymentSpec.replicas is a pointer: 0 is kept');
  });

  test('a merge patch scales; a value of the wrong type is a 422 in encoding/json\'s words', async () => {
    const patched = await send('PATCH', SCALE, '{"spec":{"replicas":3}}', 'application/merge-patch+json');
    assert.equal(patched.status, 200);
    assert.deepEqual(body(patched).spec, { replicas: 3 });
    const wrong = await send('PATCH', SCALE, '{"spec":{"replicas":"x"}}', 'application/merge-patch+json');
    assert.equal(wrong.status, 422);
    assert.match(body(wrong).message, /json: cannot unmarshal string into Go struct field ScaleSpec\.spec\.replicas of type int32/);
    assert.equal(body(await send('GET', SCALE)).spec.replicas, 3);
  });
});

/** Who owns the workload's spec.replicas, by manager name. */
function replicasOwners(obj: Record<string, any>): string[] {
  return (obj.metadata.managedFields ?? []).filter((e: any) => e.fieldsV1?.['f:spec']?.['f:replicas'] !== undefined).map((e: any) => e.manager).sort();
}

// test/integration/apiserver/apply/scale_test.go TestScaleAllResources, for a Deployment.
describe('deployments/scale tracks who owns spec.replicas (ScaleHandler)', () => {
  let handler: ApiHandler;
  const send = (method: 'PUT' | 'PATCH' | 'GET', path: string, opts: { text?: string; contentType?: string; query?: string } = {}) =>
    handler.handle({ method, path, query: new URLSearchParams(opts.query ?? ''), headers: { accept: 'application/json', 'content-type': opts.contentType ?? 'application/json' }, body: opts.text });
  const deployment = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
  const scaleBody = (replicas: number): string => JSON.stringify({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: 'default' }, spec: { replicas } });
  const APPLY = 'application/apply-patch+yaml';
  const live = async (): Promise<Record<string, any>> => body(await send('GET', `${DEPLOY}/web`));

  before(async () => {
    const store = await openMemoryStore();
    const storages = new Map<string, RestStorage>();
    for (const info of RESOURCES.filter((r) => r.group === 'apps' && r.resource === 'deployments')) storages.set(storageKey(info.group, info.version, info.resource), new RestStorage(info, store));
    handler = new ApiHandler({ storages, serverAddress: '127.0.0.1:6443', version: { major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: '' } });
  });

  test('scale, re-apply (conflict, then forced), apply and replace through scale, co-own, scale again', async () => {
    assert.equal((await send('PATCH', `${DEPLOY}/web`, { text: deployment, contentType: APPLY, query: 'fieldManager=apply_test' })).status, 201);
    assert.deepEqual(replicasOwners(await live()), ['apply_test']);

    assert.equal((await send('PATCH', SCALE, { text: '{"spec":{"replicas":5}}', contentType: 'application/merge-patch+json', query: 'fieldManager=scale_test' })).status, 200);
    let obj = await live();
    assert.equal(obj.spec.replicas, 5);
    assert.deepEqual(replicasOwners(obj), ['scale_test']);
    const entry = obj.metadata.managedFields.find((e: any) => e.manager === 'scale_test');
    // The Scale's Update identifier names autoscaling/v1, so the workload has no time for it.
    assert.deepEqual(entry, { manager: 'scale_test', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } }, subresource: 'scale' });

    const conflict = await send('PATCH', `${DEPLOY}/web`, { text: deployment, contentType: APPLY, query: 'fieldManager=apply_test' });
    assert.equal(conflict.status, 409);
    assert.equal(body(conflict).message, 'Apply failed with 1 conflict: conflict with "scale_test" with subresource "scale" using apps/v1: .spec.replicas');
    assert.equal((await send('PATCH', `${DEPLOY}/web`, { text: deployment, contentType: APPLY, query: 'fieldManager=apply_test&force=true' })).status, 200);
    obj = await live();
    assert.equal(obj.spec.replicas, 1);
    assert.deepEqual(replicasOwners(obj), ['apply_test']);

    const scaleConflict = await send('PATCH', SCALE, { text: scaleBody(17), contentType: APPLY, query: 'fieldManager=apply_scale' });
    assert.equal(scaleConflict.status, 409);
    assert.match(body(scaleConflict).message, /conflict with "apply_test"/);
    assert.equal((await send('PATCH', SCALE, { text: scaleBody(17), contentType: APPLY, query: 'fieldManager=apply_scale&force=true' })).status, 200);
    obj = await live();
    assert.equal(obj.spec.replicas, 17);
    assert.deepEqual(replicasOwners(obj), ['apply_scale']);

    assert.equal((await send('PUT', SCALE, { text: scaleBody(7), query: 'fieldManager=replace_test' })).status, 200);
    obj = await live();
    assert.equal(obj.spec.replicas, 7);
    assert.deepEqual(replicasOwners(obj), ['replace_test']);

    assert.equal((await send('PATCH', SCALE, { text: scaleBody(7), contentType: APPLY, query: 'fieldManager=co_owning_test' })).status, 200);
    assert.deepEqual(replicasOwners(await live()), ['co_owning_test', 'replace_test']);

    assert.equal((await send('PATCH', SCALE, { text: '{"spec":{"replicas":5}}', contentType: 'application/merge-patch+json', query: 'fieldManager=scale_test' })).status, 200);
    obj = await live();
    assert.equal(obj.spec.replicas, 5);
    assert.deepEqual(replicasOwners(obj), ['scale_test']);
    // apply_test keeps what else it applied.
    assert.ok(obj.metadata.managedFields.some((e: any) => e.manager === 'apply_test' && e.fieldsV1['f:spec']['f:selector']));
  });

  test('a patch of the Scale\'s status alone leaves spec.replicas with its owner (TestScaleUpdateOnlyStatus)', async () => {
    const before = replicasOwners(await live());
    assert.equal((await send('PATCH', SCALE, { text: '{"status":{"replicas":42}}', contentType: 'application/merge-patch+json', query: 'fieldManager=status_test' })).status, 200);
    assert.deepEqual(replicasOwners(await live()), before);
    assert.ok(!(await live()).metadata.managedFields.some((e: any) => e.manager === 'status_test'));
  });

  test('apply through scale needs a field manager', async () => {
    const res = await send('PATCH', SCALE, { text: scaleBody(3), contentType: APPLY });
    assert.equal(res.status, 422);
    assert.equal(body(res).message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  });
});
