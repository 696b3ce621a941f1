/** @module Tests of the typed shape overlay: zero values filled in, the rest shared and never changed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaLookup } from '../schema-lookup.js';
import type { Json } from './fieldpath.js';
import { Types, type Typed } from './typed.js';
import { withTypedShape } from './typed-shape.js';

const POD: Typed = { types: new Types(schemaLookup), ref: { schema: { ref: 'io.k8s.api.core.v1.Pod' } } };

test('fills the zero values of typed structs in a copy and leaves the input as it was', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } as Record<string, Json>;
  const before = JSON.stringify(pod);
  const shaped = withTypedShape(POD, pod) as Record<string, any>;
  assert.equal(JSON.stringify(pod), before);
  assert.deepEqual(shaped.status, {});
  // Container has `resources: {}` as its zero value: the containers list and that item are copies.
  assert.deepEqual(shaped.spec.containers, [{ name: 'c', image: 'busybox', resources: {} }]);
  assert.notEqual(shaped.spec.containers, (pod.spec as Record<string, Json>).containers);
  assert.deepEqual(Object.keys(shaped), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
});

test('shares the parts that need nothing filled in', () => {
  const conditions = [{ type: 'Ready', status: 'True', lastProbeTime: null }];
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: null }, status: { phase: 'Running', conditions } } as unknown as Json;
  const shaped = withTypedShape(POD, pod) as Record<string, any>;
  assert.equal(shaped, pod, 'nothing to fill in: the value itself');
  assert.equal(shaped.status.conditions, conditions);
});
