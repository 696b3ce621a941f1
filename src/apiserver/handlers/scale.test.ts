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
