/** @module Tests of informers and their reflector against the fake server and clock: relist on 410, resume, bookmarks, backoff, stop. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newServiceUnavailable, newResourceExpired } from '../api/errors.js';
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { labelIndex, objectKey } from './cache.js';
import { Client } from './client.js';
import { SharedInformer, type InformerOptions } from './informer.js';
import { FakeClock, settle } from './testing/fake-clock.js';
import { FakeTransport } from './testing/fake-transport.js';

const pods = findResource('', 'v1', 'pods')!;
const services = findResource('', 'v1', 'services')!;

function pod(namespace: string, name: string, labels: Record<string, string> = {}, spec: Record<string, unknown> = {}): KubeObject {
  return { metadata: { namespace, name, labels }, spec };
}

function setup(options: InformerOptions = {}) {
  const fake = new FakeTransport();
  const clock = new FakeClock();
  const errors: string[] = [];
  const informer = new SharedInformer(new Client(fake).resource(pods), { clock, random: () => 0, onError: (e) => errors.push(e.message), ...options });
  const log: string[] = [];
  const rv = (o: KubeObject) => o.metadata.resourceVersion;
  informer.addHandlers({
    onAdd: (o) => log.push(`add ${objectKey(o)}@${rv(o)}`),
    onUpdate: (o, n) => log.push(`update ${objectKey(n)} ${rv(o)}->${rv(n)}`),
    onDelete: (o) => log.push(`delete ${objectKey(o)}@${rv(o)}`),
  });
  /** list and watch calls, as `list` / `watch@<rv>`. */
  const calls = () =>
    fake.actions.filter((a) => a.verb === 'list' || a.verb === 'watch').map((a) => (a.verb === 'watch' ? `watch@${a.query?.resourceVersion}` : 'list'));
  return { fake, clock, informer, log, errors, calls };
}

test('the first list fills the cache, reports adds, and marks the informer synced', async () => {
  const { fake, informer, log, calls } = setup();
  fake.set(pods, pod('ns', 'a'));
  fake.set(pods, pod('ns', 'b'));
  assert.equal(informer.hasSynced(), false);
  informer.start();
  assert.equal(await informer.waitForSync(), true);
  assert.equal(informer.hasSynced(), true);
  assert.deepEqual(log, ['add ns/a@1', 'add ns/b@2']);
  assert.equal(informer.cache.get('a', 'ns')?.kind, 'Pod');
  assert.equal(informer.lastSyncResourceVersion(), '2');
  await settle();
  assert.deepEqual(calls(), ['list', 'watch@2']);
  const watch = fake.actions.find((a) => a.verb === 'watch')!;
  assert.equal(watch.query?.allowWatchBookmarks, 'true');
  assert.equal(watch.query?.timeoutSeconds, '300');
  informer.stop();
});

test('the watch timeout is the minimum times [1, 2), from the injected randomness', async () => {
  const { informer, fake } = setup({ random: () => 0.5, minWatchTimeoutSeconds: 100 });
  informer.start();
  await informer.waitForSync();
  await settle();
  assert.equal(fake.actions.find((a) => a.verb === 'watch')?.query?.timeoutSeconds, '150');
  informer.stop();
});

test('watch events become adds, updates and deletes, and the cache follows', async () => {
  const { fake, informer, log } = setup();
  fake.set(pods, pod('ns', 'a'));
  fake.set(pods, pod('ns', 'b'));
  informer.start();
  await informer.waitForSync();
  await settle();
  fake.set(pods, pod('ns', 'c'));
  fake.set(pods, pod('ns', 'a', { app: 'web' }));
  fake.remove(pods, { namespace: 'ns', name: 'b' });
  await settle();
  assert.deepEqual(log.slice(2), ['add ns/c@3', 'update ns/a 1->4', 'delete ns/b@5']);
  assert.deepEqual(informer.cache.list('ns').map(objectKey).sort(), ['ns/a', 'ns/c']);
  assert.equal(informer.lastSyncResourceVersion(), '5');
  informer.stop();
});

