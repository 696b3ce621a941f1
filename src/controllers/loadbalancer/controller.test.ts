/**
 * @module Tests of the LoadBalancer controller against the fake API server and a fake clock:
 * an address at creation, release on delete and on type change, rebuild after a restart, an
 * exhausted pool, spec.loadBalancerIP, classes, and upstream's events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { Client, InformerFactory } from '../../client/index.js';
import { FakeClock, settle } from '../../client/testing/fake-clock.js';
import { FakeTransport } from '../../client/testing/fake-transport.js';
import type { ClusterConfig, EventRecorder } from '../controller.js';
import { LoadBalancerController } from './controller.js';
import { LB_CLEANUP_FINALIZER, type Service } from './service.js';

const services = findResource('', 'v1', 'services')!;

function config(pool = '127.0.100.0/24'): ClusterConfig {
  return { serviceCIDR: '10.96.0.0/12', nodePortRange: { first: 30000, last: 32767 }, loadBalancerPool: pool, clusterDomain: 'cluster.local' };
}

/** `makeService('ns', 'web', s => ...)`: a LoadBalancer Service unless changed. */
function makeService(namespace: string, name: string, tweak: (s: Service & { spec: Record<string, unknown> }) => void = () => {}): Service {
  const svc = { metadata: { namespace, name }, spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] }, status: { loadBalancer: {} } } as Service & { spec: Record<string, unknown> };
  tweak(svc);
  return svc;
}

function harness(fake = new FakeTransport()) {
  const clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'));
  const client = new Client(fake);
  const events: string[] = [];
  const recorder: EventRecorder = { event: (obj, type, reason, message) => events.push(`${obj.metadata.namespace}/${obj.metadata.name} ${type} ${reason}: ${message}`) };
  const errors: string[] = [];
  const api = client.resource<Service>(services);
  return {
    fake, clock, client, events, errors, api,
    async start(pool?: string) {
      const informers = new InformerFactory(client, { clock, random: () => 0, onError: (e) => assert.fail(e) });
      const controller = new LoadBalancerController({ onError: (m) => errors.push(m) });
      controller.setup({ client, informers, events: recorder, clock, config: config(pool) });
      informers.start();
      assert.equal(await informers.waitForSync(), true);
      const running = controller.run();
      await idle();
      return {
        controller,
        async stop() {
          controller.stop();
          informers.stop();
          await running;
        },
      };
    },
    create: (svc: Service) => api.create(svc),
    get: (namespace: string, name: string) => fake.object(services, { namespace, name }) as Service | undefined,
    /** EXTERNAL-IP as kubectl would show it. */
    external(namespace: string, name: string): string {
      const svc = fake.object(services, { namespace, name }) as Service | undefined;
      if (!svc) return '(gone)';
      const ips = (svc.status?.loadBalancer?.ingress ?? []).map((i) => `${i.ip}/${i.ipMode}`);
      return ips.length ? ips.join(',') : '<pending>';
    },
    idle,
  };
}

async function idle(): Promise<void> {
  for (let i = 0; i < 20; i++) await settle();
}

test('every LoadBalancer Service gets its own address at once, with the finalizer and upstream events', async () => {
  const h = harness();
  const { stop } = await h.start();
  await h.create(makeService('shop', 'web'));
  await h.create(makeService('shop', 'api'));
  await h.create(makeService('shop', 'loopback', (s) => (s.spec.loadBalancerClass = 'kubito.io/loopback')));
  await h.create(makeService('shop', 'metallb', (s) => (s.spec.loadBalancerClass = 'metallb.io/metallb')));
  await h.create(makeService('shop', 'internal', (s) => (s.spec.type = 'ClusterIP')));
  await h.idle();
  assert.equal(h.external('shop', 'web'), '127.0.100.1/VIP');
  assert.equal(h.external('shop', 'api'), '127.0.100.2/VIP', 'one address per Service: both can use port 80');
  assert.equal(h.external('shop', 'loopback'), '127.0.100.3/VIP');
  assert.equal(h.external('shop', 'metallb'), '<pending>', 'another class is another implementation');
  assert.equal(h.external('shop', 'internal'), '<pending>');
  assert.deepEqual(h.get('shop', 'web')?.metadata.finalizers, [LB_CLEANUP_FINALIZER]);
  assert.equal(h.get('shop', 'metallb')?.metadata.finalizers, undefined);
  assert.deepEqual(h.events.filter((e) => e.startsWith('shop/web ')), ['shop/web Normal EnsuringLoadBalancer: Ensuring load balancer', 'shop/web Normal EnsuredLoadBalancer: Ensured load balancer']);
  const statusWrites = h.fake.actions.filter((a) => a.subresource === 'status' && a.name === 'web');
  assert.equal(statusWrites.length, 1, 'status through the status subresource, once');
  const before = h.events.length;
  await h.api.patch('web', { metadata: { labels: { tier: 'front' } } }, { namespace: 'shop' });
  await h.idle();
  assert.equal(h.events.length, before, 'an unrelated change is quiet');
  assert.deepEqual(h.errors, []);
  await stop();
});

