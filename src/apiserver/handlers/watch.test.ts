/** @module Watch answers carry each object whole (managedFields too), however the registry shares its decoded objects. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { ApiHandler, storageKey } from '../handler.js';
import type { HandlerRequest } from '../http-types.js';
import { RestStorage } from '../registry/rest-storage.js';

const VERSION = { major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: '' };

async function fixture(): Promise<{ handler: ApiHandler; services: RestStorage }> {
  const store = await openMemoryStore();
  const storages = new Map<string, RestStorage>();
  for (const info of RESOURCES.filter((r) => r.group === '' && (r.resource === 'services' || r.resource === 'namespaces'))) {
    storages.set(storageKey(info.group, info.version, info.resource), new RestStorage(info, store));
  }
  return { handler: new ApiHandler({ storages, serverAddress: '127.0.0.1:6443', version: VERSION }), services: storages.get(storageKey('', 'v1', 'services'))! };
}

const SERVICE: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:ports': {} } } }] },
  spec: { clusterIP: '10.96.0.9', ports: [{ port: 80 }], selector: { app: 'web' } },
};

/** Starts a watch of default's Services; what reaches the sink: lines, or values for an in-process sink. */
async function watch(handler: ApiHandler, accept: string, inProcess: boolean): Promise<{ lines: string[]; values: KubeObject[]; stop: () => void }> {
  const req: HandlerRequest = { method: 'GET', path: '/api/v1/namespaces/default/services', query: new URLSearchParams('watch=true'), headers: { accept }, inProcess, acceptsValue: false };
  const res = await handler.handle(req);
  assert.equal(res.kind, 'stream');
  if (res.kind !== 'stream') throw new Error('not a stream');
  const lines: string[] = [];
  const values: KubeObject[] = [];
  const stop = res.start({
    write: (c) => void lines.push(c.toString()),
    ...(inProcess ? { event: (ev: { object: KubeObject }) => void values.push(ev.object) } : {}),
    end: () => undefined,
  });
  return { lines, values, stop };
}

