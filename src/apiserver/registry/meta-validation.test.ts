/** @module Tests for the registry's metadata checks: skipping the generic create pass changes no answer. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RESOURCES } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { validateGenericCreate, validateStrategyCreate } from '../../api/validation/index.js';
import { validateMetadata } from './meta-validation.js';

const NAMES = ['a', 'abc-1', 'a.b', 'a.b.c-d', '-a', 'a-', 'A', 'a_b', 'a/b', 'a%b', '.', '..', '1abc', 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(253), 'x'.repeat(254), 'ü', 'a b'];

test('create: the answer equals both passes run in order, for every kind and many names', () => {
  for (const info of RESOURCES) {
    for (const name of NAMES) {
      for (const meta of [{ name }, { generateName: name }, { name, labels: { 'a/b': 'c' } }, { name, labels: { '-bad': 'x' } }]) {
        const obj = { apiVersion: 'v1', kind: info.kind, metadata: { ...meta, namespace: info.namespaced ? 'ns' : undefined } } as KubeObject;
        const strategy = validateStrategyCreate(obj.metadata, info);
        const expected = strategy.length ? strategy : validateGenericCreate(obj.metadata, info);
        assert.deepEqual(validateMetadata(info, obj), expected, `${info.resource} ${JSON.stringify(meta)}`);
      }
    }
  }
});

test('update: the answer equals the generic and the kind passes run in order, the kind errors already given left out', async () => {
  const { validateGenericUpdate, validateStrategyUpdate } = await import('../../api/validation/index.js');
  const base = { name: 'a', namespace: 'ns', uid: 'u1', resourceVersion: '5', creationTimestamp: '2026-11-29T07:00:00Z' };
  const nexts = [
    { ...base },
    { ...base, name: 'b', uid: 'u2', labels: { '-bad': 'x' } },
    { ...base, resourceVersion: '', finalizers: ['bad finalizer', 'example.com/ok'] },
    { ...base, annotations: { 'a/b/c': 'x' }, managedFields: [{ manager: 'm', operation: 'Patch' }] },
    { ...base, generation: 1, deletionTimestamp: '2026-11-29T07:00:01Z', finalizers: ['kubernetes'], ownerReferences: [{ name: '' }] },
  ];
  const prevs = [{ ...base, generation: 2 }, { ...base, deletionTimestamp: '2026-11-29T07:00:01Z', finalizers: [] }];
  for (const info of RESOURCES) {
    for (const next of nexts) {
      for (const prevMeta of prevs) {
        const obj = { apiVersion: 'v1', kind: info.kind, metadata: next } as unknown as KubeObject;
        const prev = { apiVersion: 'v1', kind: info.kind, metadata: prevMeta } as unknown as KubeObject;
        const expected = validateGenericUpdate(obj.metadata, prev.metadata, info);
        const seen = new Set(expected.map((e) => `${e.field}|${e.detail}`));
        for (const e of validateStrategyUpdate(obj.metadata, prev.metadata, info)) if (!seen.has(`${e.field}|${e.detail}`)) expected.push(e);
        assert.deepEqual(validateMetadata(info, obj, prev), expected, `${info.resource} ${JSON.stringify(next)}`);
      }
    }
  }
});
