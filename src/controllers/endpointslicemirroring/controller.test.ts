import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import type { ResourceRef } from '../../client/index.js';
import { EndpointsController } from '../endpoints/controller.js';
import type { Endpoints } from '../endpoints/types.js';
import { EndpointSliceController } from '../endpointslice/controller.js';
import { makeNode, makePod, makeService } from '../endpointslice/fixtures.js';
import { RESOURCES, startBench, type Bench } from '../endpointslice/harness.js';
import type { EndpointSlice } from '../endpointslice/types.js';
import { EndpointSliceMirroringController } from './controller.js';
import { address, makeEndpoints, makeSelectorlessService } from './fixtures.js';

const { services, pods, nodes, endpoints, endpointslices } = RESOURCES;
const logs: string[] = [];
const MIRROR = 'endpointslicemirroring-controller.k8s.io';

function mirror(): EndpointSliceMirroringController {
  return new EndpointSliceMirroringController({ log: (l) => logs.push(l) });
}

/** The slices of a name, as `managed-by name: addresses`. */
async function slicesOf(bench: Bench, name: string): Promise<string[]> {
  const all = await bench.list<EndpointSlice>(endpointslices);
  return all
    .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name)
    .map((s) => `${s.metadata.labels!['endpointslice.kubernetes.io/managed-by']} ${(s.endpoints ?? []).map((e) => `${e.addresses[0]}${e.conditions?.ready === false ? '(not ready)' : ''}`).join(',')}`);
}

/** The slices of `db` as written from its three addresses. */
const ALL = `${MIRROR} 10.244.0.6,10.244.0.7,10.244.0.8(not ready)`;

/** The selector-less Service `db` and its Endpoints. */
function db(): Array<[ResourceRef, KubeObject]> {
  return [
    [services, makeSelectorlessService('default', 'db')],
    [endpoints, makeEndpoints('default', 'db')],
  ];
}

/** Makes a change on the fake API, lets the controller act, and checks the slices of `db`. */
async function step(bench: Bench, change: () => void, want: string[]): Promise<void> {
  change();
  await bench.idle();
  assert.deepEqual(await slicesOf(bench, 'db'), want);
}

/** The writes the fake API saw (no lists or watches), as `verb resource name`. */
function writes(bench: Bench): string[] {
  return bench.fake.actions.filter((a) => a.verb !== 'list' && a.verb !== 'watch').map((a) => `${a.verb} ${a.resource} ${a.name}`);
}

