import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceSpecView, ServiceView } from './service-view.js';
import { defaultOnRead, dropTypeDependentFields, normalizeClusterIPs, patchAllocatedValues } from './transitions.js';

function svc(spec: ServiceSpecView): ServiceView {
  return { metadata: { name: 'svc1' }, spec };
}

const STORED_NP: ServiceSpecView = {
  type: 'NodePort',
  clusterIP: '10.96.0.5',
  clusterIPs: ['10.96.0.5'],
  ipFamilies: ['IPv4'],
  ipFamilyPolicy: 'SingleStack',
  externalTrafficPolicy: 'Cluster',
  ports: [{ name: 'http', port: 80, nodePort: 30080 }],
};

describe('normalizeClusterIPs', () => {
  test('create: a lone clusterIP seeds clusterIPs', () => {
    const s = svc({ clusterIP: '10.96.0.5' });
    normalizeClusterIPs(s);
    assert.deepEqual(s.spec.clusterIPs, ['10.96.0.5']);
  });
  test('update: an old client that only sends clusterIP keeps clusterIPs', () => {
    const s = svc({ clusterIP: '10.96.0.5' });
    normalizeClusterIPs(s, svc({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'] }));
    assert.deepEqual(s.spec.clusterIPs, ['10.96.0.5']);
  });
  test('update: clearing clusterIP clears unchanged clusterIPs', () => {
    const s = svc({ clusterIP: '', clusterIPs: ['10.96.0.5'] });
    normalizeClusterIPs(s, svc({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'] }));
    assert.equal(s.spec.clusterIPs, undefined);
  });
  test('update: a changed clusterIP with unchanged clusterIPs takes them along (validation refuses it later)', () => {
    const s = svc({ clusterIP: '10.96.0.6', clusterIPs: ['10.96.0.5'] });
    normalizeClusterIPs(s, svc({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'] }));
    assert.deepEqual(s.spec.clusterIPs, ['10.96.0.6']);
  });
});

describe('patchAllocatedValues', () => {
  test('a resubmitted manifest keeps the allocated address and node port', () => {
    const s = svc({ type: 'NodePort', ports: [{ name: 'http', port: 80 }] });
    patchAllocatedValues(s, svc(structuredClone(STORED_NP)));
    assert.equal(s.spec.clusterIP, '10.96.0.5');
    assert.deepEqual(s.spec.clusterIPs, ['10.96.0.5']);
    assert.equal(s.spec.ports![0].nodePort, 30080);
  });
  test('a node port another port now uses is not copied', () => {
    const s = svc({ type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'other', port: 81, nodePort: 30080 }] });
    patchAllocatedValues(s, svc(structuredClone(STORED_NP)));
    assert.equal(s.spec.ports![0].nodePort, undefined);
  });
  test('no address is copied onto an ExternalName', () => {
    const s = svc({ type: 'ExternalName', externalName: 'a.b' });
    patchAllocatedValues(s, svc(structuredClone(STORED_NP)));
    assert.equal(s.spec.clusterIP, undefined);
  });
});

describe('dropTypeDependentFields', () => {
  test('NodePort → ClusterIP wipes unchanged node ports and the traffic policy', () => {
    const next = svc({ ...structuredClone(STORED_NP), type: 'ClusterIP' });
    dropTypeDependentFields(next, svc(structuredClone(STORED_NP)));
    assert.equal(next.spec.ports![0].nodePort, undefined);
    assert.equal(next.spec.externalTrafficPolicy, undefined);
    assert.equal(next.spec.clusterIP, '10.96.0.5');
  });
  test('a new node port on the way to ClusterIP is kept (validation refuses it)', () => {
    const next = svc({ ...structuredClone(STORED_NP), type: 'ClusterIP', ports: [{ name: 'http', port: 80, nodePort: 30081 }] });
    dropTypeDependentFields(next, svc(structuredClone(STORED_NP)));
    assert.equal(next.spec.ports![0].nodePort, 30081);
  });
  test('→ ExternalName wipes clusterIP, clusterIPs, ipFamilies and ipFamilyPolicy', () => {
    const next = svc({ ...structuredClone(STORED_NP), type: 'ExternalName', externalName: 'a.b' });
    dropTypeDependentFields(next, svc(structuredClone(STORED_NP)));
    assert.deepEqual(
      [next.spec.clusterIP, next.spec.clusterIPs, next.spec.ipFamilies, next.spec.ipFamilyPolicy],
      [undefined, undefined, undefined, undefined],
    );
    assert.deepEqual(next.status, { loadBalancer: {} });
  });
  // The traffic policy goes with external accessibility (serviceapi.ExternallyAccessible), as it is defaulted and validated.
  test('ClusterIP losing its externalIPs wipes the unchanged traffic policy', () => {
    const stored: ServiceSpecView = { ...structuredClone(STORED_NP), type: 'ClusterIP', externalIPs: ['192.0.2.1'], ports: [{ name: 'http', port: 80 }] };
    const next = svc({ ...structuredClone(stored), externalIPs: undefined });
    dropTypeDependentFields(next, svc(stored));
    assert.equal(next.spec.externalTrafficPolicy, undefined);
  });
  test('NodePort → ClusterIP with externalIPs keeps the traffic policy (still externally accessible)', () => {
    const stored: ServiceSpecView = { ...structuredClone(STORED_NP), externalIPs: ['192.0.2.1'], externalTrafficPolicy: 'Local' };
    const next = svc({ ...structuredClone(stored), type: 'ClusterIP' });
    dropTypeDependentFields(next, svc(stored));
    assert.equal(next.spec.externalTrafficPolicy, 'Local');
    assert.equal(next.spec.ports![0].nodePort, undefined);
  });
  test('LoadBalancer(Local) → NodePort wipes the health check port, allocateLoadBalancerNodePorts and the class', () => {
    const lb: ServiceSpecView = { ...structuredClone(STORED_NP), type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, allocateLoadBalancerNodePorts: true, loadBalancerClass: 'x.io/lb' };
    const next = svc({ ...structuredClone(lb), type: 'NodePort' });
    dropTypeDependentFields(next, svc(lb));
    assert.deepEqual(
      [next.spec.healthCheckNodePort, next.spec.allocateLoadBalancerNodePorts, next.spec.loadBalancerClass, next.spec.externalTrafficPolicy],
      [undefined, undefined, undefined, 'Local'],
    );
  });
});

describe('defaultOnRead', () => {
  test('a Service stored before dual-stack reads with families and policy', () => {
    const s = svc({ type: 'ClusterIP', clusterIP: '10.96.0.5' });
    defaultOnRead(s, 'IPv4');
    assert.deepEqual([s.spec.clusterIPs, s.spec.ipFamilies, s.spec.ipFamilyPolicy], [['10.96.0.5'], ['IPv4'], 'SingleStack']);
  });
  test('ExternalName reads without internalTrafficPolicy', () => {
    const s = svc({ type: 'ExternalName', externalName: 'a.b', internalTrafficPolicy: 'Cluster' });
    defaultOnRead(s, 'IPv4');
    assert.equal(s.spec.internalTrafficPolicy, undefined);
  });
});
