/** @module Tests of the root CA publisher against the fake API server: kube-root-ca.crt in every namespace, made again, put back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newForbidden, newNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { Client, InformerFactory } from '../../client/index.js';
import { FakeClock, settle } from '../../client/testing/fake-clock.js';
import { FakeTransport } from '../../client/testing/fake-transport.js';
import type { ClusterConfig } from '../controller.js';
import { DESCRIPTION, DESCRIPTION_ANNOTATION, ROOT_CA_CONFIG_MAP, RootCACertPublisher } from './controller.js';

const namespaces = findResource('', 'v1', 'namespaces')!;
const configMaps = findResource('', 'v1', 'configmaps')!;
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const base: ClusterConfig = { serviceCIDR: '10.96.0.0/12', nodePortRange: { first: 30000, last: 32767 }, loadBalancerPool: '127.0.100.0/24', clusterDomain: 'cluster.local' };

async function idle(): Promise<void> {
  for (let i = 0; i < 20; i++) await settle();
}

async function started(config: ClusterConfig, seed: (client: Client) => Promise<void>, inject?: Parameters<FakeTransport['inject']>[0]) {
  const fake = new FakeTransport();
  const client = new Client(fake);
  const clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'));
  await seed(client);
  if (inject) fake.inject(inject);
  const informers = new InformerFactory(client, { clock, random: () => 0, onError: (e) => assert.fail(e) });
  const errors: string[] = [];
  const controller = new RootCACertPublisher({ onError: (m) => errors.push(m) });
  controller.setup({ client, informers, events: { event: () => undefined }, clock, config });
  informers.start();
  assert.equal(await informers.waitForSync(), true);
  const running = controller.run();
  await idle();
  const cmIn = (namespace: string) => fake.object(configMaps, { namespace, name: ROOT_CA_CONFIG_MAP }) as (KubeObject & { data?: Record<string, string> }) | undefined;
  const stop = async () => {
    controller.stop();
    informers.stop();
    await running;
  };
  return { fake, client, clock, cmIn, errors, stop };
}

test('every namespace gets kube-root-ca.crt with the CA and the description; a new one too; a deleted one comes back', async () => {
  const { client, cmIn, errors, stop } = await started({ ...base, rootCACertPem: CA }, async (client) => {
    await client.resource(namespaces).create({ metadata: { name: 'shop' }, status: { phase: 'Active' } });
    await client.resource(namespaces).create({ metadata: { name: 'kube-system' }, status: { phase: 'Active' } });
  });
  for (const ns of ['shop', 'kube-system']) {
    assert.deepEqual(cmIn(ns)?.data, { 'ca.crt': CA });
    assert.deepEqual(cmIn(ns)?.metadata.annotations, { [DESCRIPTION_ANNOTATION]: DESCRIPTION });
  }
  await client.resource(namespaces).create({ metadata: { name: 'new' }, status: { phase: 'Active' } });
  await idle();
  assert.deepEqual(cmIn('new')?.data, { 'ca.crt': CA }, 'a new namespace gets one');
  await client.resource(configMaps).delete(ROOT_CA_CONFIG_MAP, { namespace: 'shop' });
  await idle();
  assert.deepEqual(cmIn('shop')?.data, { 'ca.crt': CA }, 'a deleted one is made again');
  assert.deepEqual(errors, []);
  await stop();
});

test('a changed kube-root-ca.crt is put back (data and description), its other metadata kept; an unchanged one is not written', async () => {
  const { fake, client, cmIn, errors, stop } = await started({ ...base, rootCACertPem: CA }, async (client) => {
    await client.resource(namespaces).create({ metadata: { name: 'shop' }, status: { phase: 'Active' } });
  });
  const cms = client.resource(configMaps);
  const current = cmIn('shop')!;
  await cms.update({ ...current, metadata: { ...current.metadata, labels: { mine: 'yes' }, annotations: {} }, data: { 'ca.crt': 'forged', extra: 'x' } } as KubeObject, { namespace: 'shop' });
  await idle();
  assert.deepEqual(cmIn('shop')?.data, { 'ca.crt': CA });
  assert.deepEqual(cmIn('shop')?.metadata.annotations, { [DESCRIPTION_ANNOTATION]: DESCRIPTION });
  assert.deepEqual(cmIn('shop')?.metadata.labels, { mine: 'yes' }, 'what the publisher does not own is kept');
  const writes = fake.actions.filter((a) => a.resource === 'configmaps' && a.verb !== 'list' && a.verb !== 'watch').length;
  // An update of another ConfigMap, and a namespace update, change nothing.
  await cms.create({ metadata: { name: 'other' }, data: { a: 'b' } } as KubeObject, { namespace: 'shop' });
  await client.resource(namespaces).update({ ...(fake.object(namespaces, { name: 'shop' }) as KubeObject), metadata: { ...fake.object(namespaces, { name: 'shop' })!.metadata, labels: { x: 'y' } } });
  await idle();
  assert.equal(fake.actions.filter((a) => a.resource === 'configmaps' && a.verb !== 'list' && a.verb !== 'watch').length, writes + 1, 'only the test wrote');
  assert.deepEqual(errors, []);
  await stop();
});

test('a create refused because the namespace is terminating or gone is not retried; without a CA the publisher publishes nothing', async () => {
  const terminating = newForbidden({ group: '', resource: 'configmaps' }, ROOT_CA_CONFIG_MAP, 'unable to create new content in namespace old because it is being terminated');
  terminating.status.details = { ...terminating.status.details, causes: [{ reason: 'NamespaceTerminating', message: 'namespace old is being terminated', field: 'metadata.namespace' }] };
  const refused = await started(
    { ...base, rootCACertPem: CA },
    async (client) => {
      await client.resource(namespaces).create({ metadata: { name: 'old' }, status: { phase: 'Terminating' } });
      await client.resource(namespaces).create({ metadata: { name: 'gone' }, status: { phase: 'Active' } });
    },
    (a) => (a.verb === 'create' && a.resource === 'configmaps' ? (a.namespace === 'old' ? terminating : newNotFound({ group: '', resource: 'namespaces' }, 'gone')) : undefined),
  );
  await refused.clock.advance(60_000);
  await idle();
  assert.equal(refused.fake.actions.filter((a) => a.verb === 'create' && a.resource === 'configmaps').length, 2, 'one try each, no retry');
  assert.deepEqual(refused.errors, []);
  await refused.stop();

  const none = await started(base, async (c) => {
    await c.resource(namespaces).create({ metadata: { name: 'shop' }, status: { phase: 'Active' } });
  });
  assert.equal(none.cmIn('shop'), undefined);
  assert.equal(none.fake.actions.filter((a) => a.resource === 'configmaps').length, 0, 'not even a watch');
  await none.stop();
});
