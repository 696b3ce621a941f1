/**
 * @module Tests of the namespace controller against the fake API server (with the Namespace
 * registry semantics of ./testing.ts) and a fake clock: draining several kinds, an object held
 * by a finalizer, pods first, requeue by estimate, failures in conditions, deletecollection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newInternalError } from '../../api/errors.js';
import { findResource, RESOURCES, type ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { Client, InformerFactory } from '../../client/index.js';
import { FakeClock, settle } from '../../client/testing/fake-clock.js';
import { FakeTransport } from '../../client/testing/fake-transport.js';
import type { ClusterConfig, EventRecorder } from '../controller.js';
import type { NamespaceCondition } from './conditions.js';
import { NamespaceController, type NamespaceControllerOptions } from './controller.js';
import { NamespaceRegistryFake } from './testing.js';

const R = (group: string, resource: string): ResourceInfo => RESOURCES.find((r) => r.group === group && r.resource === resource)!;
const namespaces = R('', 'namespaces');
const pods = R('', 'pods');
const configmaps = R('', 'configmaps');
const secrets = R('', 'secrets');
const services = R('', 'services');
const deployments = findResource('apps', 'v1', 'deployments')!;

const CONFIG: ClusterConfig = { serviceCIDR: '10.96.0.0/12', nodePortRange: { first: 30000, last: 32767 }, loadBalancerPool: '127.0.100.0/24', clusterDomain: 'cluster.local' };
const START = Date.parse('2025-01-01T00:00:00Z');

type Namespace = KubeObject & { spec?: { finalizers?: string[] }; status?: { phase?: string; conditions?: NamespaceCondition[] } };

async function setup(options: NamespaceControllerOptions & { deleteCollection?: boolean } = {}) {
  const clock = new FakeClock(START);
  const fake = new FakeTransport();
  const api = new NamespaceRegistryFake(fake, { clock, deleteCollection: options.deleteCollection });
  const client = new Client(api);
  const informers = new InformerFactory(client, { clock, random: () => 0, onError: (e) => assert.fail(e) });
  const events: EventRecorder = { event: () => assert.fail('the namespace controller writes no events') };
  const errors: string[] = [];
  const controller = new NamespaceController({ onError: (m) => errors.push(m), ...options });
  function ns(name: string, finalizers = ['kubernetes']): void {
    fake.set(namespaces, { metadata: { name }, spec: { finalizers }, status: { phase: 'Active' } });
  }
  function put(info: ResourceInfo, namespace: string, name: string, extra: Partial<KubeObject> = {}): void {
    fake.set(info, { metadata: { namespace, name }, ...extra } as KubeObject);
  }
  return {
    clock, fake, api, client, errors, ns, put,
    async start() {
      controller.setup({ client, informers, events, clock, config: CONFIG });
      informers.start();
      assert.equal(await informers.waitForSync(), true);
      const running = controller.run();
      return async () => {
        controller.stop();
        informers.stop();
        await running;
      };
    },
    namespace: (name: string) => fake.object(namespaces, { name }) as Namespace | undefined,
    /** The objects of a kind in a namespace, as `name` or `name (deleting)`. */
    names: (info: ResourceInfo, namespace: string) => listed(fake, info, namespace),
    condition(name: string, type: string): string | undefined {
      const c = (fake.object(namespaces, { name }) as Namespace | undefined)?.status?.conditions?.find((x) => x.type === type);
      return c && `${c.status} ${c.reason}: ${c.message}`;
    },
    /** Lets the controller run until nothing is left to do without moving time. */
    async idle(ms = 0) {
      await clock.advance(ms);
      for (let i = 0; i < 20; i++) await settle();
    },
  };
}

async function listed(fake: FakeTransport, info: ResourceInfo, namespace: string): Promise<string[]> {
  const list = await new Client(fake).resource(info).list({ namespace });
  return list.items.map((o) => `${o.metadata.name}${o.metadata.deletionTimestamp ? ' (deleting)' : ''}`);
}

async function deleteNamespace(client: Client, name: string): Promise<void> {
  await client.resource(namespaces).delete(name);
}