test('deleting a Service releases its address through the finalizer', async () => {
  const h = harness();
  const { stop, controller } = await h.start();
  await h.create(makeService('shop', 'web'));
  await h.idle();
  h.events.length = 0;
  await h.api.delete('web', { namespace: 'shop' });
  await h.idle();
  assert.equal(h.get('shop', 'web'), undefined, 'the finalizer was removed, so the Service went');
  assert.deepEqual(h.events, ['shop/web Normal DeletingLoadBalancer: Deleting load balancer', 'shop/web Normal DeletedLoadBalancer: Deleted load balancer']);
  assert.equal(controller.addressOf('shop', 'web'), undefined);
  await h.create(makeService('shop', 'next'));
  await h.idle();
  assert.equal(h.external('shop', 'next'), '127.0.100.1/VIP', 'the address is free again');
  await stop();
});

test('a Service that stops being a LoadBalancer loses its address, status and finalizer', async () => {
  const h = harness();
  const { stop } = await h.start();
  await h.create(makeService('shop', 'web'));
  await h.idle();
  await h.api.patch('web', { spec: { type: 'NodePort' } }, { namespace: 'shop' });
  await h.idle();
  const svc = h.get('shop', 'web')!;
  assert.deepEqual(svc.status, { loadBalancer: {} });
  assert.equal(svc.metadata.finalizers, undefined);
  assert.ok(h.events.includes('shop/web Normal DeletedLoadBalancer: Deleted load balancer'));
  // The service controller's update handler names the type change first (needsUpdate).
  const typeEvent = h.events.indexOf('shop/web Normal Type: LoadBalancer -> NodePort');
  assert.ok(typeEvent >= 0 && typeEvent < h.events.indexOf('shop/web Normal DeletingLoadBalancer: Deleting load balancer'), h.events.join('\n'));
  await h.api.patch('web', { spec: { type: 'LoadBalancer' } }, { namespace: 'shop' });
  await h.idle();
  assert.equal(h.external('shop', 'web'), '127.0.100.1/VIP', 'and gets one again when it is one again');
  assert.equal(h.events.filter((e) => e === 'shop/web Normal Type: NodePort -> LoadBalancer').length, 1);
  await stop();
});

test('a restart rebuilds the allocation from status before serving', async () => {
  const fake = new FakeTransport();
  const stored = (name: string, ip: string, created: string): KubeObject => ({
    ...makeService('shop', name),
    metadata: { namespace: 'shop', name, creationTimestamp: created, finalizers: [LB_CLEANUP_FINALIZER] },
    status: { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } },
  });
  fake.set(services, stored('web', '127.0.100.5', '2025-01-01T00:00:00Z'));
  fake.set(services, stored('api', '127.0.100.1', '2025-01-01T00:00:01Z'));
  fake.set(services, stored('copy', '127.0.100.5', '2025-01-01T00:00:02Z'));
  const h = harness(fake);
  const { stop } = await h.start();
  await h.create(makeService('shop', 'new'));
  await h.idle();
  assert.equal(h.external('shop', 'web'), '127.0.100.5/VIP');
  assert.equal(h.external('shop', 'api'), '127.0.100.1/VIP');
  assert.equal(h.external('shop', 'copy'), '127.0.100.2/VIP', 'the younger of two claimants moves');
  assert.equal(h.external('shop', 'new'), '127.0.100.3/VIP', 'new Services get an address nobody holds');
  const rewritten = fake.actions.filter((a) => a.subresource === 'status').map((a) => a.name).sort();
  assert.deepEqual(rewritten, ['copy', 'new'], 'kept addresses are not rewritten');
  await stop();
});