test('410 on an open watch: relist at once and report exactly what changed meanwhile', async () => {
  const { fake, informer, log, calls, errors } = setup();
  for (const name of ['a', 'b', 'c']) fake.set(pods, pod('ns', name));
  informer.start();
  await informer.waitForSync();
  await settle();
  fake.set(pods, pod('ns', 'e')); // seen by the watch (rv 4): the watch made progress
  await settle();
  // Changes the watch never delivers, then history is lost and the server expires the watch.
  fake.set(pods, pod('ns', 'b', { v: '2' }), { silent: true });
  fake.remove(pods, { namespace: 'ns', name: 'c' }, { silent: true });
  fake.set(pods, pod('ns', 'd'), { silent: true });
  fake.compact();
  fake.expireWatches();
  await settle();
  assert.deepEqual(log.slice(4), ['add ns/d@7', 'update ns/b 2->5', 'delete ns/c@3']);
  assert.deepEqual(calls(), ['list', 'watch@3', 'list', 'watch@7']);
  assert.deepEqual(informer.cache.list().map(objectKey).sort(), ['ns/a', 'ns/b', 'ns/d', 'ns/e']);
  assert.deepEqual(errors, [], '410 is routine, not an error');
  informer.stop();
});

test('410 when watching from a version just listed: relist only after a backoff', async () => {
  const { fake, clock, informer, log, calls } = setup();
  fake.set(pods, pod('ns', 'a'));
  informer.start();
  await informer.waitForSync();
  await settle();
  fake.set(pods, pod('ns', 'a', { v: '2' }), { silent: true });
  fake.compact();
  fake.expireWatches();
  await settle();
  assert.deepEqual(calls(), ['list', 'watch@1']);
  assert.deepEqual(clock.pending(), [800]);
  await clock.advance(800);
  assert.deepEqual(calls(), ['list', 'watch@1', 'list', 'watch@2']);
  assert.deepEqual(log, ['add ns/a@1', 'update ns/a 1->2']);
  informer.stop();
});

test('a watch refused with 410 at start relists', async () => {
  const { fake, clock, informer, log, calls } = setup();
  fake.set(pods, pod('ns', 'a'));
  informer.start();
  await informer.waitForSync();
  await settle();
  fake.set(pods, pod('ns', 'x'));
  await settle();
  await clock.advance(5000);
  fake.failWatches(); // broken connection: back off, then watch again from rv 2
  await settle();
  fake.remove(pods, { namespace: 'ns', name: 'a' });
  fake.compact(); // by the time it comes back, rv 2 is gone
  await clock.advance(800);
  assert.deepEqual(calls(), ['list', 'watch@1', 'watch@2', 'list', 'watch@3']);
  assert.deepEqual(log, ['add ns/a@1', 'add ns/x@2', 'delete ns/a@1']);
  informer.stop();
});

test('a watch that ends cleanly resumes from the last resourceVersion, without a relist', async () => {
  const { fake, informer, log, calls } = setup();
  fake.set(pods, pod('ns', 'a'));
  informer.start();
  await informer.waitForSync();
  await settle();
  fake.set(pods, pod('ns', 'b')); // delivered: rv 2
  await settle();
  fake.set(pods, pod('ns', 'c'), { silent: true }); // in history only: replayed by the next watch
  fake.endWatches();
  await settle();
  assert.deepEqual(calls(), ['list', 'watch@1', 'watch@2']);
  assert.deepEqual(log, ['add ns/a@1', 'add ns/b@2', 'add ns/c@3']);
  informer.stop();
});

test('bookmarks advance the resourceVersion the next watch starts from', async () => {
  const { fake, clock, informer, calls, log } = setup();
  fake.set(pods, pod('ns', 'a'));
  informer.start();
  await informer.waitForSync();
  await settle();
  fake.set(services, { metadata: { namespace: 'ns', name: 'svc' } }); // rv 2, not a pod
  fake.set(services, { metadata: { namespace: 'ns', name: 'svc2' } }); // rv 3
  fake.bookmark();
  await settle();
  assert.equal(informer.lastSyncResourceVersion(), '3');
  fake.compact(); // versions up to 3 are gone; 3 itself is still fine to watch from
  await clock.advance(60_000);
  fake.endWatches();
  await settle();
  assert.deepEqual(calls(), ['list', 'watch@1', 'watch@3']);
  assert.deepEqual(log, ['add ns/a@1']);
  informer.stop();
});

