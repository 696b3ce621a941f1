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
