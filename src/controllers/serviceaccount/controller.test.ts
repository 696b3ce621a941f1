/** @module Tests of the ServiceAccount controller against the fake API server: `default` in every active namespace, again after a delete. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import { Client, InformerFactory } from '../../client/index.js';
import { FakeClock, settle } from '../../client/testing/fake-clock.js';
import { FakeTransport } from '../../client/testing/fake-transport.js';
import type { ClusterConfig } from '../controller.js';
import { ServiceAccountController } from './controller.js';

const namespaces = findResource('', 'v1', 'namespaces')!;
const accounts = findResource('', 'v1', 'serviceaccounts')!;
const config: ClusterConfig = { serviceCIDR: '10.96.0.0/12', nodePortRange: { first: 30000, last: 32767 }, loadBalancerPool: '127.0.100.0/24', clusterDomain: 'cluster.local' };

async function idle(): Promise<void> {
  for (let i = 0; i < 20; i++) await settle();
}

test('every active namespace gets a default ServiceAccount, once, and again after a delete; a terminating one does not', async () => {
  const fake = new FakeTransport();
  const client = new Client(fake);
  const clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'));
  const ns = client.resource(namespaces);
  const sa = client.resource(accounts);
  await ns.create({ metadata: { name: 'shop' }, status: { phase: 'Active' } });
  await ns.create({ metadata: { name: 'old' }, status: { phase: 'Terminating' } });
  await ns.create({ metadata: { name: 'kept' }, status: { phase: 'Active' } });
  await sa.create({ metadata: { name: 'default', labels: { mine: 'yes' } } }, { namespace: 'kept' });
  const informers = new InformerFactory(client, { clock, random: () => 0, onError: (e) => assert.fail(e) });
  const errors: string[] = [];
  const controller = new ServiceAccountController({ onError: (m) => errors.push(m) });
  controller.setup({ client, informers, events: { event: () => undefined }, clock, config });
  informers.start();
  assert.equal(await informers.waitForSync(), true);
  const running = controller.run();
  await idle();
  const accountIn = (namespace: string) => fake.object(accounts, { namespace, name: 'default' });
  assert.ok(accountIn('shop'));
  assert.equal(accountIn('old'), undefined, 'no account in a terminating namespace');
  assert.deepEqual(accountIn('kept')?.metadata.labels, { mine: 'yes' }, 'an existing account is left as it is');

  await ns.create({ metadata: { name: 'new' }, status: { phase: 'Active' } });
  await idle();
  assert.ok(accountIn('new'), 'a new namespace gets one');
  await sa.delete('default', { namespace: 'shop' });
  await idle();
  assert.ok(accountIn('shop'), 'a deleted default account comes back');
  assert.equal(fake.actions.filter((a) => a.verb === 'create' && a.resource === 'serviceaccounts' && a.namespace === 'kept').length, 1, 'only the test created one in kept');
  assert.deepEqual(errors, []);
  controller.stop();
  informers.stop();
  await running;
});
