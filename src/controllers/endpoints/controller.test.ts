import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import type { ResourceRef } from '../../client/index.js';
import { EndpointSliceController } from '../endpointslice/controller.js';
import { makeNode, makePod, makeService, manyPods } from '../endpointslice/fixtures.js';
import { describeFromEndpoints, describeFromSlices, RESOURCES, startBench } from '../endpointslice/harness.js';
import type { EndpointSlice } from '../endpointslice/types.js';
import { EndpointsController } from './controller.js';
import { kubernetesEndpoints } from './kubernetes.js';
import type { Endpoints } from './types.js';

const { services, pods, nodes, endpoints, endpointslices } = RESOURCES;
const logs: string[] = [];

function world(...objects: Array<[ResourceRef, KubeObject]>): Array<[ResourceRef, KubeObject]> {
  return [[nodes, makeNode('node-1')], ...objects];
}

function both() {
  return [new EndpointsController({ log: (l) => logs.push(l) }), new EndpointSliceController({ log: (l) => logs.push(l) })];
}

const nginx = makeService('default', 'nginx', (s) => (s.spec.ports = [{ protocol: 'TCP', port: 80, targetPort: 80 }]));

describe('EndpointsController (with the EndpointSlice controller)', () => {
  // Nothing here should need a retry (no stale caches, no create races).
  after(() => assert.deepEqual(logs, []));

  it('acceptance: 3 pods, 1 not ready; kubectl describe svc shows Endpoints: 10.244.0.6:80,10.244.0.7:80', async () => {
    const bench = await startBench(
      both(),
      world(
        [services, nginx],
        [pods, makePod('default', 'nginx-a', { ip: '10.244.0.6', app: 'nginx' })],
        [pods, makePod('default', 'nginx-b', { ip: '10.244.0.7', app: 'nginx' })],
        [pods, makePod('default', 'nginx-c', { ip: '10.244.0.8', app: 'nginx', ready: false })],
      ),
    );
    const [ep] = await bench.list<Endpoints>(endpoints);
    const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-pod-${name}` });
    assert.deepEqual(ep.subsets, [
      {
        addresses: [
          { ip: '10.244.0.6', nodeName: 'node-1', targetRef: ref('nginx-a') },
          { ip: '10.244.0.7', nodeName: 'node-1', targetRef: ref('nginx-b') },
        ],
        notReadyAddresses: [{ ip: '10.244.0.8', nodeName: 'node-1', targetRef: ref('nginx-c') }],
        ports: [{ port: 80, protocol: 'TCP' }],
      },
    ]);
    assert.deepEqual(ep.metadata.labels, { app: 'nginx', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' });
    assert.equal(ep.metadata.annotations!['endpoints.kubernetes.io/last-change-trigger-time'], '2024-05-01T10:00:00Z');
    const slices = await bench.list<EndpointSlice>(endpointslices);
    assert.equal(describeFromEndpoints(ep, ''), '10.244.0.6:80,10.244.0.7:80');
    assert.equal(describeFromSlices(slices, ''), '10.244.0.6:80,10.244.0.7:80');
    assert.deepEqual(bench.events.events, []);
    await bench.stop();
  });

  it('250 pods: one Endpoints with 250 addresses, three slices', async () => {
    const bench = await startBench(both(), world([services, makeService('default', 'web')], ...manyPods('default', 250).map((p): [ResourceRef, KubeObject] => [pods, p])));
    const [ep] = await bench.list<Endpoints>(endpoints);
    assert.equal(ep.subsets![0].addresses!.length, 250);
    const slices = await bench.list<EndpointSlice>(endpointslices);
    assert.deepEqual(slices.map((s) => s.endpoints!.length).sort(), [100, 100, 50].sort());
    assert.equal(describeFromSlices(slices, 'http').endsWith(' + 247 more...'), true);
    await bench.stop();
  });

  it('named targetPort, publishNotReadyAddresses, terminating pods', async () => {
    const named = makeService('default', 'named', (s) => (s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'web' }]));
    const publish = makeService('default', 'publish', (s) => ((s.spec.publishNotReadyAddresses = true), (s.spec.selector = { app: 'web' })));
    const bench = await startBench(
      both(),
      world(
        [services, named],
        [services, publish],
        [pods, makePod('default', 'a', { ip: '10.244.0.6', app: 'named', ports: [{ name: 'web', containerPort: 8080 }] })],
        [pods, makePod('default', 'b', { ip: '10.244.0.7', app: 'named', ports: [{ name: 'web', containerPort: 9090 }] })],
        [pods, makePod('default', 'c', { ip: '10.244.0.8', ready: false })],
        [pods, makePod('default', 'd', { ip: '10.244.0.9', terminating: true })],
      ),
    );
    const eps = await bench.list<Endpoints>(endpoints);
    const byName = Object.fromEntries(eps.map((e) => [e.metadata.name, e.subsets!.map((s) => [s.ports![0].port, (s.addresses ?? []).map((a) => a.ip), (s.notReadyAddresses ?? []).map((a) => a.ip)])]));
    assert.deepEqual(byName, {
      named: [
        [8080, ['10.244.0.6'], []],
        [9090, ['10.244.0.7'], []],
      ],
      publish: [[80, ['10.244.0.8', '10.244.0.9'], []]],
    });
    const slices = await bench.list<EndpointSlice>(endpointslices);
    assert.equal(slices.filter((s) => s.metadata.labels!['kubernetes.io/service-name'] === 'named').length, 2);
    await bench.stop();
  });

  it('a Service without selector: no Endpoints made, users\' Endpoints and default/kubernetes kept', async () => {
    const ext = makeService('default', 'ext', (s) => (s.spec.selector = null));
    const kube = makeService('default', 'kubernetes', (s) => (s.spec.selector = undefined));
    const users: Endpoints = { metadata: { namespace: 'default', name: 'ext' }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 80 }] }] };
    const bench = await startBench(both(), world([services, ext], [services, kube], [endpoints, users], [endpoints, kubernetesEndpoints('10.244.0.1', 6443)], [pods, makePod('default', 'web-a')]));
    const eps = await bench.list<Endpoints>(endpoints);
    assert.deepEqual(eps.map((e) => [e.metadata.name, e.subsets![0].addresses![0].ip]), [
      ['ext', '192.0.2.10'],
      ['kubernetes', '10.244.0.1'],
    ]);
    assert.deepEqual(await bench.list(endpointslices), []);
    assert.deepEqual(bench.fake.actions.filter((a) => a.verb !== 'list' && a.verb !== 'watch'), []);
    await bench.stop();
  });

  it('deletes Endpoints with their Service, and leftovers at start (not leader records)', async () => {
    const leftover: Endpoints = { metadata: { namespace: 'default', name: 'gone' }, subsets: [] };
    const leader: Endpoints = { metadata: { namespace: 'kube-system', name: 'old-lock', annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } } };
    const bench = await startBench(both(), world([services, nginx], [endpoints, leftover], [endpoints, leader], [pods, makePod('default', 'a', { app: 'nginx' })]));
    assert.deepEqual((await bench.list<Endpoints>(endpoints)).map((e) => e.metadata.name), ['nginx']);
    assert.deepEqual((await bench.list<Endpoints>(endpoints, 'kube-system')).map((e) => e.metadata.name), ['old-lock']);
    bench.fake.remove(services, { namespace: 'default', name: 'nginx' });
    await bench.idle();
    assert.deepEqual(await bench.list(endpoints), []);
    await bench.stop();
  });

  it('puts back Endpoints someone deleted, and follows readiness', async () => {
    const bench = await startBench(both(), world([services, nginx], [pods, makePod('default', 'a', { ip: '10.244.0.6', app: 'nginx' })]));
    bench.fake.remove(endpoints, { namespace: 'default', name: 'nginx' });
    await bench.idle();
    let [ep] = await bench.list<Endpoints>(endpoints);
    assert.equal(describeFromEndpoints(ep, ''), '10.244.0.6:80');
    bench.fake.set(pods, makePod('default', 'a', { ip: '10.244.0.6', app: 'nginx', ready: false }, (p) => (p.status!.conditions![0].lastTransitionTime = '2024-05-01T10:00:40Z')));
    await bench.idle();
    [ep] = await bench.list<Endpoints>(endpoints);
    assert.deepEqual(ep.subsets![0].notReadyAddresses!.map((a) => a.ip), ['10.244.0.6']);
    assert.equal(ep.subsets![0].addresses, undefined);
    assert.equal(ep.metadata.annotations!['endpoints.kubernetes.io/last-change-trigger-time'], '2024-05-01T10:00:40Z');
    assert.equal(describeFromEndpoints(ep, ''), '');
    await bench.stop();
  });
});