test('JSON, Table and PartialObjectMetadata watch lines carry managedFields; in-process values share an object without them', async () => {
  const { handler, services } = await fixture();
  const json = await watch(handler, 'application/json', false);
  const table = await watch(handler, 'application/json;as=Table;v=v1;g=meta.k8s.io', false);
  const metadata = await watch(handler, 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io', false);
  const inProcess = await watch(handler, 'application/json', true);
  await services.create('default', SERVICE);
  type Meta = { managedFields?: Array<{ manager: string }> } & Record<string, unknown>;
  type Line = { type: string; object: { kind: string; metadata: Meta; rows?: Array<{ object: { metadata: Meta } }> } };
  const managers = (meta: Meta): string[] => (meta.managedFields ?? []).map((e) => e.manager);
  const event = (w: { lines: string[] }): Line => {
    assert.equal(w.lines.length, 1);
    return JSON.parse(w.lines[0]);
  };
  assert.deepEqual(managers(event(json).object.metadata), ['kubectl']);
  assert.deepEqual(managers(event(table).object.rows![0].object.metadata), ['kubectl']);
  assert.equal(event(metadata).object.kind, 'PartialObjectMetadata');
  assert.deepEqual(managers(event(metadata).object.metadata), ['kubectl']);
  assert.equal(inProcess.values.length, 1);
  assert.equal(inProcess.values[0].metadata.managedFields, undefined);
  assert.equal(inProcess.values[0].metadata.name, 'web');
  // The JSON line is the stored object whole: the in-process value plus its managedFields.
  const { managedFields: _m, ...rest } = event(json).object.metadata;
  assert.deepEqual({ ...event(json).object, metadata: rest }, JSON.parse(JSON.stringify(inProcess.values[0])));
  for (const w of [json, table, metadata, inProcess]) w.stop();
});

test('timeoutSeconds: 0 is the server default and a huge one the longest a timer holds, neither ends the watch at once; a few seconds end it', async () => {
  const { handler } = await fixture();
  const open = async (timeoutSeconds: string): Promise<{ ended: () => boolean; stop: () => void }> => {
    const req: HandlerRequest = { method: 'GET', path: '/api/v1/namespaces/default/services', query: new URLSearchParams({ watch: 'true', timeoutSeconds }), headers: { accept: 'application/json' }, inProcess: false };
    const res = await handler.handle(req);
    if (res.kind !== 'stream') throw new Error(`not a stream: ${res.status}`);
    let ended = false;
    const stop = res.start({ write: () => undefined, end: () => void (ended = true) });
    return { ended: () => ended, stop };
  };
  const zero = await open('0');
  const huge = await open('99999999999');
  const short = await open('0.05');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(zero.ended(), false);
  assert.equal(huge.ended(), false);
  assert.equal(short.ended(), true);
  zero.stop();
  huge.stop();
  short.stop();
});

/** Starts a raw watch request; its lines and whether the server ended it. */
async function rawWatch(handler: ApiHandler, path: string, query: Record<string, string>): Promise<{ lines: string[]; ended: () => boolean; stop: () => void }> {
  const req: HandlerRequest = { method: 'GET', path, query: new URLSearchParams({ watch: 'true', ...query }), headers: { accept: 'application/json' }, inProcess: false };
  const res = await handler.handle(req);
  if (res.kind !== 'stream') throw new Error(`not a stream: ${res.status}`);
  const lines: string[] = [];
  let ended = false;
  const stop = res.start({ write: (c) => void lines.push(c.toString()), end: () => void (ended = true) });
  return { lines, ended: () => ended, stop };
}

test("a bookmark carries the store's revision: a watch that nothing passes still moves on (upstream's cacher bookmarks at its current resourceVersion)", async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const { handler, services } = await fixture();
  const first = await services.create('default', { ...SERVICE, metadata: { name: 'a', namespace: 'default' } });
  const rv = first.metadata.resourceVersion!;
  const quiet = await rawWatch(handler, '/api/v1/namespaces/elsewhere/services', { allowWatchBookmarks: 'true', resourceVersion: rv });
  let last = rv;
  for (const name of ['b', 'c']) last = (await services.create('default', { ...SERVICE, metadata: { name, namespace: 'default' } })).metadata.resourceVersion!;
  assert.ok(Number(last) > Number(rv));
  t.mock.timers.tick(10_000);
  assert.deepEqual(quiet.lines.map((l) => JSON.parse(l) as { type: string; object: { metadata: { resourceVersion: string } } }).map((e) => [e.type, e.object.metadata.resourceVersion]), [['BOOKMARK', last]]);
  quiet.stop();
});

/** Services over a store that keeps 3 revisions of history; `start` is the first of three Services created. */
async function shortHistory(options: { watchPageSize?: number; more?: number } = {}): Promise<{ handler: ApiHandler; services: RestStorage; start: string }> {
  const store = await openMemoryStore({ historySize: 3, watchPageSize: options.watchPageSize });
  const info = RESOURCES.find((r) => r.group === '' && r.resource === 'services')!;
  const services = new RestStorage(info, store);
  const handler = new ApiHandler({ storages: new Map([[storageKey('', 'v1', 'services'), services]]), serverAddress: '127.0.0.1:6443', version: VERSION });
  const start = await services.create('default', { ...SERVICE, metadata: { name: 's0', namespace: 'default' } });
  for (let i = 1; i < 3 + (options.more ?? 0); i++) await services.create('default', { ...SERVICE, metadata: { name: `s${i}`, namespace: 'default' } });
  return { handler, services, start: start.metadata.resourceVersion! };
}

/** Writes 20 Services in one turn, overtaking a watch that replays one event a turn, and waits for that watch to end. */
async function overtake(services: RestStorage, ended: () => boolean): Promise<void> {
  await Promise.all(Array.from({ length: 20 }, (_, i) => services.create('default', { ...SERVICE, metadata: { name: `t${i}`, namespace: 'default' } })));
  for (let i = 0; i < 50 && !ended(); i++) await new Promise((r) => setImmediate(r));
  assert.equal(ended(), true, 'compaction ended the watch');
}