describe('EndpointSliceMirroringController', () => {
  // Nothing here should need a retry (no stale caches, no failed writes).
  after(() => assert.deepEqual(logs, []));

  it('mirrors the Endpoints of a Service without a selector into one slice, and nothing else', async () => {
    const withSelector = makeService('default', 'web');
    const bench = await startBench(
      [mirror(), new EndpointsController({ log: (l) => logs.push(l) }), new EndpointSliceController({ log: (l) => logs.push(l) })],
      [
        [nodes, makeNode('node-1')],
        [services, makeSelectorlessService('default', 'db')],
        [endpoints, makeEndpoints('default', 'db', (e) => (e.metadata.labels = { app: 'db' }))],
        [services, withSelector],
        [pods, makePod('default', 'web-a', { ip: '10.244.0.9' })],
        // Endpoints without a Service, and a skip-mirror one: not mirrored.
        [endpoints, makeEndpoints('default', 'orphan')],
        [services, makeSelectorlessService('default', 'skipped')],
        [endpoints, makeEndpoints('default', 'skipped', (e) => (e.metadata.labels = { 'endpointslice.kubernetes.io/skip-mirror': 'true' }))],
      ],
    );
    const slices = (await bench.list<EndpointSlice>(endpointslices)).filter((s) => s.metadata.labels!['endpointslice.kubernetes.io/managed-by'] === MIRROR);
    assert.equal(slices.length, 1);
    const [slice] = slices;
    assert.match(slice.metadata.name!, /^db-/);
    assert.deepEqual(slice.metadata.labels, { app: 'db', 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': MIRROR });
    assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: 'uid-ep-db', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(await slicesOf(bench, 'db'), [ALL]);
    // The Service with a selector has the EndpointSlice controller's slice, and its Endpoints are not mirrored.
    assert.deepEqual(await slicesOf(bench, 'web'), ['endpointslice-controller.k8s.io 10.244.0.9']);
    assert.deepEqual(await slicesOf(bench, 'orphan'), []);
    assert.deepEqual(await slicesOf(bench, 'skipped'), []);
    assert.deepEqual(bench.events.events, []);
    // Our own writes coming back through the watch cause no further writes.
    const before = writes(bench).length;
    await bench.clock.advance(2000);
    await bench.idle();
    assert.equal(writes(bench).length, before);
    await bench.stop();
  });

  it('follows the Endpoints: changes, skip-mirror, deletion and re-creation', async () => {
    const bench = await startBench([mirror()], db());
    const [first] = await bench.list<EndpointSlice>(endpointslices);
    const edit = (fn: (e: Endpoints & { subsets: NonNullable<Endpoints['subsets']> }) => void) => () =>
      bench.fake.set(endpoints, makeEndpoints('default', 'db', (e) => ((e.metadata.resourceVersion = undefined), fn(e))));
    await step(bench, edit((e) => ((e.subsets[0].addresses = [address('10.244.0.6')]), delete e.subsets[0].notReadyAddresses)), [`${MIRROR} 10.244.0.6`]);
    // Updated in place, under its name.
    assert.deepEqual((await bench.list<EndpointSlice>(endpointslices)).map((s) => s.metadata.name), [first.metadata.name]);
    await step(bench, edit((e) => (e.metadata.labels = { 'endpointslice.kubernetes.io/skip-mirror': 'true' })), []);
    await step(bench, edit(() => {}), [ALL]);
    await step(bench, () => bench.fake.remove(endpoints, { namespace: 'default', name: 'db' }), []);
    await bench.stop();
  });

  it('deletes the slices when the Service gains a selector or goes; mirrors again when it comes back', async () => {
    const bench = await startBench([mirror()], db());
    assert.deepEqual(await slicesOf(bench, 'db'), [ALL]);
    await step(bench, () => bench.fake.set(services, makeSelectorlessService('default', 'db', (s) => (s.spec.selector = { app: 'db' }))), []);
    await step(bench, () => bench.fake.set(services, makeSelectorlessService('default', 'db')), [ALL]);
    await step(bench, () => bench.fake.remove(services, { namespace: 'default', name: 'db' }), []);
    await bench.stop();
  });

  it('puts back a mirrored slice someone deleted or changed; leaves other slices of the name alone', async () => {
    const bench = await startBench([mirror()], db());
    const [slice] = await bench.list<EndpointSlice>(endpointslices);
    await step(bench, () => bench.fake.set(endpointslices, { ...slice, endpoints: [] } as KubeObject), [ALL]);
    await step(bench, () => bench.fake.remove(endpointslices, { namespace: 'default', name: slice.metadata.name! }), [ALL]);
    // A user's own slice for the same Service (another managed-by) is not ours to touch.
    const users = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace: 'default', name: 'db-by-hand', labels: { 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': 'staff' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.50'] }] };
    bench.fake.set(endpointslices, users as KubeObject);
    await step(bench, () => bench.fake.set(endpoints, makeEndpoints('default', 'db', (e) => ((e.metadata.resourceVersion = undefined), (e.subsets = [])))), ['staff 10.244.0.50']);
    await bench.stop();
  });

  it('records events on the Endpoints for invalid and surplus addresses', async () => {
    const bench = await startBench(
      [new EndpointSliceMirroringController({ maxEndpointsPerSubset: 3, log: (l) => logs.push(l) })],
      [
        [services, makeSelectorlessService('default', 'db')],
        [endpoints, makeEndpoints('default', 'db', (e) => (e.subsets[0].addresses!.push(address('db.example.com')), e.subsets[0].notReadyAddresses!.push(address('10.244.0.9'))))],
      ],
    );
    assert.deepEqual(await slicesOf(bench, 'db'), [`${MIRROR} 10.244.0.6,10.244.0.7,10.244.0.8(not ready)`]);
    assert.deepEqual(bench.events.events, [
      { kind: 'Endpoints', name: 'db', type: 'Warning', reason: 'InvalidIPAddress', message: 'Skipped 1 invalid IP addresses when mirroring to EndpointSlices' },
      { kind: 'Endpoints', name: 'db', type: 'Warning', reason: 'TooManyAddressesToMirror', message: 'A max of 3 addresses can be mirrored to EndpointSlices per Endpoints subset. 2 addresses were skipped' },
    ]);
    await bench.stop();
  });
});
