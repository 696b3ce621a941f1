/** @module sameContent/sameJson agree with comparing canonical JSON (stableStringify). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { sameContent, sameJson, specChanged, stableStringify } from './object-meta.js';

const cases: [unknown, unknown][] = [
  [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }],
  [{ a: 1, b: undefined }, { a: 1 }],
  [{ a: null }, {}],
  [[undefined], [null]],
  [[1, 2], [2, 1]],
  [{ a: { b: 'x' } }, { a: { b: 'y' } }],
  [{ a: [] }, { a: {} }],
  [{ a: '1' }, { a: 1 }],
  [{ a: 0 }, { a: false }],
  [{ a: { b: 1 } }, { a: { b: 1, c: 2 } }],
  [{ a: { b: 1, c: 2 } }, { a: { b: 1 } }],
  [{ a: { c: undefined, b: 1 } }, { a: { b: 1, d: undefined } }],
  ['s', 's'],
  [null, undefined],
];

test('sameJson decides exactly what comparing stableStringify texts decides', () => {
  for (const [a, b] of cases) {
    const expected = stableStringify(a) === stableStringify(b);
    assert.equal(sameJson(a, b), expected, `${stableStringify(a)} vs ${stableStringify(b)}`);
    assert.equal(sameJson(b, a), expected);
  }
});

test('sameContent ignores resourceVersion and managedFields timestamps, not the entries', () => {
  const entry = (manager: string, time: string) => ({ manager, operation: 'Apply' as const, apiVersion: 'v1', time, fieldsType: 'FieldsV1' as const, fieldsV1: { 'f:data': { 'f:a': {} } } });
  const obj = (managedFields: ReturnType<typeof entry>[]): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields }, data: { a: '1' } });
  assert.equal(sameContent(obj([entry('kubectl', '2024-01-01T00:00:00Z')]), obj([entry('kubectl', '2024-01-01T00:00:09Z')])), true);
  // A second manager applying the same values now shares them: a write (upstream: a new resourceVersion).
  assert.equal(sameContent(obj([entry('kubectl', 't')]), obj([entry('kubectl', 't'), entry('other', 't')])), false);
  // kubectl's move of client-side apply's fields to its apply manager changes only managedFields.
  assert.equal(sameContent(obj([entry('kubectl-client-side-apply', 't')]), obj([entry('kubectl', 't')])), false);
  assert.equal(sameContent(obj([entry('a', 't'), entry('b', 't')]), obj([entry('b', 't'), entry('a', 't')])), false);
});

test('sameContent ignores resourceVersion; specChanged ignores metadata and status', () => {
  const a: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', resourceVersion: '1', managedFields: [] }, spec: { x: 1 }, status: { phase: 'Pending' } };
  const b: KubeObject = { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '2', name: 'p' }, spec: { x: 1 }, status: { phase: 'Pending' } };
  assert.equal(sameContent(a, b), true);
  assert.equal(sameContent(a, { ...b, status: { phase: 'Running' } }), false);
  assert.equal(specChanged(a, { ...b, status: { phase: 'Running' }, metadata: { name: 'q' } }), false);
  assert.equal(specChanged(a, { ...b, spec: { x: 2 } }), true);
});