test('a watch the store ends because its history was compacted away gets an ERROR 410 event, then the end of the stream', async () => {
  const { handler, services, start } = await shortHistory({ watchPageSize: 1 });
  // Replaying one event a turn from s0 on while writes in the same turn compact its position away.
  const behind = await rawWatch(handler, '/api/v1/namespaces/default/services', { resourceVersion: start });
  await overtake(services, behind.ended);
  assert.deepEqual(JSON.parse(behind.lines.at(-1)!), { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'The resourceVersion for the provided watch is too old.', reason: 'Expired', code: 410 } });
  behind.stop();
});

test('a watch from a resourceVersion older than the history is a 200 stream of one ERROR 410 event, as the cacher answers', async () => {
  const { handler, start } = await shortHistory({ more: 5 });
  const old = await rawWatch(handler, '/api/v1/namespaces/default/services', { resourceVersion: start });
  assert.equal(old.ended(), true);
  const [only, ...rest] = old.lines.map((l) => JSON.parse(l) as { type: string; object: { reason: string; code: number; message: string } });
  assert.deepEqual(rest, []);
  assert.equal(only.type, 'ERROR');
  assert.equal(only.object.reason, 'Expired');
  assert.equal(only.object.code, 410);
  assert.match(only.object.message, new RegExp(`^too old resource version: ${start} \\(\\d+\\)$`));
});

test('a watch from a resourceVersion the store has not reached is accepted and passes only what comes after it; no bookmark until then', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const { handler, services } = await fixture();
  const first = await services.create('default', { ...SERVICE, metadata: { name: 'a', namespace: 'default' } });
  const future = Number(first.metadata.resourceVersion) + 2;
  const ahead = await rawWatch(handler, '/api/v1/namespaces/default/services', { allowWatchBookmarks: 'true', resourceVersion: String(future) });
  const seen = () => ahead.lines.map((l) => JSON.parse(l) as { type: string; object: { metadata: { name?: string; resourceVersion: string } } })
    .map((e) => [e.type, e.object.metadata.name ?? e.object.metadata.resourceVersion]);
  await services.create('default', { ...SERVICE, metadata: { name: 'b', namespace: 'default' } });
  t.mock.timers.tick(10_000);
  const c = await services.create('default', { ...SERVICE, metadata: { name: 'c', namespace: 'default' } });
  assert.equal(Number(c.metadata.resourceVersion), future, 'the store reached the resourceVersion asked for');
  await services.create('default', { ...SERVICE, metadata: { name: 'd', namespace: 'default' } });
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen(), [['ADDED', 'd']]);
  t.mock.timers.tick(10_000);
  assert.equal(seen().at(-1)![0], 'BOOKMARK');
  ahead.stop();
});

test('sendInitialEvents and resourceVersionMatch are validated as kube-apiserver 1.33 does with WatchList off (its default): 422, so that a watch-list client falls back to list and watch', async () => {
  const { handler } = await fixture();
  const answer = async (path: string, query: Record<string, string>): Promise<{ status: number; message?: string }> => {
    const res = await handler.handle({ method: 'GET', path, query: new URLSearchParams(query), headers: { accept: 'application/json' }, inProcess: false });
    if (res.kind !== 'body') return { status: res.status };
    return { status: res.status, message: (JSON.parse(String(res.body)) as { message: string }).message };
  };
  const invalid = (detail: string) => ({ status: 422, message: `ListOptions.meta.k8s.io "" is invalid: ${detail}` });
  const path = '/api/v1/namespaces/default/services';
  // client-go's reflector with WatchListClient on (1.27+; on by default from 1.35).
  assert.deepEqual(
    await answer(path, { watch: 'true', sendInitialEvents: 'true', resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: 'true', resourceVersion: '' }),
    invalid('sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled'),
  );
  assert.deepEqual(
    await answer(path, { watch: 'true', sendInitialEvents: 'false' }),
    invalid('[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled]'),
  );
  assert.deepEqual(
    await answer(path, { watch: 'true', resourceVersion: '1', resourceVersionMatch: 'Exact' }),
    invalid('[resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]'),
  );
  assert.deepEqual(await answer(path, { sendInitialEvents: 'true' }), invalid('sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list'));
  // What every informer sends still works.
  assert.equal((await answer(path, { watch: 'true', allowWatchBookmarks: 'true', resourceVersion: '0' })).status, 200);
});