test('an exhausted pool: a warning, no address, no crash; the next free address goes to the waiting Service', async () => {
  const h = harness();
  const { stop } = await h.start('127.0.100.0/30');
  await h.create(makeService('shop', 'a'));
  await h.create(makeService('shop', 'b'));
  await h.create(makeService('shop', 'c'));
  await h.idle();
  assert.deepEqual(['a', 'b', 'c'].map((n) => h.external('shop', n)), ['127.0.100.1/VIP', '127.0.100.2/VIP', '<pending>']);
  assert.deepEqual(h.events.filter((e) => e.startsWith('shop/c ')), [
    'shop/c Normal EnsuringLoadBalancer: Ensuring load balancer',
    'shop/c Warning SyncLoadBalancerFailed: Error syncing load balancer: failed to ensure load balancer: no free IP in the load balancer pool 127.0.100.0/30: all 2 addresses are in use',
  ], 'reported once, not on every sync');
  assert.deepEqual(h.get('shop', 'c')?.metadata.finalizers, [LB_CLEANUP_FINALIZER]);
  assert.deepEqual(h.clock.pending().filter((ms) => ms < 60_000), [], 'no retry timer: it waits for a release');
  await h.api.delete('a', { namespace: 'shop' });
  await h.idle();
  assert.equal(h.external('shop', 'c'), '127.0.100.1/VIP');
  assert.ok(h.events.includes('shop/c Normal EnsuredLoadBalancer: Ensured load balancer'));
  assert.deepEqual(h.errors, []);
  await stop();
});

test('spec.loadBalancerIP: given when in the pool and free; otherwise a warning and no address', async () => {
  const h = harness();
  const { stop } = await h.start();
  await h.create(makeService('shop', 'fixed', (s) => (s.spec.loadBalancerIP = '127.0.100.77')));
  await h.create(makeService('shop', 'outside', (s) => (s.spec.loadBalancerIP = '192.0.2.10')));
  await h.create(makeService('shop', 'same', (s) => (s.spec.loadBalancerIP = '127.0.100.77')));
  await h.idle();
  assert.equal(h.external('shop', 'fixed'), '127.0.100.77/VIP');
  assert.equal(h.external('shop', 'outside'), '<pending>');
  assert.equal(h.external('shop', 'same'), '<pending>');
  assert.ok(h.events.includes('shop/outside Warning SyncLoadBalancerFailed: Error syncing load balancer: failed to ensure load balancer: spec.loadBalancerIP 192.0.2.10 is not in the load balancer pool 127.0.100.0/24 (usable: 127.0.100.1-127.0.100.254)'));
  assert.ok(h.events.includes('shop/same Warning SyncLoadBalancerFailed: Error syncing load balancer: failed to ensure load balancer: spec.loadBalancerIP 127.0.100.77 is already used by Service shop/fixed'));
  // The holder moves away: the waiting Service gets the address it asked for.
  await h.api.patch('fixed', { spec: { loadBalancerIP: '127.0.100.78' } }, { namespace: 'shop' });
  await h.idle();
  assert.equal(h.external('shop', 'fixed'), '127.0.100.78/VIP');
  assert.equal(h.external('shop', 'same'), '127.0.100.77/VIP');
  // An impossible request on a Service that has an address takes the address away.
  await h.api.patch('fixed', { spec: { loadBalancerIP: '10.0.0.1' } }, { namespace: 'shop' });
  await h.idle();
  assert.equal(h.external('shop', 'fixed'), '<pending>');
  await stop();
});

test('a Service removed behind the finalizer still gets its address released', async () => {
  const h = harness();
  const { stop, controller } = await h.start();
  await h.create(makeService('shop', 'web'));
  await h.idle();
  h.events.length = 0;
  h.fake.remove(services, { namespace: 'shop', name: 'web' });
  await h.idle();
  assert.equal(controller.addressOf('shop', 'web'), undefined);
  assert.deepEqual(h.events, ['shop/web Normal DeletingLoadBalancer: Deleting load balancer', 'shop/web Normal DeletedLoadBalancer: Deleted load balancer']);
  await stop();
});

test('a pool outside loopback is refused at setup', () => {
  const h = harness();
  const informers = new InformerFactory(h.client, { clock: h.clock });
  const controller = new LoadBalancerController();
  assert.throws(() => controller.setup({ client: h.client, informers, events: { event() {} }, clock: h.clock, config: config('192.168.1.0/24') }), /inside 127\.0\.0\.0\/8/);
});
