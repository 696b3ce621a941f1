/** @module createShape: objects with one shape record the same managedFields on create. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { recordUpdate } from './apply/index.js';
import { createShape } from './managed-fields.js';
import { definitionFor, schemaLookup } from './schema-lookup.js';

const SERVICES = findResource('', 'v1', 'services')!;

function service(name: string, spec: Record<string, unknown>, labels: Record<string, string> = { app: name }): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', labels }, spec };
}

function recorded(obj: KubeObject): unknown {
  const out = recordUpdate(undefined, structuredClone(obj), { manager: 'm', operation: 'Update', now: '2026-11-28T08:00:00Z', schema: schemaLookup, root: definitionFor(SERVICES) });
  return out.metadata.managedFields;
}

test('scalar values outside lists do not change the shape; keys, list items and nulls do', () => {
  const a = service('a', { selector: { app: 'a' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], sessionAffinity: 'None' });
  const b = service('bbbbbb', { selector: { app: 'zz' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], sessionAffinity: 'ClientIP' });
  assert.equal(createShape(a), createShape(b));
  assert.deepEqual(recorded(a), recorded(b));

  const otherPort = service('a', { selector: { app: 'a' }, ports: [{ port: 81, protocol: 'TCP', targetPort: 8080 }], sessionAffinity: 'None' });
  const otherKey = service('a', { selector: { app: 'a' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], sessionAffinity: 'None' }, { tier: 'a' });
  const withLabels = service('a', { selector: { app: 'a' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], sessionAffinity: 'None' }, { app: 'a', x: '1' });
  const withNull = service('a', { selector: null, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], sessionAffinity: 'None' });
  // These record other fields than `a` does, so their shapes must differ (or the memo would share them).
  for (const other of [otherPort, otherKey, withLabels]) {
    assert.notDeepEqual(recorded(other), recorded(a));
    assert.notEqual(createShape(a), createShape(other));
  }
  // A null is kept apart from a value (conservative: it may record the same fields).
  assert.notEqual(createShape(a), createShape(withNull));
});

test("an owner's uid is a slot in the memo: objects that differ in it record the same fields but that key", async () => {
  const { recordManagedFields } = await import('./managed-fields.js');
  const slices = findResource('discovery.k8s.io', 'v1', 'endpointslices')!;
  const slice = (name: string, uid: string): KubeObject => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { generateName: `${name}-`, namespace: 'default', labels: { 'kubernetes.io/service-name': name }, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid, controller: true, blockOwnerDeletion: true }] },
    addressType: 'IPv4',
    endpoints: [],
    ports: [],
  });
  const scope = { request: { subresource: '' }, http: { headers: { 'user-agent': 'kube-controller-manager/v1' } }, now: Date.parse('2026-11-28T08:00:00Z'), info: slices } as never;
  const direct = (obj: KubeObject): unknown =>
    recordUpdate(undefined, structuredClone(obj), { manager: 'kube-controller-manager', operation: 'Update', now: '2026-11-28T08:00:00Z', schema: schemaLookup, root: definitionFor(slices) }).metadata.managedFields;
  const a = slice('a', '6f1e1d52-0000-4000-8000-00000000000a');
  const b = slice('bb', '6f1e1d52-0000-4000-8000-00000000000b');
  assert.equal(createShape(a), createShape(b));
  for (const obj of [a, b, slice('c', 'uid-c')]) {
    const memoized = structuredClone(obj);
    recordManagedFields(scope, undefined, memoized, undefined);
    assert.deepEqual(memoized.metadata.managedFields, direct(obj));
  }
  assert.match(JSON.stringify(b.metadata.managedFields ?? recordManagedFieldsOf(b)), /00000000000b/);
  // An owner whose uid JSON would escape is not templated: its whole list stays in the shape.
  assert.notEqual(createShape(slice('a', 'x"y')), createShape(slice('a', 'x"z')));

  function recordManagedFieldsOf(obj: KubeObject): unknown {
    const copy = structuredClone(obj);
    recordManagedFields(scope, undefined, copy, undefined);
    return copy.metadata.managedFields;
  }
});
