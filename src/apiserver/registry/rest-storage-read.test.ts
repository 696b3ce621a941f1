import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { matchAll, RestStorage, wholeListText, type RegistryWatchEvent } from './rest-storage.js';

const CONFIGMAPS = RESOURCES.find((r) => r.group === '' && r.resource === 'configmaps')!;

function makeConfigMap(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { k: name } };
}

async function fixture(count: number): Promise<RestStorage> {
  const storage = new RestStorage(CONFIGMAPS, await openMemoryStore());
  for (let i = 0; i < count; i++) await storage.create('ns', makeConfigMap(`c${i}`, { even: String(i % 2 === 0) }));
  return storage;
}

test('listText is JSON.stringify(list) for every page, filter and name', async () => {
  const storage = await fixture(7);
  const even = (o: KubeObject): boolean => o.metadata.labels?.even === 'true';
  const cases = [
    {},
    { filter: matchAll },
    { filter: even },
    { limit: 3 },
    { limit: 2, filter: even },
    { name: 'c3', filter: (o: KubeObject) => o.metadata.name === 'c3' },
    { name: 'c3', filter: (o: KubeObject) => o.metadata.name === 'c3' && even(o) },
    { name: 'nope', filter: (o: KubeObject) => o.metadata.name === 'nope' },
  ];
  for (const options of cases) {
    const list = await storage.list('ns', options);
    const text = await storage.listText('ns', options);
    assert.deepEqual(JSON.parse(wholeListText(text).toString()), JSON.parse(JSON.stringify(list)), JSON.stringify(options));
    assert.equal(text.count, list.items.length);
    if (list.metadata.continue) {
      const next = { ...options, continue: list.metadata.continue };
      assert.deepEqual(JSON.parse(wholeListText(await storage.listText('ns', next)).toString()), JSON.parse(JSON.stringify(await storage.list('ns', next))));
    }
  }
  // A name selector reads one key: what it finds carries the list's revision.
  const one = await storage.list('ns', { name: 'c3', filter: (o) => o.metadata.name === 'c3' });
  assert.deepEqual(one.items.map((o) => o.metadata.name), ['c3']);
  assert.equal(one.metadata.resourceVersion, (await storage.list('ns')).metadata.resourceVersion);
});

test('getText is the JSON of get (the same value; resourceVersion first, as spliced texts have it), after creates and updates; NotFound as get', async () => {
  const storage = await fixture(2);
  await storage.update('ns', 'c1', makeConfigMap('c1', { even: 'changed' }));
  for (const name of ['c0', 'c1']) assert.deepEqual(JSON.parse(await storage.getText('ns', name)), JSON.parse(JSON.stringify(await storage.get('ns', name))));
  await assert.rejects(storage.getText('ns', 'nope'), /configmaps "nope" not found/);
});

test('a list without selectors tells how many items remain; one with a filter does not', async () => {
  const storage = await fixture(5);
  assert.equal((await storage.list('ns', { limit: 2, filter: matchAll })).metadata.remainingItemCount, 3);
  assert.equal((await storage.list('ns', { limit: 2, filter: () => true })).metadata.remainingItemCount, undefined);
});

test('a watch of one name sees that object only, from the start and after', async () => {
  const storage = await fixture(3);
  const events: RegistryWatchEvent[] = [];
  const watch = await storage.watch('ns', { name: 'c1', filter: (o) => o.metadata.name === 'c1', resourceVersion: '0' }, { onEvent: (ev) => events.push(ev), onClose: () => undefined });
  await storage.update('ns', 'c0', makeConfigMap('c0', { even: 'x' }));
  await storage.update('ns', 'c1', makeConfigMap('c1', { even: 'y' }));
  await storage.create('ns', makeConfigMap('c9'));
  watch.stop();
  assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name, e.object.metadata.labels?.even]), [['ADDED', 'c1', 'false'], ['MODIFIED', 'c1', 'y']]);
  // A change's object comes with the stored value it was decoded from, whose text is the same value.
  const change = events[1];
  assert.ok(change.stored);
  assert.deepEqual(JSON.parse(storage.objectText(change.stored)!), change.object);
});

test('createAsText answers the created object, the same value as a get of it; a dry run stores nothing', async () => {
  const storage = await fixture(0);
  const text = await storage.createAsText('ns', makeConfigMap('t', { a: 'b' }));
  const created = JSON.parse(text) as KubeObject;
  assert.deepEqual(created, await storage.get('ns', 't'));
  assert.equal(created.metadata.namespace, 'ns');
  assert.ok(Number(created.metadata.resourceVersion) > 0);
  const dry = JSON.parse(await storage.createAsText('ns', makeConfigMap('d'), { dryRun: true })) as KubeObject;
  assert.equal(dry.metadata.name, 'd');
  await assert.rejects(storage.get('ns', 'd'), /not found/);
});

test('guaranteedUpdateAsText answers the written object, the same value as a get of it; unchanged and dry-run writes answer their object', async () => {
  const storage = await fixture(0);
  await storage.create('ns', makeConfigMap('u', { a: 'b' }));
  const text = await storage.guaranteedUpdateAsText('ns', 'u', (own) => ({ ...own!, metadata: { ...own!.metadata, labels: { l: '1' } } }));
  assert.deepEqual(JSON.parse(text), await storage.get('ns', 'u'));
  assert.equal((JSON.parse(text) as KubeObject).metadata.labels?.l, '1');
  const same = await storage.guaranteedUpdateAsText('ns', 'u', (own) => own!);
  assert.deepEqual(JSON.parse(same), await storage.get('ns', 'u'), 'nothing changed: the current object');
  const before = (await storage.get('ns', 'u')).data;
  const dry = JSON.parse(await storage.guaranteedUpdateAsText('ns', 'u', (own) => ({ ...own!, data: { a: 'dry' } }), { dryRun: true })) as KubeObject;
  assert.deepEqual(dry.data, { a: 'dry' });
  assert.deepEqual((await storage.get('ns', 'u')).data, before, 'a dry run stores nothing');
});

test('Table items from a store with stable values (the range cache) are parsed once per stored value, and follow updates', async () => {
  const { LogStore } = await import('../../storage/log/log-store.js');
  const { MemoryLog } = await import('../../storage/memory/memory-log.js');
  const storage = new RestStorage(CONFIGMAPS, new LogStore(new MemoryLog(), { cacheRanges: true }));
  for (const name of ['a', 'b']) await storage.create('ns', makeConfigMap(name, { v: '1' }));
  const fields = ['name', 'labels'] as const;
  const read = async (): Promise<KubeObject[]> => {
    const listing = await storage.readForTable('ns', { metadataFields: fields });
    return [...listing.chunks()].flatMap((c) => c.objects);
  };
  const first = await read();
  const second = await read();
  assert.equal(second[0], first[0], 'the same item object: not parsed again');
  assert.deepEqual(first.map((o) => o.metadata.labels), [{ v: '1' }, { v: '1' }]);
  await storage.update('ns', 'a', { ...makeConfigMap('a', { v: '2' }), metadata: { ...(await storage.get('ns', 'a')).metadata, labels: { v: '2' } } });
  const third = await read();
  assert.deepEqual(third.map((o) => o.metadata.labels), [{ v: '2' }, { v: '1' }]);
  assert.notEqual(third[0], first[0]);
  assert.equal(third[1], first[1]);
});
