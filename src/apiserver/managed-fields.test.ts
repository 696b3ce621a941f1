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
