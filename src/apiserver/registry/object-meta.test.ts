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

test('sameContent ignores resourceVersion and managedFields; specChanged ignores metadata and status', () => {
  const a: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', resourceVersion: '1', managedFields: [] }, spec: { x: 1 }, status: { phase: 'Pending' } };
  const b: KubeObject = { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '2', name: 'p' }, spec: { x: 1 }, status: { phase: 'Pending' } };
  assert.equal(sameContent(a, b), true);
  assert.equal(sameContent(a, { ...b, status: { phase: 'Running' } }), false);
  assert.equal(specChanged(a, { ...b, status: { phase: 'Running' }, metadata: { name: 'q' } }), false);
  assert.equal(specChanged(a, { ...b, spec: { x: 2 } }), true);
});
