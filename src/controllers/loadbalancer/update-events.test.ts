/** @module The service controller's update events (needsUpdate), case by case. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from './service.js';
import { updateEvents } from './update-events.js';

function makeService(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'ns1', name: 'svc1', uid: 'u1', ...meta }, spec } as Service;
}
const lb = (extra: Record<string, unknown> = {}) => makeService({ type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080, targetPort: 80 }], externalTrafficPolicy: 'Cluster', ...extra });
const events = (old: Service, cur: Service) => updateEvents(old, cur).map((e) => `${e.reason}: ${e.message}`);

test('type changes into and out of LoadBalancer; none between other types', () => {
  assert.deepEqual(events(makeService({ type: 'NodePort' }), lb()), ['Type: NodePort -> LoadBalancer']);
  assert.deepEqual(events(lb(), makeService({ type: 'ClusterIP' })), ['Type: LoadBalancer -> ClusterIP']);
  assert.deepEqual(events(makeService({ type: 'ClusterIP' }), makeService({ type: 'NodePort' })), []);
  // Another implementation's class is not this controller's.
  assert.deepEqual(events(makeService({ type: 'NodePort' }), lb({ loadBalancerClass: 'example.com/other' })), []);
});

test('each watched field of a LoadBalancer, in upstream\'s order and wording', () => {
  assert.deepEqual(events(lb(), lb()), []);
  assert.deepEqual(events(lb(), lb({ loadBalancerSourceRanges: ['10.0.0.0/8', '192.168.0.0/16'] })), ['LoadBalancerSourceRanges: [] -> [10.0.0.0/8 192.168.0.0/16]']);
  assert.deepEqual(events(lb(), lb({ loadBalancerIP: '127.0.100.7' })), ['LoadbalancerIP:  -> 127.0.100.7']);
  assert.deepEqual(events(lb(), lb({ externalIPs: ['192.0.2.1'] })), ['ExternalIP: Count: 0 -> 1']);
  assert.deepEqual(events(lb({ externalIPs: ['192.0.2.1'] }), lb({ externalIPs: ['192.0.2.2'] })), ['ExternalIP: Added: 192.0.2.2']);
  assert.deepEqual(events(lb(), { ...lb(), metadata: { ...lb().metadata, uid: 'u2' } }), ['UID: u1 -> u2']);
  assert.deepEqual(events(lb(), lb({ externalTrafficPolicy: 'Local', healthCheckNodePort: 31000 })), ['ExternalTrafficPolicy: Cluster -> Local']);
  assert.deepEqual(events(lb({ healthCheckNodePort: 31000 }), lb({ healthCheckNodePort: 31001 })), ['HealthCheckNodePort: 31000 -> 31001']);
});

test('a change that records nothing (ports, affinity, annotations) hides the fields after it', () => {
  const moved = lb({ ports: [{ port: 81, protocol: 'TCP', nodePort: 30080, targetPort: 80 }], externalTrafficPolicy: 'Local' });
  assert.deepEqual(events(lb(), moved), []);
  assert.deepEqual(events(lb(), lb({ sessionAffinity: 'ClientIP', loadBalancerIP: '127.0.100.7' })), []);
  assert.deepEqual(events(lb(), { ...lb({ externalTrafficPolicy: 'Local' }), metadata: { ...lb().metadata, annotations: { a: 'b' } } }), []);
});
