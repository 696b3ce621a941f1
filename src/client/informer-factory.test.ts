/** @module Tests of InformerFactory: sharing, index merging, start and stop. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../api/resources.js';
import { labelIndex, objectKey } from './cache.js';
import { Client } from './client.js';
import { InformerFactory } from './informer-factory.js';
import { FakeClock, settle } from './testing/fake-clock.js';
import { FakeTransport } from './testing/fake-transport.js';

const pods = findResource('', 'v1', 'pods')!;
const nodes = findResource('', 'v1', 'nodes')!;

function setup() {
  const fake = new FakeTransport();
  const clock = new FakeClock();
  const factory = new InformerFactory(new Client(fake), { clock, random: () => 0, onError: (e) => assert.fail(e) });
  return { fake, clock, factory };
}

test('the same resource and selectors give the same informer, with one list and one watch', async () => {
  const { fake, factory } = setup();
  fake.set(pods, { metadata: { namespace: 'ns', name: 'a', labels: { app: 'web' } } });
  const first = factory.informer(pods, { indexers: { app: labelIndex('app') } });
  const second = factory.informer(pods);
  const bySelector = factory.informer(pods, { labelSelector: 'app=db' });
  const inNamespace = factory.informer(pods, { namespace: 'ns' });
  assert.equal(first, second);
  assert.notEqual(first, bySelector);
  assert.notEqual(first, inNamespace);
  factory.start();
  assert.equal(await factory.waitForSync(), true);
  await settle();
  assert.deepEqual(first.cache.byIndex('app', 'web').map(objectKey), ['ns/a']);
  assert.equal(bySelector.cache.list().length, 0);
  const watches = fake.actions.filter((a) => a.verb === 'watch').map((a) => `${a.namespace || '*'} ${a.query?.labelSelector ?? ''}`).sort();
  assert.deepEqual(watches, ['* ', '* app=db', 'ns ']);
  factory.stop();
  assert.equal(fake.watches().length, 0);
});

test('a cluster-scoped resource ignores namespaces; an index name must keep its meaning', () => {
  const { factory } = setup();
  const a = factory.informer(nodes, { namespace: 'ns', indexers: { zone: labelIndex('zone') } });
  assert.equal(factory.informer(nodes), a);
  const zone = labelIndex('zone');
  factory.informer(pods, { indexers: { zone } });
  factory.informer(pods, { indexers: { zone } });
  assert.throws(() => factory.informer(pods, { indexers: { zone: labelIndex('zone') } }), /already defined differently/);
  factory.stop();
});

test('informers asked for after start() start at once; stop() stops all for good', async () => {
  const { fake, clock, factory } = setup();
  factory.start();
  const late = factory.informer(nodes);
  assert.equal(await late.waitForSync(), true);
  factory.stop();
  const afterStop = factory.informer(pods);
  assert.equal(await afterStop.waitForSync(), false);
  await settle(); // a watch request in flight at stop() is closed when it opens
  assert.equal(fake.watches().length, 0);
  assert.deepEqual(clock.pending(), []);
});