test('a terminating namespace is drained of every kind; an object held by a finalizer holds it; its removal finishes it', async () => {
  const t = await setup();
  t.ns('shop');
  t.ns('other');
  t.put(configmaps, 'shop', 'cfg');
  t.put(configmaps, 'shop', 'held', { metadata: { namespace: 'shop', name: 'held', finalizers: ['example.com/hold'] } });
  t.put(secrets, 'shop', 'token');
  t.put(services, 'shop', 'web');
  t.put(deployments, 'shop', 'web');
  t.put(pods, 'shop', 'p1');
  t.put(configmaps, 'other', 'keep');
  const stop = await t.start();

  await deleteNamespace(t.client, 'shop');
  await t.idle();
  assert.deepEqual(t.fake.actions.filter((a) => a.verb === 'delete').map((a) => a.resource), [], 'nothing before the deletion delay');
  await t.idle(100);

  assert.equal(t.namespace('shop')?.status?.phase, 'Terminating');
  assert.deepEqual(t.namespace('shop')?.spec?.finalizers, ['kubernetes'], 'the finalizer stays while content remains');
  for (const info of [pods, secrets, services, deployments]) assert.deepEqual(await t.names(info, 'shop'), [], info.resource);
  assert.deepEqual(await t.names(configmaps, 'shop'), ['held (deleting)']);
  assert.deepEqual(await t.names(configmaps, 'other'), ['keep'], 'other namespaces are untouched');
  assert.equal(t.condition('shop', 'NamespaceContentRemaining'), 'True SomeResourcesRemain: Some resources are remaining: configmaps. has 1 resource instances');
  assert.equal(t.condition('shop', 'NamespaceFinalizersRemaining'), 'True SomeFinalizersRemain: Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
  assert.equal(t.condition('shop', 'NamespaceDeletionContentFailure'), 'False ContentDeleted: All content successfully deleted, may be waiting on finalization');
  assert.ok(t.clock.pending().includes(8000), 'requeued after 15/2+1 seconds');
  const deletes = t.fake.actions.filter((a) => a.verb === 'delete' && a.namespace === 'shop');
  assert.ok(deletes.every((a) => (a.object as { propagationPolicy?: string }).propagationPolicy === 'Background'));

  // The finalizer's owner lets go: the namespace goes at once, without waiting for the requeue.
  await t.client.resource(configmaps).patch('held', { metadata: { finalizers: null } }, { namespace: 'shop' });
  await t.idle();
  assert.equal(t.namespace('shop'), undefined);
  assert.deepEqual(t.api.handled.filter((h) => h.includes('finalize')), ['PUT namespaces/shop/finalize']);
  assert.deepEqual(await t.names(configmaps, 'other'), ['keep']);
  assert.ok(t.namespace('other'));
  assert.deepEqual(t.errors, []);
  await stop();
});

test('pods go first: nothing else is deleted while a pod remains; its grace period sets the requeue', async () => {
  const t = await setup();
  t.ns('app');
  t.put(pods, 'app', 'p1', { metadata: { namespace: 'app', name: 'p1', finalizers: ['example.com/pod'] }, spec: { terminationGracePeriodSeconds: 30 }, status: { phase: 'Running' } });
  t.put(configmaps, 'app', 'cfg');
  const stop = await t.start();
  await deleteNamespace(t.client, 'app');
  await t.idle(100);
  assert.deepEqual(await t.names(pods, 'app'), ['p1 (deleting)']);
  assert.deepEqual(await t.names(configmaps, 'app'), ['cfg'], 'the ConfigMap is not even marked');
  assert.equal(t.condition('app', 'NamespaceContentRemaining'), 'True SomeResourcesRemain: Some resources are remaining: pods. has 1 resource instances');
  assert.ok(t.clock.pending().includes(16_000), 'requeued after 30/2+1 seconds (the pod grace period)');

  await t.client.resource(pods).patch('p1', { metadata: { finalizers: null } }, { namespace: 'app' });
  await t.idle();
  assert.deepEqual(await t.names(configmaps, 'app'), []);
  assert.equal(t.namespace('app'), undefined);
  await stop();
});

test('without a deletion to wake it, the namespace is looked at again after the estimate', async () => {
  const t = await setup();
  t.ns('slow', ['kubernetes', 'example.com/ns-cleanup']);
  t.put(secrets, 'slow', 'held', { metadata: { namespace: 'slow', name: 'held', finalizers: ['example.com/hold'] } });
  const stop = await t.start();
  await deleteNamespace(t.client, 'slow');
  await t.idle(100);
  assert.deepEqual(await t.names(secrets, 'slow'), ['held (deleting)']);
  // Gone behind the watches' back: no event reaches the controller.
  t.fake.remove(secrets, { namespace: 'slow', name: 'held' }, { silent: true });
  await t.idle(7000);
  assert.deepEqual(t.namespace('slow')?.spec?.finalizers, ['kubernetes', 'example.com/ns-cleanup'], 'not yet: the requeue is 8s away');
  await t.idle(1000);
  const ns = t.namespace('slow');
  assert.deepEqual(ns?.spec?.finalizers, ['example.com/ns-cleanup'], 'only our token is removed; another finalizer keeps it');
  assert.equal(ns?.status?.phase, 'Terminating');
  assert.equal(t.condition('slow', 'NamespaceContentRemaining'), 'False ContentRemoved: All content successfully removed');
  await stop();
});

test('a failing resource is reported in the conditions and retried with backoff', async () => {
  const t = await setup();
  t.ns('flaky');
  t.put(secrets, 'flaky', 'token');
  t.put(configmaps, 'flaky', 'cfg');
  let failures = 2;
  t.fake.inject((a) => (a.verb === 'list' && a.resource === 'secrets' && a.namespace === 'flaky' && failures-- > 0 ? newInternalError(new Error('etcd is sad')) : undefined));
  const stop = await t.start();
  await deleteNamespace(t.client, 'flaky');
  await t.idle(100);
  assert.equal(t.condition('flaky', 'NamespaceDeletionContentFailure'), 'True ContentDeletionFailed: Failed to delete all resource types, 1 remaining: Internal error occurred: etcd is sad');
  assert.deepEqual(await t.names(configmaps, 'flaky'), [], 'the other resources were still deleted');
  assert.ok(t.namespace('flaky'));
  assert.deepEqual(t.errors, ['deletion of namespace flaky failed: Internal error occurred: etcd is sad']);
  await t.idle(5); // first retry after 5ms fails again, the next after 10ms succeeds
  await t.idle(10);
  assert.equal(t.namespace('flaky'), undefined);
  await stop();
});

test('a discovery failure is a DiscoveryFailed condition, and retried', async () => {
  let fail = true;
  const t = await setup({
    discover: () => {
      if (fail) throw new Error('unable to retrieve the complete list of server APIs');
      return RESOURCES;
    },
  });
  t.ns('lost');
  t.put(configmaps, 'lost', 'cfg');
  const stop = await t.start();
  await deleteNamespace(t.client, 'lost');
  await t.idle(100);
  assert.equal(t.condition('lost', 'NamespaceDeletionDiscoveryFailure'), 'True DiscoveryFailed: unable to retrieve the complete list of server APIs');
  assert.deepEqual(await t.names(configmaps, 'lost'), ['cfg']);
  fail = false;
  await t.idle(5);
  assert.equal(t.namespace('lost'), undefined);
  await stop();
});

test('deletecollection is used where served; otherwise each object is deleted', async () => {
  const t = await setup({ deleteCollection: true });
  t.ns('bulk');
  for (const name of ['a', 'b', 'c']) t.put(configmaps, 'bulk', name);
  const stop = await t.start();
  await deleteNamespace(t.client, 'bulk');
  await t.idle(100);
  assert.equal(t.namespace('bulk'), undefined);
  assert.ok(t.api.handled.includes('DELETE configmaps in bulk'));
  assert.ok(t.api.handled.includes('DELETE pods in bulk'));
  await stop();

  const plain = await setup();
  plain.ns('bulk');
  for (const name of ['a', 'b', 'c']) plain.put(configmaps, 'bulk', name);
  const stopPlain = await plain.start();
  await deleteNamespace(plain.client, 'bulk');
  await plain.idle(100);
  assert.equal(plain.namespace('bulk'), undefined);
  const itemDeletes = plain.fake.actions.filter((a) => a.verb === 'delete' && a.resource === 'configmaps' && a.name).map((a) => a.name);
  assert.deepEqual(itemDeletes, ['a', 'b', 'c']);
  await stopPlain();
});

test('namespaces that are not being deleted are left alone', async () => {
  const t = await setup();
  t.ns('live');
  t.put(configmaps, 'live', 'cfg');
  const stop = await t.start();
  await t.client.resource(namespaces).patch('live', { metadata: { labels: { a: 'b' } } });
  await t.idle(1000);
  assert.deepEqual(await t.names(configmaps, 'live'), ['cfg']);
  assert.equal(t.namespace('live')?.status?.phase, 'Active');
  assert.deepEqual(t.fake.actions.filter((a) => a.verb !== 'list' && a.verb !== 'watch').map((a) => a.verb), ['patch']);
  await stop();
});
