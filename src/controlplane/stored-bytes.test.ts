/**
 * @module A Secret stored before []byte fields were checked (data that is not base64, as an older
 * kubito accepted) through a whole control plane: updates and all three patch types may keep
 * that value as it is, and none may add a new one (the in-place merge patch compared the patched
 * object with itself before the stored copy was used).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterCredentials } from '../pki/credentials.js';
import type { HandlerRequest, HandlerResponse } from '../apiserver/http-types.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';

let cp: ControlPlane;
let dataDir: string;
const PATH = '/api/v1/namespaces/default/secrets/old';

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kubito-stored-bytes-'));
  const credentials = await ensureClusterCredentials(join(dataDir, 'pki'));
  cp = await startControlPlane({ dataDir, store: 'memory', host: '127.0.0.1', port: 0, certPem: credentials.serverCertPem, keyPem: credentials.serverKeyPem, authenticate: () => true, dnsUpstreams: [] });
});

after(async () => {
  await cp?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function send(method: HandlerRequest['method'], path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  const req: HandlerRequest = { method, path, query: new URLSearchParams(), headers: { 'content-type': contentType, 'user-agent': 'kubectl/v1.33.0' }, body: body === undefined ? undefined : JSON.stringify(body) };
  const res: HandlerResponse = await cp.handler.handle(req);
  assert.equal(res.kind, 'body');
  const text = res.kind === 'body' ? (typeof res.body === 'string' ? res.body : res.body.toString('utf8')) : '';
  return { status: res.status, text };
}

test('a stored value that is not base64 may stay; a new one is refused by every kind of write', async () => {
  const created = await send('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'old' }, data: { ok: 'YWJj' } });
  assert.equal(created.status, 201, created.text);
  // As an older kubito stored it: straight into the store.
  const key = (await cp.store.list('')).items.map((i) => i.key).find((k) => k.includes('secrets') && k.endsWith('/old'))!;
  const stored = JSON.parse((await cp.store.get(key))!.value) as { data: Record<string, string> };
  stored.data.bad = '!!!';
  await cp.store.update(key, JSON.stringify(stored));

  const keep = [
    ['PATCH', { metadata: { labels: { merge: 'yes' } } }, 'application/merge-patch+json'],
    ['PATCH', { metadata: { labels: { smp: 'yes' } } }, 'application/strategic-merge-patch+json'],
    ['PATCH', [{ op: 'add', path: '/metadata/labels/json', value: 'yes' }], 'application/json-patch+json'],
  ] as const;
  for (const [method, body, type] of keep) {
    const r = await send(method, PATH, body, type);
    assert.equal(r.status, 200, `${type}: ${r.text}`);
  }
  const current = JSON.parse((await send('GET', PATH)).text) as { data: Record<string, string>; metadata: { labels: Record<string, string> } };
  const labels: Record<string, string> = current.metadata.labels;
  assert.equal(current.data.bad, '!!!');
  assert.deepEqual(current.metadata.labels, { merge: 'yes', smp: 'yes', json: 'yes' });
  labels.put = 'yes';
  const put = await send('PUT', PATH, current);
  assert.equal(put.status, 200, put.text);

  const add = [
    [{ data: { added: '%%' } }, 'application/merge-patch+json', /illegal base64 data at input byte 0/],
    [{ data: { added: '%%' } }, 'application/strategic-merge-patch+json', /error decoding from json: illegal base64 data at input byte 0/],
    [[{ op: 'add', path: '/data/added', value: '%%' }], 'application/json-patch+json', /illegal base64 data at input byte 0/],
    [{ data: { bad: '!!?' } }, 'application/merge-patch+json', /illegal base64 data at input byte 0/],
  ] as const;
  for (const [body, type, want] of add) {
    const r = await send('PATCH', PATH, body, type);
    assert.equal(r.status, 422, `${type}: ${r.text}`);
    assert.match(r.text, want);
  }
  const replaced = JSON.parse((await send('GET', PATH)).text) as { data: Record<string, string> };
  replaced.data.added = '%%';
  const badPut = await send('PUT', PATH, replaced);
  assert.equal(badPut.status, 400, badPut.text);
  assert.match(badPut.text, /Secret in version \\"v1\\" cannot be handled as a Secret: illegal base64 data at input byte 0/);
});
