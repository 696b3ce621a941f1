import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepCopy } from '../../api/types.js';
import { desiredSlices, type DesiredSlicesOptions, type SliceChanges } from './desired.js';
import { CREATED, deepFreeze, makeNode, makePod, makeService, manyPods, renderSlices } from './fixtures.js';
import type { EndpointSlice, NodeView, PodView, ServiceView } from './types.js';

const NODES: Record<string, NodeView> = { 'node-1': makeNode('node-1'), 'node-2': makeNode('node-2', 'zone-b') };
const OPTIONS: DesiredSlicesOptions = { maxEndpointsPerSlice: 100, nodes: (n) => NODES[n], triggerTime: CREATED };

let counter = 0;
/** What the API server would hold after the changes: names given, uids and versions set. */
function apply(existing: EndpointSlice[], changes: SliceChanges): EndpointSlice[] {
  const gone = new Set(changes.delete.map((s) => s.metadata.name));
  const updated = new Map(changes.update.map((s) => [s.metadata.name, s]));
  const out = existing.filter((s) => !gone.has(s.metadata.name)).map((s) => deepCopy(updated.get(s.metadata.name) ?? s));
  for (const s of changes.create) {
    const c = deepCopy(s);
    c.metadata.name = `${c.metadata.generateName}${String(++counter).padStart(5, 'a')}`;
    c.metadata.uid = `uid-slice-${counter}`;
    out.push(c);
  }
  for (const s of out) s.metadata.resourceVersion = String(++counter);
  return out;
}

function converge(service: ServiceView, pods: PodView[], existing: EndpointSlice[] = [], options: DesiredSlicesOptions = OPTIONS): EndpointSlice[] {
  // Frozen: the reconciler must leave the informer cache's objects alone.
  return apply(existing, desiredSlices(service, deepFreeze(pods), deepFreeze(existing), options));
}

function noChanges(changes: SliceChanges): void {
  assert.deepEqual({ create: changes.create.length, update: changes.update.length, delete: changes.delete.length }, { create: 0, update: 0, delete: 0 });
}

