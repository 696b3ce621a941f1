/**
 * @module DELETE as upstream's handler answers it: 200 with a code-less Status once gone, 200 with
 * the object while it is only marked (202 only for orphanDependents=false), DeleteOptions
 * refused with 422 `DeleteOptions.meta.k8s.io "" is invalid`, the body read instead of the query.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../../api/resources.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { ApiHandler, storageKey } from '../handler.js';
import type { HandlerResponse } from '../http-types.js';
import { RestStorage } from '../registry/rest-storage.js';

const CMS = '/api/v1/namespaces/default/configmaps';

function body(res: HandlerResponse): Record<string, any> {
  assert.equal(res.kind, 'body');
  return JSON.parse(res.kind === 'body' ? res.body.toString() : '');
}

describe('DELETE', () => {
  let handler: ApiHandler;
  const send = (method: 'POST' | 'DELETE', path: string, options: { text?: string; query?: string } = {}) =>
    handler.handle({ method, path, query: new URLSearchParams(options.query ?? ''), headers: { accept: 'application/json', 'content-type': 'application/json' }, body: options.text });
  const create = async (name: string, finalizers?: string[]) =>
    assert.equal((await send('POST', CMS, { text: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, finalizers } }) })).status, 201);

  before(async () => {
    const store = await openMemoryStore();
    const storages = new Map<string, RestStorage>();
    for (const info of RESOURCES.filter((r) => r.group === '' && (r.resource === 'configmaps' || r.resource === 'nodes'))) storages.set(storageKey(info.group, info.version, info.resource), new RestStorage(info, store));
    handler = new ApiHandler({ storages, serverAddress: '127.0.0.1:6443', version: { major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: '' } });
  });

  test('gone: 200 and finalizeDelete\'s Status, which has no code', async () => {
    await create('plain');
    const res = await send('DELETE', `${CMS}/plain`);
    assert.equal(res.status, 200);
    const status = body(res);
    assert.equal(status.code, undefined);
    assert.match(status.details.uid, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ ...status, details: { ...status.details, uid: 'u' } }, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'plain', kind: 'configmaps', uid: 'u' } });
  });

  test('a Node is answered with a Status too (its registry does not return the deleted object)', async () => {
    assert.equal((await send('POST', '/api/v1/nodes', { text: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }) })).status, 201);
    const status = body(await send('DELETE', '/api/v1/nodes/n1'));
    assert.equal(status.kind, 'Status');
    assert.deepEqual({ ...status.details, uid: undefined }, { name: 'n1', kind: 'nodes', uid: undefined });
  });

  test('only marked: 200 with the object; 202 when orphanDependents=false asked for it', async () => {
    await create('held', ['example.com/hold']);
    const res = await send('DELETE', `${CMS}/held`, { text: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }) });
    assert.equal(res.status, 200);
    assert.ok(body(res).metadata.deletionTimestamp);
    await create('held2', ['example.com/hold']);
    const accepted = await send('DELETE', `${CMS}/held2`, { query: 'orphanDependents=false' });
    assert.equal(accepted.status, 202);
  });

  test('DeleteOptions validation: 422 as ValidateDeleteOptions words it', async () => {
    await create('v');
    const cases: Array<[{ text?: string; query?: string }, string]> = [
      [{ query: 'propagationPolicy=Sometimes' }, 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sometimes": supported values: "Foreground", "Background", "Orphan", "nil"'],
      [{ text: JSON.stringify({ orphanDependents: true, propagationPolicy: 'Foreground' }) }, 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Foreground": orphanDependents and deletionPropagation cannot be both set'],
      [{ query: 'dryRun=Some' }, 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"'],
    ];
    for (const [request, message] of cases) {
      const res = await send('DELETE', `${CMS}/v`, request);
      assert.equal(res.status, 422, message);
      assert.equal(body(res).message, message);
      assert.equal(body(res).details.kind, 'DeleteOptions');
      assert.equal(body(res).details.group, 'meta.k8s.io');
    }
  });

  test('a body is read instead of the query; a negative grace period is no error', async () => {
    await create('q', ['example.com/hold']);
    // The query asks for a dry run, the body does not: the body wins, the object is marked.
    const res = await send('DELETE', `${CMS}/q`, { query: 'dryRun=All', text: JSON.stringify({ gracePeriodSeconds: -3 }) });
    assert.equal(res.status, 200);
    assert.ok(body(res).metadata.resourceVersion);
    const again = await send('DELETE', `${CMS}/q`);
    assert.ok(body(again).metadata.deletionTimestamp, 'marked by the first request');
  });
});