test('list failures back off 800ms, 1.6s, 3.2s, then the informer syncs', async () => {
  const { fake, clock, informer, errors } = setup();
  let failures = 3;
  fake.inject((a) => (a.verb === 'list' && failures-- > 0 ? newServiceUnavailable('apiserver is starting') : undefined));
  informer.start();
  const delays: Array<number | undefined> = [];
  for (let i = 0; i < 3; i++) delays.push(await clock.next());
  assert.deepEqual(delays, [800, 1600, 3200]);
  assert.equal(await informer.waitForSync(), true);
  assert.equal(errors.length, 3);
  assert.match(errors[0], /apiserver is starting/);
  informer.stop();
});

test('a broken watch is retried from the same version after a backoff, not relisted', async () => {
  const { fake, clock, informer, calls, errors } = setup({ random: () => 0.25 });
  fake.set(pods, pod('ns', 'a'));
  informer.start();
  await informer.waitForSync();
  await settle();
  await clock.advance(10_000);
  fake.failWatches();
  await settle();
  assert.deepEqual(clock.pending(), [1000], '800ms plus a quarter of jitter');
  await clock.advance(1000);
  assert.deepEqual(calls(), ['list', 'watch@1', 'watch@1']);
  assert.equal(errors.length, 1);
  informer.stop();
});

test('a watch that ends at once without an event counts as a failure', async () => {
  const { fake, clock, informer, calls, errors } = setup();
  informer.start();
  await informer.waitForSync();
  await settle();
  fake.endWatches();
  await settle();
  assert.deepEqual(calls(), ['list', 'watch@0']);
  assert.deepEqual(clock.pending(), [800]);
  assert.match(errors[0], /very short watch/);
  informer.stop();
});

test('an ERROR event that is not 410 backs off and watches again', async () => {
  const { fake, clock, informer, calls } = setup();
  informer.start();
  await informer.waitForSync();
  await settle();
  fake.watches()[0].emit({ type: 'ERROR', object: newServiceUnavailable('etcd is sad').status as unknown as KubeObject });
  await settle();
  assert.equal(fake.watches().length, 0, 'the stream was stopped');
  await clock.advance(800);
  assert.deepEqual(calls(), ['list', 'watch@0', 'watch@0']);
  informer.stop();
});

test('lists are paged; an expired continue token falls back to one full list', async () => {
  const { fake, informer, log } = setup({ pageSize: 2 });
  for (const name of ['a', 'b', 'c', 'd', 'e']) fake.set(pods, pod('ns', name));
  informer.start();
  await informer.waitForSync();
  const lists = fake.actions.filter((a) => a.verb === 'list').map((a) => `${a.query?.limit ?? '-'}/${a.query?.continue ?? '-'}`);
  assert.deepEqual(lists, ['2/-', '2/5:2', '2/5:4']);
  assert.equal(log.length, 5);
  informer.stop();

  const second = setup({ pageSize: 2 });
  for (const name of ['a', 'b', 'c']) second.fake.set(pods, pod('ns', name));
  second.fake.inject((a) => (a.verb === 'list' && a.query?.continue ? newResourceExpired('continue too old') : undefined));
  second.informer.start();
  await second.informer.waitForSync();
  const secondLists = second.fake.actions.filter((a) => a.verb === 'list').map((a) => `${a.query?.limit ?? '-'}/${a.query?.continue ?? '-'}`);
  assert.deepEqual(secondLists, ['2/-', '2/3:2', '-/-']);
  assert.equal(second.informer.cache.list().length, 3);
  second.informer.stop();
});

test('stop leaves no timer and no open watch; waitForSync resolves false if stopped first', async () => {
  const { fake, clock, informer } = setup();
  fake.inject((a) => (a.verb === 'list' ? newServiceUnavailable('down') : undefined));
  informer.start();
  await settle();
  assert.equal(clock.pending().length, 1);
  const sync = informer.waitForSync();
  informer.stop();
  assert.equal(await sync, false);
  assert.deepEqual(clock.pending(), []);

  const other = setup();
  other.informer.start();
  await other.informer.waitForSync();
  await settle();
  assert.equal(other.fake.watches().length, 1);
  other.informer.stop();
  assert.equal(other.fake.watches().length, 0);
  other.fake.set(pods, pod('ns', 'late'));
  await settle();
  assert.deepEqual(other.log, [], 'nothing is delivered after stop');
  assert.deepEqual(other.clock.pending(), []);
});

test('stop while the watch is being opened closes it as soon as it opens', async () => {
  const { fake, informer } = setup();
  informer.start();
  await informer.waitForSync();
  informer.stop(); // the watch request is in flight
  await settle();
  assert.equal(fake.watches().length, 0);
});