describe('desiredSlices', () => {
  it('3 pods, 1 not ready: one slice, the whole object', () => {
    const svc = makeService('default', 'web', (s) => {
      s.metadata.labels = { app: 'web', tier: 'front' };
      s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80, appProtocol: 'http' }];
    });
    const pods = [
      makePod('default', 'web-a', { ip: '10.244.0.6' }),
      makePod('default', 'web-b', { ip: '10.244.0.7' }),
      makePod('default', 'web-c', { ip: '10.244.0.8', ready: false }),
    ];
    const changes = desiredSlices(svc, pods, [], OPTIONS);
    assert.deepEqual(changes.update, []);
    assert.deepEqual(changes.delete, []);
    assert.deepEqual(changes.errors, []);
    const endpoint = (ip: string, pod: string, ready: boolean) => ({
      addresses: [ip],
      conditions: { ready, serving: ready, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'default', name: pod, uid: `uid-pod-${pod}` },
      nodeName: 'node-1',
    });
    assert.deepEqual(changes.create, [
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          labels: { app: 'web', tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
          generateName: 'web-',
          namespace: 'default',
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc-web', controller: true, blockOwnerDeletion: true }],
          annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2024-05-01T10:00:00Z' },
        },
        addressType: 'IPv4',
        endpoints: [endpoint('10.244.0.6', 'web-a', true), endpoint('10.244.0.7', 'web-b', true), endpoint('10.244.0.8', 'web-c', false)],
        ports: [{ name: 'http', protocol: 'TCP', port: 80, appProtocol: 'http' }],
      },
    ]);
  });

  it('a named targetPort resolving to different numbers gives one slice per mapping', () => {
    const svc = makeService('default', 'web', (s) => {
      s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http-alt' }];
    });
    const v1 = (name: string, ip: string) => makePod('default', name, { ip, ports: [{ name: 'http-alt', containerPort: 8080, protocol: 'TCP' }] });
    const v2 = (name: string, ip: string) => makePod('default', name, { ip, ports: [{ name: 'http-alt', containerPort: 9090, protocol: 'TCP' }] });
    const noPort = makePod('default', 'web-np', { ip: '10.244.0.20', ports: [{ name: 'other', containerPort: 7070 }] });
    const changes = desiredSlices(svc, [v1('web-a', '10.244.0.6'), v2('web-b', '10.244.0.7'), v1('web-c', '10.244.0.8'), noPort], [], OPTIONS);
    assert.equal(
      renderSlices(changes.create),
      [
        'web- IPv4 http:TCP:8080',
        '  10.244.0.6 web-a node-1 TTF',
        '  10.244.0.8 web-c node-1 TTF',
        'web- IPv4 http:TCP:9090',
        '  10.244.0.7 web-b node-1 TTF',
        // A pod on which no port resolves still has an endpoint, in a slice without ports.
        'web- IPv4 <none>',
        '  10.244.0.20 web-np node-1 TTF',
      ].join('\n'),
    );
  });

  it('publishNotReadyAddresses makes not-ready pods ready (but not serving)', () => {
    const svc = makeService('default', 'web', (s) => {
      s.spec.publishNotReadyAddresses = true;
    });
    const changes = desiredSlices(svc, [makePod('default', 'web-a', { ip: '10.244.0.6' }), makePod('default', 'web-b', { ip: '10.244.0.7', ready: false })], [], OPTIONS);
    assert.equal(renderSlices(changes.create), ['web- IPv4 http:TCP:80', '  10.244.0.6 web-a node-1 TTF', '  10.244.0.7 web-b node-1 TFF'].join('\n'));
  });

  it('a terminating pod stays, serving but not ready (ready again with publishNotReadyAddresses)', () => {
    const pods = [makePod('default', 'web-a', { ip: '10.244.0.6', terminating: true }), makePod('default', 'web-b', { ip: '10.244.0.7', ready: false, terminating: true })];
    assert.equal(
      renderSlices(desiredSlices(makeService('default', 'web'), pods, [], OPTIONS).create),
      ['web- IPv4 http:TCP:80', '  10.244.0.6 web-a node-1 FTT', '  10.244.0.7 web-b node-1 FFT'].join('\n'),
    );
    const publish = makeService('default', 'web', (s) => {
      s.spec.publishNotReadyAddresses = true;
    });
    assert.equal(
      renderSlices(desiredSlices(publish, pods, [], OPTIONS).create),
      ['web- IPv4 http:TCP:80', '  10.244.0.6 web-a node-1 TTT', '  10.244.0.7 web-b node-1 TFT'].join('\n'),
    );
  });

  it('250 pods fill three slices of at most 100', () => {
    const changes = desiredSlices(makeService('default', 'web'), manyPods('default', 250), [], OPTIONS);
    assert.deepEqual(changes.create.map((s) => s.endpoints!.length), [100, 100, 50]);
    const all = changes.create.flatMap((s) => s.endpoints!.map((e) => e.targetRef!.name));
    assert.equal(new Set(all).size, 250);
    assert.deepEqual(desiredSlices(makeService('default', 'web'), manyPods('default', 250), [], { ...OPTIONS, maxEndpointsPerSlice: 1000 }).create.map((s) => s.endpoints!.length), [250]);
  });

  it('Services without a selector, or of type ExternalName, get nothing', () => {
    const pods = [makePod('default', 'web-a')];
    noChanges(desiredSlices(makeService('default', 'web', (s) => (s.spec.selector = null)), pods, [], OPTIONS));
    noChanges(desiredSlices(makeService('default', 'web', (s) => (s.spec.selector = {})), pods, [], OPTIONS));
    noChanges(
      desiredSlices(
        makeService('default', 'web', (s) => {
          s.spec.type = 'ExternalName';
        }),
        pods,
        [],
        OPTIONS,
      ),
    );
  });

  it('no endpoints: one placeholder slice, kept as it is', () => {
    const svc = makeService('default', 'web');
    const pods = [makePod('default', 'web-a', { ip: null }), makePod('default', 'web-b', { phase: 'Succeeded' })];
    const changes = desiredSlices(svc, pods, [], OPTIONS);
    assert.equal(renderSlices(changes.create), 'web- IPv4 <none>');
    const stored = apply([], changes);
    noChanges(desiredSlices(svc, pods, stored, OPTIONS));
    // Pods arrive: the placeholder is reused rather than deleted.
    const next = desiredSlices(svc, [makePod('default', 'web-c', { ip: '10.244.0.9' })], stored, OPTIONS);
    assert.deepEqual([next.create.length, next.delete.length], [0, 0]);
    assert.equal(renderSlices(next.update), `${stored[0].metadata.name} IPv4 http:TCP:80\n  10.244.0.9 web-c node-1 TTF`);
  });

  it('hostname, zone, and pods whose Node is missing', () => {
    const svc = makeService('default', 'web');
    const pods = [
      makePod('default', 'web-a', { ip: '10.244.0.6', node: 'node-2' }, (p) => Object.assign(p.spec!, { hostname: 'a', subdomain: 'web' })),
      makePod('default', 'web-b', { ip: '10.244.0.7' }, (p) => Object.assign(p.spec!, { hostname: 'b', subdomain: 'other' })),
      makePod('default', 'web-c', { ip: '10.244.0.8', node: 'gone' }),
    ];
    const changes = desiredSlices(svc, pods, [], OPTIONS);
    assert.equal(renderSlices(changes.create), ['web- IPv4 http:TCP:80', '  10.244.0.6 web-a node-2 TTF host=a zone=zone-b', '  10.244.0.7 web-b node-1 TTF'].join('\n'));
    assert.deepEqual(changes.errors, ['skipping Pod web-c for Service default/web: Node gone Not Found']);
    const publish = makeService('default', 'web', (s) => (s.spec.publishNotReadyAddresses = true));
    const published = desiredSlices(publish, pods, [], OPTIONS);
    assert.deepEqual(published.errors, []);
    assert.equal(published.create[0].endpoints!.length, 3);
  });

  it('labels: the Service labels without reserved ones, plus headless for clusterIP None', () => {
    const svc = makeService('default', 'db', (s) => {
      s.metadata.labels = { app: 'db', 'kubernetes.io/service-name': 'spoof', 'service.kubernetes.io/headless': 'x' };
      s.spec.clusterIP = 'None';
      s.spec.clusterIPs = ['None'];
      s.spec.selector = { app: 'web' };
    });
    const [slice] = desiredSlices(svc, [makePod('default', 'web-a')], [], OPTIONS).create;
    assert.deepEqual(slice.metadata.labels, {
      app: 'db',
      'service.kubernetes.io/headless': '',
      'kubernetes.io/service-name': 'db',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
  });

  it('is idempotent, and a label change only rewrites labels', () => {
    const svc = makeService('default', 'web');
    const pods = manyPods('default', 150);
    const stored = converge(svc, pods);
    noChanges(desiredSlices(svc, pods, stored, OPTIONS));
    const relabelled = makeService('default', 'web', (s) => (s.metadata.labels = { app: 'web', version: 'v2' }));
    const changes = desiredSlices(relabelled, pods, stored, OPTIONS);
    assert.equal(changes.update.length, 2);
    assert.deepEqual(changes.update.map((s) => s.metadata.labels?.version), ['v2', 'v2']);
    assert.deepEqual(changes.update.map((s) => s.endpoints), stored.map((s) => s.endpoints));
  });

  it('minimises churn: leftovers go to the slice closest to full, changed slices are filled first', () => {
    const svc = makeService('default', 'web');
    const pods = manyPods('default', 150);
    const stored = converge(svc, pods);
    assert.deepEqual(stored.map((s) => s.endpoints!.length), [100, 50]);
    // One more pod: into the half-full slice, nothing created.
    const more = [...pods, makePod('default', 'web-new', { ip: '10.244.9.9' })];
    const add = desiredSlices(svc, more, stored, OPTIONS);
    assert.deepEqual([add.create.length, add.update.map((s) => s.metadata.name), add.delete.length], [0, [stored[1].metadata.name], 0]);
    assert.equal(add.update[0].endpoints!.length, 51);
    // One pod of the full slice replaced: that slice is rewritten anyway, so it takes the new one.
    const gone = stored[0].endpoints![0].targetRef!.name;
    const swapped = [...pods.filter((p) => p.metadata.name !== gone), makePod('default', 'web-new', { ip: '10.244.9.9' })];
    const swap = desiredSlices(svc, swapped, stored, OPTIONS);
    assert.deepEqual(swap.update.map((s) => [s.metadata.name, s.endpoints!.length]), [[stored[0].metadata.name, 100]]);
    assert.deepEqual([swap.create.length, swap.delete.length], [0, 0]);
    // A changed endpoint (readiness) is updated in place, keeping its position.
    const flipped = pods.map((p) => (p.metadata.name === 'web-001' ? makePod('default', 'web-001', { ip: '10.244.0.3', ready: false }) : p));
    const flip = desiredSlices(svc, flipped, stored, OPTIONS);
    assert.equal(flip.update.length, 1);
    const at = stored[0].endpoints!.findIndex((e) => e.targetRef!.name === 'web-001');
    assert.ok(at >= 0);
    assert.equal(flip.update[0].endpoints![at].targetRef!.name, 'web-001');
    assert.equal(flip.update[0].endpoints![at].conditions!.ready, false);
    assert.equal(flip.update[0].metadata.resourceVersion, stored[0].metadata.resourceVersion);
  });

  it('reuses a slice that would be deleted for one that would be created', () => {
    const svc = makeService('default', 'web');
    const stored = converge(svc, [makePod('default', 'web-a', { ip: '10.244.0.6' })]);
    // The target port moves: the old mapping is empty, a new one is needed.
    const moved = makeService('default', 'web', (s) => (s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }]));
    const changes = desiredSlices(moved, [makePod('default', 'web-a', { ip: '10.244.0.6' })], stored, OPTIONS);
    assert.deepEqual([changes.create.length, changes.delete.length], [0, 0]);
    assert.equal(renderSlices(changes.update), `${stored[0].metadata.name} IPv4 http:TCP:8080\n  10.244.0.6 web-a node-1 TTF`);
  });

  it('deletes slices owned by another Service of the same name, and ignores other managers', () => {
    const svc = makeService('default', 'web');
    const stored = converge(svc, [makePod('default', 'web-a')]);
    const recreated = makeService('default', 'web', (s) => (s.metadata.uid = 'uid-svc-web-2'));
    const foreign: EndpointSlice = { ...deepCopy(stored[0]), metadata: { ...deepCopy(stored[0].metadata), name: 'web-manual', labels: { 'kubernetes.io/service-name': 'web' } } };
    const changes = desiredSlices(recreated, [makePod('default', 'web-a')], [...stored, foreign], OPTIONS);
    // The old Service's slice is not reused: updates only go to slices this Service owns.
    assert.deepEqual([changes.create.length, changes.delete.length], [1, 1]);
    assert.equal(changes.delete[0].metadata.name, stored[0].metadata.name);
    assert.equal(changes.create[0].metadata.ownerReferences![0].uid, 'uid-svc-web-2');
  });

  it('trigger time: set on what is written, removed when the sync has none (no empty annotations left, as Go encodes them)', () => {
    const svc = makeService('default', 'web');
    const stored = converge(svc, [makePod('default', 'web-a', { ip: '10.244.0.6' })]);
    assert.equal(stored[0].metadata.annotations!['endpoints.kubernetes.io/last-change-trigger-time'], CREATED);
    const changes = desiredSlices(svc, [makePod('default', 'web-a', { ip: '10.244.0.6', ready: false })], stored, { ...OPTIONS, triggerTime: undefined });
    assert.equal('annotations' in changes.update[0].metadata, false);
    // Other annotations stay.
    const annotated = stored.map((s) => ({ ...s, metadata: { ...s.metadata, annotations: { ...s.metadata.annotations, note: 'x' } } }));
    const kept = desiredSlices(svc, [makePod('default', 'web-a', { ip: '10.244.0.6', ready: false })], annotated, { ...OPTIONS, triggerTime: undefined });
    assert.deepEqual(kept.update[0].metadata.annotations, { note: 'x' });
  });

  it('trafficDistribution PreferClose hints every ready endpoint with its zone', () => {
    const svc = makeService('default', 'web', (s) => (s.spec.trafficDistribution = 'PreferClose'));
    const pods = [makePod('default', 'web-a', { ip: '10.244.0.6', node: 'node-2' }), makePod('default', 'web-b', { ip: '10.244.0.7', node: 'node-2', ready: false })];
    const stored = converge(svc, pods);
    assert.equal(renderSlices(stored), [`${stored[0].metadata.name} IPv4 http:TCP:80`, '  10.244.0.6 web-a node-2 TTF zone=zone-b hints={"forZones":[{"name":"zone-b"}]}', '  10.244.0.7 web-b node-2 FFF zone=zone-b'].join('\n'));
    noChanges(desiredSlices(svc, pods, stored, OPTIONS));
    // Without trafficDistribution the hints go, even though nothing else changed.
    const plain = desiredSlices(makeService('default', 'web'), pods, stored, OPTIONS);
    assert.equal(plain.update.length, 1);
    assert.equal(plain.update[0].endpoints![0].hints, undefined);
  });

  it('a Service being deleted gets no new slices', () => {
    const svc = makeService('default', 'web', (s) => (s.metadata.deletionTimestamp = '2024-05-01T11:00:00Z'));
    noChanges(desiredSlices(svc, [makePod('default', 'web-a')], [], OPTIONS));
  });

  it('dual-stack Services get one slice per family; slices of a dropped family go', () => {
    const svc = makeService('default', 'web', (s) => (s.spec.ipFamilies = ['IPv4', 'IPv6']));
    const pod = makePod('default', 'web-a', { ip: '10.244.0.6' }, (p) => (p.status!.podIPs = [{ ip: '10.244.0.6' }, { ip: 'fd00:0::0006' }]));
    const stored = converge(svc, [pod]);
    assert.deepEqual(
      stored.map((s) => [s.addressType, s.endpoints![0].addresses[0]]),
      [
        ['IPv4', '10.244.0.6'],
        ['IPv6', 'fd00::6'],
      ],
    );
    const single = desiredSlices(makeService('default', 'web'), [pod], stored, OPTIONS);
    assert.deepEqual(single.delete.map((s) => s.addressType), ['IPv6']);
  });
});
