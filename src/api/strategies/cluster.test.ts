/** @module The strategies of Nodes, Namespaces, ServiceAccounts, Leases and Events: what they prepare and which validation they run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../validation/index.js';
import type { KubeObject } from '../types.js';
import { coreEventStrategy, eventsV1EventStrategy } from './events.js';
import { leaseStrategy } from './lease.js';
import { namespaceStrategy } from './namespace.js';
import { nodeStrategy } from './node.js';
import { serviceAccountStrategy } from './serviceaccount.js';

const ctx = { now: '', operation: 'create' as const, dryRun: false };
const texts = (errs: ReturnType<NonNullable<typeof nodeStrategy.validate>>): string[] => errs.map(fieldErrorString);

test('Node: podCIDR and podCIDRs agree; configSource dropped; a status write skips ValidateNode', () => {
  const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.244.0.0/24', configSource: { configMap: {} } }, status: { config: {} } };
  nodeStrategy.prepareForCreate!(node, ctx);
  assert.deepEqual(node.spec, { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] });
  assert.deepEqual(node.status, {});
  const next: KubeObject = { ...node, spec: { podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'k', effect: 'Nope' }] } };
  nodeStrategy.prepareForUpdate!(next, node, ctx);
  assert.equal((next.spec as { podCIDR: string }).podCIDR, '10.244.1.0/24');
  assert.deepEqual(texts(nodeStrategy.validateUpdate!(next, node)), [
    'metadata.taints[0].effect: Unsupported value: "Nope": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    'metadata.taints[0].effect: Unsupported value: "Nope": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ]);
  assert.equal(nodeStrategy.validateUpdate!(next, node, 'status').length, 2);
});

test('Namespace: the finalizers checked per write kind; the status phase on status writes', () => {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, spec: { finalizers: ['custom'] }, status: { phase: 'Active' } };
  assert.deepEqual(texts(namespaceStrategy.validate!(ns)), ['spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']);
  assert.deepEqual(texts(namespaceStrategy.validateUpdate!(ns, ns, 'finalize')), ['spec.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']);
  assert.deepEqual(texts(namespaceStrategy.validateUpdate!({ ...ns, status: { phase: 'Terminating' } }, ns, 'status')), [
    'status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty',
  ]);
});

test('ServiceAccount: secret references keep their names; the deprecated annotation warns', () => {
  const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 's1', namespace: 'x', uid: 'u' }, { kind: 'Secret' }] };
  serviceAccountStrategy.prepareForCreate!(sa, ctx);
  assert.deepEqual(sa.secrets, [{ name: 's1' }, {}]);
  assert.deepEqual(serviceAccountStrategy.warningsOnCreate!(sa), [
    'metadata.annotations[kubernetes.io/enforce-mountable-secrets]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets',
  ]);
  assert.deepEqual(serviceAccountStrategy.warningsOnCreate!({ ...sa, metadata: { name: 'sa' } }), []);
});

test('Lease: the spec on create and update', () => {
  const lease: KubeObject = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1' }, spec: { leaseDurationSeconds: -40 } };
  assert.deepEqual(texts(leaseStrategy.validate!(lease)), ['spec.leaseDurationSeconds: Invalid value: -40: must be greater than 0']);
  assert.equal(leaseStrategy.validateUpdate!(lease, lease).length, 1);
});

test('Events: core/v1 writes legacy rules, events.k8s.io/v1 writes strict ones at the internal field names', () => {
  const v1: KubeObject = {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' },
    eventTime: '2024-01-01T00:00:00.000000Z', reportingController: 'kubito.io/x', reportingInstance: 'x-1', action: 'Act', reason: 'Why', type: 'Normal',
    regarding: { kind: 'Pod', namespace: 'default', name: 'p' }, note: 'n', deprecatedCount: 2,
  };
  assert.deepEqual(texts(eventsV1EventStrategy.validate!(v1)), ['count: Invalid value: "": needs to be unset']);
  assert.deepEqual(texts(eventsV1EventStrategy.validateUpdate!({ ...v1, note: 'changed' }, v1)), [
    'message: Invalid value: "changed": field is immutable',
  ]);
  const core: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' }, eventTime: '2024-01-01T00:00:00.000000Z', involvedObject: { kind: 'Pod', namespace: 'default', name: 'p' } };
  assert.deepEqual(texts(coreEventStrategy.validate!(core)).filter((t) => t.includes('Required')), [
    'reportingController: Required value',
    'reportingInstance: Required value',
    'action: Required value',
    'reason: Required value',
  ]);
});
