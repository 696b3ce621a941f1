import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { RESOURCES } from '../../api/resources.js';
import type { KubeList, KubeObject } from '../../api/types.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.js';
import type { Store } from '../../storage/store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeContinue } from './continue-token.js';
import { listReadAt } from './list-read.js';
import { RestStorage, wholeListText } from './rest-storage.js';
import type { ListOptions } from './rest-types.js';

const CONFIGMAPS = RESOURCES.find((r) => r.group === '' && r.resource === 'configmaps')!;
const PREFIX = '/registry/configmaps/ns/';

function cm(name: string, v: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v } };
}

/** Each backend: memory, and sqlite (range cache on). */
const BACKENDS: { name: string; open(options?: { historySize?: number }): Promise<{ store: Store; done(): void }> }[] = [
  { name: 'memory', open: async (options) => ({ store: await openMemoryStore(options), done() {} }) },
  {
    name: 'sqlite',
    open: async (options) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'kubito-listrv-'));
      const store = await openSqliteStore({ ...options, dataDir });
      return { store, done: () => rmSync(dataDir, { recursive: true, force: true }) };
    },
  },
];

async function rejectsStatus(promise: Promise<unknown>, code: number, message: string | RegExp): Promise<StatusError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${code}, but it resolved`);
}

const dataV = (o: KubeObject): string => (o as unknown as { data: { v: string } }).data.v;
const names = (list: KubeList): string[] => list.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}=${dataV(o)}`);

