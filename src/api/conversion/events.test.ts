/** @module Tests for the Event conversion between core/v1 and events.k8s.io/v1. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreToEventsV1, eventsV1ToCore } from './events.js';

const core = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'nginx.1', namespace: 'default' },
  involvedObject: { kind: 'Service', name: 'nginx', namespace: 'default' },
  reason: 'EnsuredLoadBalancer',
  message: 'Ensured load balancer',
  type: 'Normal',
  source: { component: 'service-controller' },
  firstTimestamp: '2026-01-01T00:00:00Z',
  lastTimestamp: '2026-01-01T00:00:05Z',
  count: 2,
  reportingComponent: 'service-controller',
  reportingInstance: '',
};

test('core/v1 reads as events.k8s.io/v1 with upstream field names', () => {
  const v1 = coreToEventsV1(core);
  assert.equal(v1.apiVersion, 'events.k8s.io/v1');
  assert.deepEqual(v1.regarding, core.involvedObject);
  assert.equal(v1.note, 'Ensured load balancer');
  assert.equal(v1.reportingController, 'service-controller');
  assert.equal(v1.deprecatedCount, 2);
  assert.equal(v1.deprecatedFirstTimestamp, '2026-01-01T00:00:00Z');
  assert.equal('involvedObject' in v1, false);
  assert.equal('message' in v1, false);
});

test('the round trip gives the stored object back', () => {
  assert.deepEqual(eventsV1ToCore(coreToEventsV1(core)), core);
});