test('a throwing handler is reported and the other handlers still run', async () => {
  const { fake, informer, errors } = setup();
  const seen: string[] = [];
  informer.addHandlers({ onAdd: () => { throw new Error('handler bug'); } });
  informer.addHandlers({ onAdd: (o) => seen.push(objectKey(o)) });
  fake.set(pods, pod('ns', 'a'));
  informer.start();
  await informer.waitForSync();
  assert.deepEqual(seen, ['ns/a']);
  assert.deepEqual(errors, ['handler bug']);
  informer.stop();
});

test('handlers added after the sync first get an add for every cached object; removal works', async () => {
  const { fake, informer } = setup();
  fake.set(pods, pod('ns', 'a'));
  informer.start();
  await informer.waitForSync();
  const seen: string[] = [];
  const remove = informer.addHandlers({ onAdd: (o) => seen.push(objectKey(o)) });
  assert.deepEqual(seen, ['ns/a']);
  remove();
  await settle();
  fake.set(pods, pod('ns', 'b'));
  await settle();
  assert.deepEqual(seen, ['ns/a']);
  informer.stop();
});

test('with a label selector, an object leaving the selection is a delete and one entering is an add', async () => {
  const { fake, informer, log } = setup({ labelSelector: 'app=web' });
  fake.set(pods, pod('ns', 'a', { app: 'web' }));
  fake.set(pods, pod('ns', 'b', { app: 'db' }));
  informer.start();
  await informer.waitForSync();
  await settle();
  fake.set(pods, pod('ns', 'a', { app: 'db' }));
  fake.set(pods, pod('ns', 'b', { app: 'web' }));
  await settle();
  assert.deepEqual(log, ['add ns/a@1', 'delete ns/a@3', 'add ns/b@4']);
  assert.deepEqual(informer.cache.list().map(objectKey), ['ns/b']);
  informer.stop();
});

test('indexers given to the informer answer byIndex', async () => {
  const { fake, informer } = setup({ indexers: { node: (o) => [String((o.spec as { nodeName?: string }).nodeName ?? '')] } });
  informer.addIndexers({ app: labelIndex('app') });
  fake.set(pods, pod('ns', 'a', { app: 'web' }, { nodeName: 'n1' }));
  fake.set(pods, pod('ns', 'b', { app: 'web' }, { nodeName: 'n2' }));
  informer.start();
  await informer.waitForSync();
  assert.deepEqual(informer.cache.byIndex('node', 'n2').map(objectKey), ['ns/b']);
  assert.deepEqual(informer.cache.byIndex('app', 'web').map(objectKey), ['ns/a', 'ns/b']);
  informer.stop();
});

test('an ADDED event for a cached object is an update; a MODIFIED one for an unknown object is an add', async () => {
  const { fake, informer, log } = setup();
  fake.set(pods, pod('ns', 'a'));
  informer.start();
  await informer.waitForSync();
  await settle();
  const [watch] = fake.watches();
  watch.emit({ type: 'ADDED', object: { ...pod('ns', 'a'), metadata: { namespace: 'ns', name: 'a', resourceVersion: '8' } } });
  watch.emit({ type: 'MODIFIED', object: { ...pod('ns', 'z'), metadata: { namespace: 'ns', name: 'z', resourceVersion: '9' } } });
  await settle();
  assert.deepEqual(log, ['add ns/a@1', 'update ns/a 1->8', 'add ns/z@9']);
  assert.equal(informer.lastSyncResourceVersion(), '9');
  informer.stop();
});

test('a list page of 200,000 items (pageSize 0, or a server that ignores limit) fills the cache', async () => {
  // Spreading such a page into push() overflows the stack (RangeError) and the list never syncs.
  const items = Array.from({ length: 200_000 }, (_, i) => pod('ns', `p${i}`));
  const errors: string[] = [];
  const source = {
    list: async () => ({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items }),
    watch: () => new Promise<never>(() => {}),
  };
  const informer = new SharedInformer(source, { clock: new FakeClock(), random: () => 0, pageSize: 0, onError: (e) => errors.push(e.message) });
  informer.start();
  await settle();
  assert.deepEqual(errors, []);
  assert.equal(informer.hasSynced(), true);
  assert.equal(informer.cache.list().length, 200_000);
  informer.stop();
});