test('a deletecollection validates its ListOptions as a list does (upstream runs ValidateListOptions there too): 422, and nothing is deleted', async () => {
  const { handler, services } = await fixture();
  await services.create('default', SERVICE);
  const answer = async (query: Record<string, string>): Promise<{ status: number; message?: string }> => {
    const res = await handler.handle({ method: 'DELETE', path: '/api/v1/namespaces/default/services', query: new URLSearchParams(query), headers: { accept: 'application/json' }, inProcess: false });
    assert.equal(res.kind, 'body');
    return { status: res.status, message: res.kind === 'body' ? (JSON.parse(String(res.body)) as { message: string }).message : undefined };
  };
  assert.deepEqual(await answer({ sendInitialEvents: 'true' }), { status: 422, message: 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list' });
  assert.equal((await answer({ resourceVersionMatch: 'Exact' })).status, 422);
  assert.equal((await services.list('default', {})).items.length, 1);
  assert.equal((await answer({})).status, 200);
  assert.equal((await services.list('default', {})).items.length, 0);
});

test('a watch resourceVersion is a decimal integer, as strconv.ParseUint reads it: 0x10, 1e1 and " 5" are 400, not revisions 16, 10 and 5', async () => {
  const { handler } = await fixture();
  for (const resourceVersion of ['0x10', '1e1', ' 5', '-1', '1.0']) {
    const res = await handler.handle({ method: 'GET', path: '/api/v1/namespaces/default/services', query: new URLSearchParams({ watch: 'true', resourceVersion }), headers: { accept: 'application/json' }, inProcess: false });
    assert.equal(res.status, 400, resourceVersion);
    if (res.kind === 'body') assert.match(String(res.body), /invalid resource version: resourceVersion: Invalid value/);
    if (res.kind === 'stream') res.start({ write: () => undefined, end: () => undefined })();
  }
});

test('a watch the store ends writes nothing after its end and keeps no timer, even when no one calls its stop (the in-process sink does not)', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const { handler, services, start } = await shortHistory({ watchPageSize: 1 });
  const behind = await rawWatch(handler, '/api/v1/namespaces/default/services', { allowWatchBookmarks: 'true', resourceVersion: start });
  await overtake(services, behind.ended);
  const atEnd = behind.lines.length;
  t.mock.timers.tick(60_000);
  assert.deepEqual(behind.lines.slice(atEnd), [], 'no bookmark went into the ended stream');
});

test('a watch as Table ages its rows as of each event, not as of the watch\'s start (kubectl get -w)', async () => {
  const { handler, services } = await fixture();
  const table = await watch(handler, 'application/json;as=Table;v=v1;g=meta.k8s.io', false);
  // HumanDuration prints "<invalid>" for -2 s and less: an object made 3.1 s after the watch
  // opened (its creationTimestamp in whole seconds) read as made 2-3 s in the future when rows
  // were aged from the watch's start.
  await new Promise((r) => setTimeout(r, 3100));
  await services.create('default', SERVICE);
  const line = JSON.parse(table.lines[0]) as { object: { columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[] }> } };
  const age = line.object.columnDefinitions.findIndex((c) => c.name === 'Age');
  assert.equal(line.object.rows[0].cells[age], '0s');
  table.stop();
});
