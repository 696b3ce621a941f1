/** @module Tests of validateAffinity against upstream's texts and paths (validation_test.go's affinity cases, in small). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateAffinity } from './pod-affinity.js';

const lines = (affinity: unknown) => validateAffinity(affinity, 'spec.affinity').map((e) => `${e.field}: ${e.detail}`);

test('node affinity: terms required, operators and their values, the field selector key', () => {
  const required = (...nodeSelectorTerms: unknown[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } });
  assert.deepEqual(lines(required({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] })), []);
  assert.deepEqual(lines(required()), ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term']);
  assert.deepEqual(lines(required({ matchExpressions: [{ key: 'disk', operator: 'Near', values: ['x'] }, { key: 'a', operator: 'NotIn' }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c', operator: 'Gt', values: ['1', '2'] }] })), [
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator',
    "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[2].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[3].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
  ]);
  assert.deepEqual(lines(required({ matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['a', 'b'] }] })), [
    "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values: Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: Invalid value: "metadata.labels": not a valid field selector key',
  ]);
  assert.deepEqual(lines({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } }] } }), [
    'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
  ]);
});

test('pod affinity and anti-affinity: selectors, namespaces, topologyKey, weights', () => {
  const term = (extra: object) => ({ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname', ...extra });
  assert.deepEqual(lines({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({})] } }), []);
  assert.deepEqual(lines({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ topologyKey: '' })] } }).slice(0, 1), ['spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty']);
  assert.deepEqual(lines({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'Near' }] } })] } }).length, 1);
  assert.match(lines({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ namespaces: ['Bad_NS'] })] } })[0], /^spec\.affinity\.podAffinity\.requiredDuringSchedulingIgnoredDuringExecution\[0\]\.namespace: Invalid value: "Bad_NS": a lowercase RFC 1123 label/);
  assert.deepEqual(lines({ podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, podAffinityTerm: term({}) }] } }), ['spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 101: must be in the range 1-100']);
});
