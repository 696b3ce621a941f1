/** @module Tests of the indexed cache: keys, indexes kept in step with changes, and what a replace reports. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/types.js';
import { IndexedCache, NAMESPACE_INDEX, labelIndex, objectKey, splitKey } from './cache.js';

function pod(namespace: string, name: string, rv: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, resourceVersion: rv, labels } };
}
const names = (objs: KubeObject[]) => objs.map(objectKey).sort();

test('keys are namespace/name, or name for cluster-scoped objects', () => {
  assert.equal(objectKey(pod('ns1', 'a', '1')), 'ns1/a');
  assert.equal(objectKey({ metadata: { name: 'node1' } }), 'node1');
  assert.deepEqual(splitKey('ns1/a'), { namespace: 'ns1', name: 'a' });
  assert.deepEqual(splitKey('node1'), { namespace: '', name: 'node1' });
});

test('get, list by namespace and byIndex follow upserts and removes', () => {
  const cache = new IndexedCache({ app: labelIndex('app'), byNode: (o) => [String((o as { spec?: { nodeName?: string } }).spec?.nodeName ?? '')] });
  cache.upsert(pod('ns1', 'a', '1', { app: 'web' }));
  cache.upsert(pod('ns1', 'b', '2', { app: 'db' }));
  cache.upsert(pod('ns2', 'a', '3', { app: 'web' }));
  cache.upsert({ metadata: { name: 'node1', resourceVersion: '4' } });
  assert.equal(cache.get('a', 'ns2')?.metadata.resourceVersion, '3');
  assert.equal(cache.get('node1')?.metadata.resourceVersion, '4');
  assert.equal(cache.get('a'), undefined);
  assert.deepEqual(names(cache.list('ns1')), ['ns1/a', 'ns1/b']);
  assert.deepEqual(names(cache.list('')), ['node1']);
  assert.equal(cache.list().length, 4);
  assert.deepEqual(names(cache.byIndex('app', 'web')), ['ns1/a', 'ns2/a']);

  // Changing a label moves the object between index values.
  const old = cache.upsert(pod('ns1', 'a', '5', { app: 'db' }));
  assert.equal(old?.metadata.resourceVersion, '1');
  assert.deepEqual(names(cache.byIndex('app', 'web')), ['ns2/a']);
  assert.deepEqual(names(cache.byIndex('app', 'db')), ['ns1/a', 'ns1/b']);

  assert.equal(cache.remove(pod('ns1', 'b', '9'))?.metadata.resourceVersion, '2');
  assert.equal(cache.remove(pod('ns1', 'b', '9')), undefined);
  assert.deepEqual(names(cache.byIndex('app', 'db')), ['ns1/a']);
  assert.deepEqual(names(cache.byIndex(NAMESPACE_INDEX, 'ns1')), ['ns1/a']);
  assert.throws(() => cache.byIndex('nope', 'x'), /no index named "nope"/);
});

test('replace reports adds, updates (changed resourceVersion only) and deletes', () => {
  const cache = new IndexedCache();
  cache.replace([pod('ns', 'keep', '1'), pod('ns', 'change', '2'), pod('ns', 'gone', '3')]);
  const kept = cache.get('keep', 'ns');
  const result = cache.replace([pod('ns', 'keep', '1'), pod('ns', 'change', '7'), pod('ns', 'new', '8')]);
  assert.deepEqual(names(result.added), ['ns/new']);
  assert.deepEqual(result.updated.map(([o, n]) => [o.metadata.resourceVersion, n.metadata.resourceVersion]), [['2', '7']]);
  assert.deepEqual(result.deleted.map((o) => [objectKey(o), o.metadata.resourceVersion]), [['ns/gone', '3']]);
  assert.equal(cache.get('keep', 'ns'), kept, 'an unchanged object keeps its cached copy');
  assert.deepEqual(names(cache.list()), ['ns/change', 'ns/keep', 'ns/new']);
  assert.deepEqual(names(cache.list('ns')), ['ns/change', 'ns/keep', 'ns/new']);
});

test('indexers added later index what is already cached; names must be new', () => {
  const cache = new IndexedCache();
  cache.upsert(pod('ns', 'a', '1', { tier: 'front' }));
  cache.addIndexers({ tier: labelIndex('tier') });
  assert.deepEqual(names(cache.byIndex('tier', 'front')), ['ns/a']);
  assert.throws(() => cache.addIndexers({ tier: labelIndex('tier') }), /already exists/);
  assert.throws(() => cache.addIndexers({ [NAMESPACE_INDEX]: labelIndex('x') }), /already exists/);
});

test('byIndex matches a scan of the cache through random upserts and removes (one key per value, many, and back)', () => {
  let seed = 7;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  // An index that may list one value twice, and one value per object.
  const cache = new IndexedCache({ app: labelIndex('app'), twice: (o) => [o.metadata.labels?.app ?? '', o.metadata.labels?.app ?? ''], own: (o) => [o.metadata.name ?? ''] });
  const apps = ['web', 'db', 'cache'];
  for (let i = 0; i < 2000; i++) {
    const name = `p${random(12)}`;
    if (random(4) === 0) cache.remove(pod('ns', name, '0'));
    else cache.upsert(pod('ns', name, String(i), { app: apps[random(apps.length)] }));
    for (const app of apps) {
      const scan = names(cache.list().filter((o) => o.metadata.labels?.app === app));
      assert.deepEqual(names(cache.byIndex('app', app)), scan);
      assert.deepEqual(names(cache.byIndex('twice', app)), scan);
    }
    for (let p = 0; p < 12; p++) assert.deepEqual(names(cache.byIndex('own', `p${p}`)), cache.get(`p${p}`, 'ns') ? [`ns/p${p}`] : []);
  }
});