for (const backend of BACKENDS) {
  const it = (name: string, body: (storage: RestStorage, store: Store) => Promise<void>, options?: { historySize?: number }): void => {
    test(`${backend.name}: ${name}`, async () => {
      const { store, done } = await backend.open(options);
      try {
        await body(new RestStorage(CONFIGMAPS, store), store);
      } finally {
        await store.close();
        done();
      }
    });
  };

  it('continue pages are one snapshot: writes after the first page do not show', async (storage) => {
    for (const n of ['a', 'b', 'c', 'd']) await storage.create('ns', cm(n, '1'));
    const first = await storage.list('ns', { limit: 1 });
    assert.deepEqual(names(first), ['a@1=1']);
    assert.equal(first.metadata.remainingItemCount, 3);
    await storage.update('ns', 'c', cm('c', '2'));
    await storage.delete('ns', 'b');
    await storage.create('ns', cm('bb', '1'));
    const second = await storage.list('ns', { limit: 2, continue: first.metadata.continue });
    assert.deepEqual(names(second), ['b@2=1', 'c@3=1']);
    assert.equal(second.metadata.resourceVersion, '4');
    assert.equal(second.metadata.remainingItemCount, 1);
    assert.equal(decodeContinue(second.metadata.continue!, PREFIX).revision, 4);
    // listText and the Table read take the same path.
    const text = JSON.parse(wholeListText(await storage.listText('ns', { limit: 2, continue: first.metadata.continue })).toString()) as KubeList;
    assert.deepEqual(names(text), names(second));
    const third = await storage.list('ns', { continue: second.metadata.continue });
    assert.deepEqual(names(third), ['d@4=1']);
    assert.equal(third.metadata.continue, undefined);
    // A new list sees the writes.
    assert.deepEqual(names(await storage.list('ns')), ['a@1=1', 'bb@7=1', 'c@5=2', 'd@4=1']);
  });

  it('a filtered page reads every store page at one revision', async (storage) => {
    for (let i = 0; i < 120; i++) await storage.create('ns', cm(`c${String(i).padStart(3, '0')}`, String(i % 2)));
    const odd = (o: KubeObject): boolean => dataV(o) === '1';
    const first = await storage.list('ns', { limit: 2, filter: odd });
    assert.deepEqual(first.items.map((o) => o.metadata.name), ['c001', 'c003']);
    for (let i = 0; i < 120; i += 2) await storage.update('ns', `c${String(i).padStart(3, '0')}`, cm(`c${String(i).padStart(3, '0')}`, '1'));
    const rest = await storage.list('ns', { limit: 100, filter: odd, continue: first.metadata.continue });
    assert.equal(rest.items.length, 58);
    assert.ok(rest.items.every((o) => Number(o.metadata.name!.slice(1)) % 2 === 1));
    assert.equal(rest.metadata.resourceVersion, '120');
  });

  it('a continue token of a compacted revision: 410 with a token that continues at the most recent revision', async (storage) => {
    for (const n of ['a', 'b', 'c']) await storage.create('ns', cm(n, '1'));
    const first = await storage.list('ns', { limit: 1 });
    for (let i = 0; i < 15; i++) await storage.update('ns', 'c', cm('c', String(i + 2)));
    const err = await rejectsStatus(
      storage.list('ns', { continue: first.metadata.continue }),
      410,
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
    assert.equal(err.reason, 'Expired');
    const token = err.status.metadata.continue!;
    assert.deepEqual(JSON.parse(Buffer.from(token, 'base64url').toString()), { v: 'meta.k8s.io/v1', rv: -1, start: 'a\u0000' });
    const rest = await storage.list('ns', { continue: token });
    assert.deepEqual(names(rest), ['b@2=1', 'c@18=16']);
    assert.equal(rest.metadata.resourceVersion, '18');
  }, { historySize: 10 });

  it('resourceVersionMatch=Exact answers the state at that revision, labelled with it; its pages stay there', async (storage) => {
    await storage.create('ns', cm('a', '1'));
    await storage.create('ns', cm('b', '1'));
    await storage.update('ns', 'a', cm('a', '2'));
    await storage.delete('ns', 'b');
    await storage.create('ns', cm('c', '1'));
    const at2 = await storage.list('ns', { resourceVersion: '2', resourceVersionMatch: 'Exact' });
    assert.deepEqual(names(at2), ['a@1=1', 'b@2=1']);
    assert.equal(at2.metadata.resourceVersion, '2');
    const page = await storage.list('ns', { resourceVersion: '3', resourceVersionMatch: 'Exact', limit: 1 });
    assert.deepEqual(names(page), ['a@3=2']);
    assert.equal(page.metadata.resourceVersion, '3');
    const next = await storage.list('ns', { continue: page.metadata.continue });
    assert.deepEqual(names(next), ['b@2=1']);
    assert.equal(next.metadata.resourceVersion, '3');
    // The legacy rule: a resourceVersion with a limit and no match is exact too.
    assert.deepEqual(names(await storage.list('ns', { resourceVersion: '2', limit: 5 })), ['a@1=1', 'b@2=1']);
    // Without a limit it is NotOlderThan: the most recent state.
    const recent = await storage.list('ns', { resourceVersion: '2' });
    assert.deepEqual(names(recent), ['a@3=2', 'c@5=1']);
    assert.equal(recent.metadata.resourceVersion, '5');
    assert.deepEqual(names(await storage.list('ns', { resourceVersion: '2', resourceVersionMatch: 'NotOlderThan', limit: 5 })), ['a@3=2', 'c@5=1']);
    assert.deepEqual(names(await storage.list('ns', { resourceVersion: '0', limit: 5 })), ['a@3=2', 'c@5=1']);
    // A name field selector reads the state at that revision too.
    const one = await storage.list('ns', { name: 'b', filter: (o) => o.metadata.name === 'b', resourceVersion: '3', resourceVersionMatch: 'Exact' });
    assert.deepEqual(names(one), ['b@2=1']);
    assert.equal(one.metadata.resourceVersion, '3');
  });

  it('resourceVersionMatch=Exact at a compacted revision is 410 Expired', async (storage) => {
    for (let i = 0; i < 20; i++) await storage.create('ns', cm(`c${i}`, '1'));
    const err = await rejectsStatus(storage.list('ns', { resourceVersion: '2', resourceVersionMatch: 'Exact' }), 410, 'The resourceVersion for the provided list is too old.');
    assert.equal(err.reason, 'Expired');
  }, { historySize: 10 });

  it('a resourceVersion the store has not reached waits for it, then answers', async (storage) => {
    await storage.create('ns', cm('a', '1'));
    const listed = storage.list('ns', { resourceVersion: '3', resourceVersionMatch: 'Exact' });
    await storage.create('ns', cm('b', '1'));
    await storage.create('ns', cm('c', '1'));
    await storage.create('ns', cm('d', '1'));
    const list = await listed;
    assert.deepEqual(names(list), ['a@1=1', 'b@2=1', 'c@3=1']);
    assert.equal(list.metadata.resourceVersion, '3');
  });
}

test('resourceVersionMatch is validated as ValidateListOptions does (422 Invalid on ListOptions)', async () => {
  const store = await openMemoryStore();
  const storage = new RestStorage(CONFIGMAPS, store);
  const cases: [ListOptions, string][] = [
    [{ resourceVersionMatch: 'Exact' }, 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
    [{ resourceVersionMatch: 'NotOlderThan' }, 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
    [{ resourceVersion: '0', resourceVersionMatch: 'Exact' }, 'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'],
    [{ resourceVersion: '1', resourceVersionMatch: 'Newest' }, 'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""'],
  ];
  for (const [options, detail] of cases) {
    const err = await rejectsStatus(storage.list('ns', options), 422, `ListOptions.meta.k8s.io "" is invalid: ${detail}`);
    assert.equal(err.reason, 'Invalid');
  }
  await storage.create('ns', cm('a', '1'));
  await storage.create('ns', cm('b', '1'));
  const first = await storage.list('ns', { limit: 1 });
  await rejectsStatus(
    storage.list('ns', { continue: first.metadata.continue, resourceVersion: '1', resourceVersionMatch: 'Exact' }),
    422,
    'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided',
  );
  await rejectsStatus(storage.list('ns', { continue: first.metadata.continue, resourceVersion: '1' }), 400, 'specifying resource version is not allowed when using continue');
  await rejectsStatus(storage.list('ns', { resourceVersion: 'x1' }), 400, /^invalid resource version: /);
  const zero = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 0, start: 'a\u0000' })).toString('base64url');
  await rejectsStatus(storage.list('ns', { continue: zero }), 400, 'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  // storage.DecodeContinue's other refusals, with its texts: an empty start, an unknown version,
  // and a start that path.Clean would change (a client's way up and out of the prefix).
  const token = (raw: object): string => Buffer.from(JSON.stringify(raw)).toString('base64url');
  await rejectsStatus(storage.list('ns', { continue: token({ v: 'meta.k8s.io/v1', rv: 1, start: '' }) }), 400, 'invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  await rejectsStatus(storage.list('ns', { continue: token({ v: 'meta.k8s.io/v2', rv: 1, start: 'a' }) }), 400, 'invalid continue token: continue key is not valid: server does not recognize this encoded version meta.k8s.io/v2');
  for (const start of ['../x', 'a/../../b', 'a/', 'a//b', './a', 'a/.', '..']) {
    await rejectsStatus(storage.list('ns', { continue: token({ v: 'meta.k8s.io/v1', rv: 1, start }) }), 400, `invalid continue token: continue key is not valid: ${start}`);
  }
  await rejectsStatus(storage.list('ns', { continue: 'not json' }), 400, /^invalid continue token: continue key is not valid: /);
  // A leading slash is allowed (the key is cleaned with one): '/a' continues after a, '/' from the start.
  assert.deepEqual(decodeContinue(token({ v: 'meta.k8s.io/v1', rv: 1, start: '/a\u0000' }), PREFIX), { revision: 1, afterKey: `${PREFIX}a` });
  assert.deepEqual((await storage.list('ns', { continue: token({ v: 'meta.k8s.io/v1', rv: -1, start: '/' }) })).items.map((o) => o.metadata.name), ['a', 'b']);
  // A continue token with resourceVersion 0 is allowed, as upstream.
  assert.equal((await storage.list('ns', { continue: first.metadata.continue, resourceVersion: '0' })).items.length, 1);
  await store.close();
});

test('a resourceVersion the store does not reach in time: 504 Too large resource version, as the watch cache answers', async () => {
  const store = await openMemoryStore();
  await store.create(`${PREFIX}a`, '{}');
  for (const match of ['Exact', 'NotOlderThan', undefined]) {
    const started = performance.now();
    const err = await rejectsStatus(listReadAt(store, PREFIX, { resourceVersion: '9', resourceVersionMatch: match }, 50), 504, 'Timeout: Too large resource version: 9, current: 1');
    assert.ok(performance.now() - started >= 45, 'it waited');
    assert.equal(err.reason, 'Timeout');
    assert.deepEqual(err.status.details, { retryAfterSeconds: 1, causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] });
  }
  // A forged continue token past the store's revision is refused the same way, without a wait.
  const storage = new RestStorage(CONFIGMAPS, store);
  const future = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 9, start: 'a\u0000' })).toString('base64url');
  await rejectsStatus(storage.list('ns', { continue: future }), 504, 'Timeout: Too large resource version: 9, current: 1');
  await store.close();
});
