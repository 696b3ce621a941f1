import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CREATED, deepFreeze, makePod, makeService, manyPods } from '../endpointslice/fixtures.js';
import { desiredEndpoints, endpointSubsets } from './desired.js';
import type { Endpoints } from './types.js';

const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-pod-${name}` });

function created(action: ReturnType<typeof desiredEndpoints>): Endpoints {
  assert.equal(action.action, 'create');
  return (action as { endpoints: Endpoints }).endpoints;
}

/** As stored: with a resourceVersion; frozen, as the informer cache must be left alone. */
function stored(ep: Endpoints): Endpoints {
  return deepFreeze({ ...ep, metadata: { ...ep.metadata, resourceVersion: '10', uid: 'uid-ep' } });
}

describe('desiredEndpoints', () => {
  it('3 pods, 1 not ready: the whole object', () => {
    const svc = makeService('default', 'nginx', (s) => (s.spec.ports = [{ protocol: 'TCP', port: 80, targetPort: 80 }]));
    const pods = [
      makePod('default', 'nginx-a', { ip: '10.244.0.6', app: 'nginx' }),
      makePod('default', 'nginx-b', { ip: '10.244.0.7', app: 'nginx' }),
      makePod('default', 'nginx-c', { ip: '10.244.0.8', app: 'nginx', ready: false }),
    ];
    assert.deepEqual(created(desiredEndpoints(svc, pods, undefined, { triggerTime: CREATED })), {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'nginx',
        namespace: 'default',
        labels: { app: 'nginx', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' },
        annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2024-05-01T10:00:00Z' },
      },
      subsets: [
        {
          addresses: [
            { ip: '10.244.0.6', nodeName: 'node-1', targetRef: ref('nginx-a') },
            { ip: '10.244.0.7', nodeName: 'node-1', targetRef: ref('nginx-b') },
          ],
          notReadyAddresses: [{ ip: '10.244.0.8', nodeName: 'node-1', targetRef: ref('nginx-c') }],
          ports: [{ port: 80, protocol: 'TCP' }],
        },
      ],
    });
  });

  it('resolves a named targetPort per pod: one subset per port number', () => {
    const svc = makeService('default', 'web', (s) => (s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'web' }]));
    const pods = [
      makePod('default', 'a', { ip: '10.244.0.6', ports: [{ name: 'web', containerPort: 8080 }] }),
      makePod('default', 'b', { ip: '10.244.0.7', ports: [{ name: 'web', containerPort: 9090 }] }),
      makePod('default', 'c', { ip: '10.244.0.8', ports: [{ name: 'other', containerPort: 9090 }] }),
    ];
    assert.deepEqual(endpointSubsets(svc, pods), [
      { addresses: [{ ip: '10.244.0.6', nodeName: 'node-1', targetRef: ref('a') }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addresses: [{ ip: '10.244.0.7', nodeName: 'node-1', targetRef: ref('b') }], ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] },
    ]);
  });

  it('publishNotReadyAddresses lists every pod as ready, terminating ones too', () => {
    const svc = makeService('default', 'web', (s) => (s.spec.publishNotReadyAddresses = true));
    const pods = [makePod('default', 'a', { ip: '10.244.0.6', ready: false }), makePod('default', 'b', { ip: '10.244.0.7', terminating: true })];
    assert.deepEqual(endpointSubsets(svc, pods).map((s) => [s.addresses?.map((a) => a.ip), s.notReadyAddresses]), [[['10.244.0.6', '10.244.0.7'], undefined]]);
  });

  it('leaves terminating pods out otherwise, and pods without an IP', () => {
    const pods = [makePod('default', 'a', { ip: '10.244.0.6', terminating: true }), makePod('default', 'b', { ip: null }), makePod('default', 'c', { ip: '10.244.0.8' })];
    assert.deepEqual(endpointSubsets(makeService('default', 'web'), pods).map((s) => s.addresses?.map((a) => a.ip)), [['10.244.0.8']]);
  });

  it('hostname in the subdomain; headless without ports; headless label', () => {
    const svc = makeService('default', 'db', (s) => {
      s.spec.clusterIP = 'None';
      s.spec.ports = [];
      s.spec.selector = { app: 'web' };
    });
    const pod = makePod('default', 'a', { ip: '10.244.0.6' }, (p) => Object.assign(p.spec!, { hostname: 'a', subdomain: 'db' }));
    const ep = created(desiredEndpoints(svc, [pod], undefined));
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '10.244.0.6', hostname: 'a', nodeName: 'node-1', targetRef: ref('a') }] }]);
    assert.equal(ep.metadata.labels!['service.kubernetes.io/headless'], '');
    assert.equal(ep.metadata.annotations, undefined, 'no annotations: none written (Go leaves out an empty map)');
    // A Service with a cluster IP and no ports gets no addresses.
    assert.deepEqual(endpointSubsets(makeService('default', 'db', (s) => ((s.spec.ports = []), (s.spec.selector = { app: 'web' }))), [pod]), []);
  });

  it('no change, no write; label, subset or annotation drift, an update from the stored copy', () => {
    const svc = makeService('default', 'web');
    const pods = [makePod('default', 'a', { ip: '10.244.0.6' })];
    const current = stored(created(desiredEndpoints(svc, pods, undefined, { triggerTime: CREATED })));
    assert.deepEqual(desiredEndpoints(svc, pods, current), { action: 'none' });
    // Pod resourceVersions in targetRefs do not matter.
    const withRV = structuredClone(current);
    withRV.subsets![0].addresses![0].targetRef!.resourceVersion = '99';
    assert.deepEqual(desiredEndpoints(svc, pods, withRV), { action: 'none' });

    const relabelled = desiredEndpoints(makeService('default', 'web', (s) => (s.metadata.labels = { app: 'web', v: '2' })), pods, current);
    assert.equal(relabelled.action, 'update');
    const updated = (relabelled as { endpoints: Endpoints }).endpoints;
    assert.equal(updated.metadata.resourceVersion, '10');
    assert.deepEqual(updated.metadata.labels, { app: 'web', v: '2', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' });
    // No trigger time this sync: the annotation goes, and the empty map with it (as Go encodes it).
    assert.equal(updated.metadata.annotations, undefined);

    const unmarked = structuredClone(current);
    delete unmarked.metadata.labels!['endpoints.kubernetes.io/managed-by'];
    assert.equal(desiredEndpoints(svc, pods, unmarked).action, 'update');
    const flagged = structuredClone(current);
    flagged.metadata.annotations!['endpoints.kubernetes.io/over-capacity'] = 'truncated';
    const fixed = desiredEndpoints(svc, pods, flagged);
    assert.equal(fixed.action, 'update');
    assert.equal((fixed as { endpoints: Endpoints }).endpoints.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], undefined);
    assert.equal(desiredEndpoints(svc, [...pods, makePod('default', 'b', { ip: '10.244.0.7' })], current).action, 'update');
  });

  it('caps at 1000 addresses and says so', () => {
    const ep = created(desiredEndpoints(makeService('default', 'web'), manyPods('default', 1200), undefined));
    assert.equal(ep.subsets![0].addresses!.length, 1000);
    assert.equal(ep.metadata.annotations!['endpoints.kubernetes.io/over-capacity'], 'truncated');
    assert.equal(desiredEndpoints(makeService('default', 'web'), manyPods('default', 1200), stored(ep)).action, 'update');
  });
});
