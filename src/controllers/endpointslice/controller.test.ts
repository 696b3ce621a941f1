import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newConflict } from '../../api/errors.js';
import { EndpointSliceController } from './controller.js';
import { makeNode, makePod, makeService, manyPods, renderSlices } from './fixtures.js';
import { describeFromSlices, RESOURCES, startBench } from './harness.js';
import type { KubeObject } from '../../api/types.js';
import type { ResourceRef } from '../../client/index.js';
import type { EndpointSlice } from './types.js';

const { services, pods, nodes, endpointslices } = RESOURCES;
const logs: string[] = [];

/** The objects of a test, with node-1 (every pod's default node) among them. */
function world(...objects: Array<[ResourceRef, KubeObject]>): Array<[ResourceRef, KubeObject]> {
  return [[nodes, makeNode('node-1')], ...objects];
}

describe('EndpointSliceController', () => {
  it('writes one slice for 3 pods (1 not ready); describe shows the ready ones', async () => {
    const svc = makeService('default', 'nginx', (s) => {
      s.spec.ports = [{ protocol: 'TCP', port: 80, targetPort: 80 }];
    });
    const bench = await startBench(
      [new EndpointSliceController({ log: (line) => logs.push(line) })],
      world(
        [services, svc],
        [pods, makePod('default', 'nginx-a', { ip: '10.244.0.6', app: 'nginx' })],
        [pods, makePod('default', 'nginx-b', { ip: '10.244.0.7', app: 'nginx' })],
        [pods, makePod('default', 'nginx-c', { ip: '10.244.0.8', app: 'nginx', ready: false })],
      ),
    );
    const slices = await bench.list<EndpointSlice>(endpointslices);
    assert.equal(slices.length, 1);
    assert.match(slices[0].metadata.name!, /^nginx-/);
    assert.equal(
      renderSlices(slices).replace(slices[0].metadata.name!, 'NAME'),
      ['NAME IPv4 -:TCP:80', '  10.244.0.6 nginx-a node-1 TTF', '  10.244.0.7 nginx-b node-1 TTF', '  10.244.0.8 nginx-c node-1 FFF'].join('\n'),
    );
    assert.equal(slices[0].metadata.ownerReferences![0].uid, 'uid-svc-nginx');
    assert.equal(slices[0].metadata.annotations!['endpoints.kubernetes.io/last-change-trigger-time'], '2024-05-01T10:00:00Z');
    assert.equal(describeFromSlices(slices, ''), '10.244.0.6:80,10.244.0.7:80');
    assert.deepEqual(bench.events.events, []);
    // Our own writes coming back through the watch cause no further writes.
    const writes = bench.fake.actions.length;
    await bench.clock.advance(2000);
    await bench.idle();
    assert.equal(bench.fake.actions.length, writes);
    await bench.stop();
  });

  it('follows pods: readiness, new pods, deletions; 250 pods make 3 slices', async () => {
    const bench = await startBench([new EndpointSliceController({ log: (line) => logs.push(line) })], world([services, makeService('default', 'web')], [pods, makePod('default', 'web-a', { ip: '10.244.0.6', ready: false })]));
    const slices = async () => renderSlices(await bench.list<EndpointSlice>(endpointslices)).replace(/web-\w{5} /g, 'NAME ');
    assert.equal(await slices(), 'NAME IPv4 http:TCP:80\n  10.244.0.6 web-a node-1 FFF');
    bench.fake.set(pods, { ...makePod('default', 'web-a', { ip: '10.244.0.6' }), metadata: { ...makePod('default', 'web-a').metadata, resourceVersion: undefined } });
    await bench.idle();
    assert.equal(await slices(), 'NAME IPv4 http:TCP:80\n  10.244.0.6 web-a node-1 TTF');
    bench.fake.remove(pods, { namespace: 'default', name: 'web-a' });
    await bench.idle();
    assert.equal(await slices(), 'NAME IPv4 <none>');
    for (const pod of manyPods('default', 250)) bench.fake.set(pods, pod);
    await bench.idle();
    const all = await bench.list<EndpointSlice>(endpointslices);
    assert.deepEqual(all.map((s) => s.endpoints?.length ?? 0).sort(), [100, 100, 50].sort());
    await bench.stop();
  });

  it('two pod templates with different numbers for a named targetPort: two slices', async () => {
    const svc = makeService('default', 'web', (s) => (s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'web' }]));
    const bench = await startBench(
      [new EndpointSliceController({ log: (line) => logs.push(line) })],
      world(
        [services, svc],
        [pods, makePod('default', 'v1-a', { ip: '10.244.0.6', ports: [{ name: 'web', containerPort: 8080 }] })],
        [pods, makePod('default', 'v2-a', { ip: '10.244.0.7', ports: [{ name: 'web', containerPort: 9090 }] })],
      ),
    );
    const slices = await bench.list<EndpointSlice>(endpointslices);
    assert.deepEqual(slices.map((s) => [s.ports![0].port, s.endpoints!.map((e) => e.addresses[0])]).sort(), [
      [8080, ['10.244.0.6']],
      [9090, ['10.244.0.7']],
    ]);
    await bench.stop();
  });

  it('publishNotReadyAddresses and terminating pods', async () => {
    const svc = makeService('default', 'web', (s) => (s.spec.publishNotReadyAddresses = true));
    const bench = await startBench(
      [new EndpointSliceController({ log: (line) => logs.push(line) })],
      world([services, svc], [pods, makePod('default', 'web-a', { ip: '10.244.0.6', ready: false })], [pods, makePod('default', 'web-b', { ip: '10.244.0.7', terminating: true })]),
    );
    const [slice] = await bench.list<EndpointSlice>(endpointslices);
    assert.deepEqual(slice.endpoints!.map((e) => [e.targetRef!.name, e.conditions]), [
      ['web-a', { ready: true, serving: false, terminating: false }],
      ['web-b', { ready: true, serving: true, terminating: true }],
    ]);
    await bench.stop();
  });

  it('leaves Services without a selector alone, and slices it does not manage', async () => {
    const manual: EndpointSlice = { metadata: { namespace: 'default', name: 'ext-1', labels: { 'kubernetes.io/service-name': 'ext' } }, addressType: 'IPv4', endpoints: [{ addresses: ['192.0.2.1'] }] };
    const bench = await startBench(
      [new EndpointSliceController({ log: (line) => logs.push(line) })],
      world([services, makeService('default', 'ext', (s) => (s.spec.selector = null))], [endpointslices, manual], [pods, makePod('default', 'web-a')]),
    );
    const slices = await bench.list<EndpointSlice>(endpointslices);
    assert.deepEqual(slices.map((s) => s.metadata.name), ['ext-1']);
    assert.deepEqual(bench.fake.actions.filter((a) => a.verb !== 'list' && a.verb !== 'watch'), []);
    await bench.stop();
  });

  it('puts back a slice someone else edited or deleted', async () => {
    const bench = await startBench([new EndpointSliceController({ log: (line) => logs.push(line) })], world([services, makeService('default', 'web')], [pods, makePod('default', 'web-a', { ip: '10.244.0.6' })]));
    const [slice] = await bench.list<EndpointSlice>(endpointslices);
    bench.fake.set(endpointslices, { ...slice, endpoints: [] });
    await bench.idle();
    await bench.clock.advance(1000);
    await bench.idle();
    const [fixed] = await bench.list<EndpointSlice>(endpointslices);
    assert.deepEqual(fixed.endpoints!.map((e) => e.addresses[0]), ['10.244.0.6']);
    bench.fake.remove(endpointslices, { namespace: 'default', name: slice.metadata.name! });
    await bench.idle();
    await bench.clock.advance(1000);
    await bench.idle();
    const again = await bench.list<EndpointSlice>(endpointslices);
    assert.equal(again.length, 1);
    assert.deepEqual(again[0].endpoints!.map((e) => e.addresses[0]), ['10.244.0.6']);
    await bench.stop();
  });

  it('a failed write is reported as an event and retried after a second', async () => {
    const bench = await startBench([new EndpointSliceController({ log: (line) => logs.push(line) })], world([services, makeService('default', 'web')], [pods, makePod('default', 'web-a', { ip: '10.244.0.6' })]));
    const [slice] = await bench.list<EndpointSlice>(endpointslices);
    let failures = 1;
    bench.fake.inject((a) => (a.verb === 'update' && a.resource === 'endpointslices.discovery.k8s.io' && failures-- > 0 ? newConflict({ group: 'discovery.k8s.io', resource: 'endpointslices' }, a.name, 'boom') : undefined));
    bench.fake.set(pods, makePod('default', 'web-a', { ip: '10.244.0.6', ready: false }, (p) => (p.metadata.resourceVersion = undefined)));
    await bench.idle();
    assert.equal(bench.events.events.length, 1);
    assert.equal(bench.events.events[0].reason, 'FailedToUpdateEndpointSlices');
    assert.match(bench.events.events[0].message, new RegExp(`^Error updating Endpoint Slices for Service default/web: failed to update ${slice.metadata.name} EndpointSlice for Service default/web: `));
    await bench.clock.advance(1000);
    await bench.idle();
    const [after] = await bench.list<EndpointSlice>(endpointslices);
    assert.equal(after.endpoints![0].conditions!.ready, false);
    await bench.stop();
  });

  it('a pod on a Node that does not exist is left out and reported', async () => {
    const bench = await startBench(
      [new EndpointSliceController({ log: (line) => logs.push(line) })],
      world([services, makeService('default', 'web')], [pods, makePod('default', 'web-a', { ip: '10.244.0.6' })], [pods, makePod('default', 'web-b', { ip: '10.244.0.7', node: 'ghost' })]),
    );
    const [slice] = await bench.list<EndpointSlice>(endpointslices);
    assert.deepEqual(slice.endpoints!.map((e) => e.targetRef!.name), ['web-a']);
    assert.deepEqual(bench.events.events.map((e) => e.message), ['Error updating Endpoint Slices for Service default/web: skipping Pod web-b for Service default/web: Node ghost Not Found']);
    // The Node shows up; the retry takes the pod in.
    bench.fake.set(nodes, makeNode('ghost'));
    await bench.clock.advance(1000);
    await bench.idle();
    const [later] = await bench.list<EndpointSlice>(endpointslices);
    assert.deepEqual(later.endpoints!.map((e) => e.targetRef!.name), ['web-a', 'web-b']);
    await bench.stop();
  });
});
