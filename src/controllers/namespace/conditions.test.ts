/** @module Tests of the namespace deletion conditions: upstream's reasons and messages, and when they change. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyReport, mergeConditions, NAMESPACE_CONDITION_TYPES, type NamespaceCondition } from './conditions.js';

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:00:05Z';

function byType(conditions: NamespaceCondition[]): Record<string, string> {
  return Object.fromEntries(conditions.map((c) => [c.type, `${c.status} ${c.reason}: ${c.message}`]));
}

test('a clean pass sets all five conditions to their ok variant', () => {
  const { conditions, changed } = mergeConditions(undefined, emptyReport(), { now: T0 });
  assert.equal(changed, true);
  assert.deepEqual(conditions.map((c) => c.type), [...NAMESPACE_CONDITION_TYPES]);
  assert.deepEqual(byType(conditions), {
    NamespaceDeletionDiscoveryFailure: 'False ResourcesDiscovered: All resources successfully discovered',
    NamespaceDeletionGroupVersionParsingFailure: 'False ParsedGroupVersions: All legacy kube types successfully parsed',
    NamespaceDeletionContentFailure: 'False ContentDeleted: All content successfully deleted, may be waiting on finalization',
    NamespaceContentRemaining: 'False ContentRemoved: All content successfully removed',
    NamespaceFinalizersRemaining: 'False ContentHasNoFinalizers: All content-preserving finalizers finished',
  });
  assert.ok(conditions.every((c) => c.lastTransitionTime === T0));
});

test('remaining content, finalizers and errors give upstream messages, sorted', () => {
  const report = emptyReport();
  report.remaining.set('pods.', 2);
  report.remaining.set('deployments.apps', 1);
  report.remaining.set('secrets.', 0);
  report.finalizers.set('example.com/b', 1);
  report.finalizers.set('example.com/a', 2);
  report.contentErrors.push('unexpected items still remain in namespace: ns for gvr: /v1, Resource=pods', 'a failure');
  report.discoveryError = 'discovery is down';
  const got = byType(mergeConditions(undefined, report, { now: T0 }).conditions);
  assert.equal(got.NamespaceContentRemaining, 'True SomeResourcesRemain: Some resources are remaining: deployments.apps has 1 resource instances, pods. has 2 resource instances');
  assert.equal(got.NamespaceFinalizersRemaining, 'True SomeFinalizersRemain: Some content in the namespace has finalizers remaining: example.com/a in 2 resource instances, example.com/b in 1 resource instances');
  assert.equal(got.NamespaceDeletionContentFailure, 'True ContentDeletionFailed: Failed to delete all resource types, 2 remaining: a failure, unexpected items still remain in namespace: ns for gvr: /v1, Resource=pods');
  assert.equal(got.NamespaceDeletionDiscoveryFailure, 'True DiscoveryFailed: discovery is down');
});

test('an unchanged pass changes nothing; a flip moves lastTransitionTime; other conditions stay', () => {
  const foreign: NamespaceCondition = { type: 'SomethingElse', status: 'True', reason: 'X', message: 'kept' };
  const first = mergeConditions([foreign], emptyReport(), { now: T0 }).conditions;
  assert.equal(mergeConditions(first, emptyReport(), { now: T1 }).changed, false);

  const report = emptyReport();
  report.remaining.set('configmaps.', 1);
  report.finalizers.set('example.com/hold', 1);
  const { conditions, changed } = mergeConditions(first, report, { now: T1 });
  assert.equal(changed, true);
  assert.deepEqual(conditions[0], foreign);
  const remaining = conditions.find((c) => c.type === 'NamespaceContentRemaining')!;
  assert.deepEqual([remaining.status, remaining.lastTransitionTime], ['True', T1]);
  const discovery = conditions.find((c) => c.type === 'NamespaceDeletionDiscoveryFailure')!;
  assert.equal(discovery.lastTransitionTime, T0, 'untouched conditions keep their time');
  assert.deepEqual(first.find((c) => c.type === 'NamespaceContentRemaining')!.status, 'False', 'the input is not mutated');
});
