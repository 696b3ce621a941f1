/** @module What a DELETE does to an object, case by case as upstream's generic and Namespace registries decide it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { namespaceStrategy } from '../../api/strategies/namespace.js';
import type { Strategy } from '../../api/strategy.js';
import type { KubeObject } from '../../api/types.js';
import { deletePreconditionError, gcFinalizers, markForDeletion } from './delete-rules.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const plain: Strategy = {};
/** A pod-like graceful kind: the requested grace, else 30 s. */
const graceful: Strategy = { gracefulDeletePeriod: (_obj, requested) => ((requested ?? 30) > 0 ? (requested ?? 30) : undefined) };

function object(meta: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', ...meta } };
}

test('no finalizers and no grace period: removed at once; a foreground delete marks, bumps generation, grace 0', () => {
  assert.equal(markForDeletion(object({ generation: 2 }), {}, { strategy: plain, nowMs: NOW }), undefined);
  const marked = markForDeletion(object({ generation: 2 }), { propagationPolicy: 'Foreground' }, { strategy: plain, nowMs: NOW })!;
  assert.deepEqual(marked.metadata.finalizers, ['foregroundDeletion']);
  assert.equal(marked.metadata.deletionTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(marked.metadata.deletionGracePeriodSeconds, 0);
  assert.equal(marked.metadata.generation, 3);
});

test('the GC finalizers follow the options, even on an object already being deleted', () => {
  assert.deepEqual(gcFinalizers(['a', 'orphan'], { propagationPolicy: 'Background' }), ['a']);
  assert.deepEqual(gcFinalizers(['foregroundDeletion'], { propagationPolicy: 'Orphan' }), ['orphan']);
  assert.deepEqual(gcFinalizers(['foregroundDeletion'], { orphanDependents: false }), []);
  assert.deepEqual(gcFinalizers([], { orphanDependents: true }), ['orphan']);
  assert.deepEqual(gcFinalizers(['orphan', 'x'], {}), ['orphan', 'x']);
  // Stuck in foreground deletion: deleting again with orphan switches it, and keeps its timestamp.
  const deleting = object({ generation: 3, finalizers: ['foregroundDeletion'], deletionTimestamp: '2025-12-31T00:00:00Z', deletionGracePeriodSeconds: 0 });
  const switched = markForDeletion(deleting, { propagationPolicy: 'Orphan' }, { strategy: plain, nowMs: NOW })!;
  assert.deepEqual(switched.metadata.finalizers, ['orphan']);
  assert.equal(switched.metadata.deletionTimestamp, '2025-12-31T00:00:00Z');
  assert.equal(switched.metadata.generation, 3, 'no second bump');
  // Background takes the last finalizer away: the object goes now.
  assert.equal(markForDeletion(deleting, { propagationPolicy: 'Background' }, { strategy: plain, nowMs: NOW }), undefined);
});

test('graceful kinds: first delete sets now + grace; a later one only shortens, counted from the first; a negative grace is 1 s', () => {
  const first = markForDeletion(object({ generation: 1 }), {}, { strategy: graceful, nowMs: NOW })!;
  assert.equal(first.metadata.deletionTimestamp, '2026-01-01T00:00:30Z');
  assert.equal(first.metadata.deletionGracePeriodSeconds, 30);
  assert.equal(first.metadata.generation, 2);
  const later = NOW + 10_000;
  // Longer or unspecified: nothing changes, not even the finalizers the options ask for.
  assert.deepEqual(markForDeletion(first, { gracePeriodSeconds: 60, propagationPolicy: 'Orphan' }, { strategy: graceful, nowMs: later }), first);
  assert.deepEqual(markForDeletion(first, {}, { strategy: graceful, nowMs: later }), first);
  const shorter = markForDeletion(first, { gracePeriodSeconds: 5 }, { strategy: graceful, nowMs: later })!;
  assert.equal(shorter.metadata.deletionTimestamp, '2026-01-01T00:00:05Z');
  assert.equal(shorter.metadata.deletionGracePeriodSeconds, 5);
  assert.equal(shorter.metadata.generation, 2);
  assert.equal(markForDeletion(first, { gracePeriodSeconds: 0 }, { strategy: graceful, nowMs: later }), undefined, 'force: removed now');
  const negative = markForDeletion(object(), { gracePeriodSeconds: -5 }, { strategy: graceful, nowMs: NOW })!;
  assert.equal(negative.metadata.deletionGracePeriodSeconds, 1);
});

test('Namespace: the first delete marks it Terminating without a grace period; later ones change nothing while spec.finalizers hold it', () => {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', uid: 'n1' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
  const marked = markForDeletion(ns, { orphanDependents: false }, { strategy: namespaceStrategy, nowMs: NOW })!;
  assert.equal(marked.metadata.deletionTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(marked.metadata.deletionGracePeriodSeconds, undefined);
  assert.deepEqual(marked.metadata.finalizers, ['foregroundDeletion'], "orphanDependents=false asks for foreground here");
  assert.deepEqual(marked.status, { phase: 'Terminating' });
  assert.deepEqual(markForDeletion(marked, { propagationPolicy: 'Orphan' }, { strategy: namespaceStrategy, nowMs: NOW + 5000 }), marked);
  // Drained (spec.finalizers empty): the generic rules again.
  const drained = { ...marked, metadata: { ...marked.metadata, finalizers: undefined }, spec: { finalizers: [] } };
  assert.equal(markForDeletion(drained, {}, { strategy: namespaceStrategy, nowMs: NOW }), undefined);
});

test('preconditions: the generic registry names the kind in BeforeDelete words; Namespace its resource in etcd words', () => {
  const target = { group: 'apps', kind: 'Deployment', resource: 'deployments', ownDelete: false };
  assert.equal(deletePreconditionError(object(), { preconditions: { uid: 'u1', resourceVersion: '7' } }, target), undefined);
  const uid = deletePreconditionError(object(), { preconditions: { uid: 'other' } }, target) as StatusError;
  assert.equal(uid.status.code, 409);
  assert.equal(uid.status.message, 'Operation cannot be fulfilled on Deployment.apps "web": the UID in the precondition (other) does not match the UID in record (u1). The object might have been deleted and then recreated');
  assert.deepEqual(uid.status.details, { name: 'web', group: 'apps', kind: 'Deployment' });
  const rv = deletePreconditionError(object(), { preconditions: { resourceVersion: '3' } }, target) as StatusError;
  assert.equal(rv.status.message, 'Operation cannot be fulfilled on Deployment.apps "web": the ResourceVersion in the precondition (3) does not match the ResourceVersion in record (7). The object might have been modified');
  const ns = deletePreconditionError(object({ name: 'shop' }), { preconditions: { uid: 'x' } }, { group: '', kind: 'Namespace', resource: 'namespaces', ownDelete: true }) as StatusError;
  assert.equal(ns.status.message, 'Operation cannot be fulfilled on namespaces "shop": Precondition failed: UID in precondition: x, UID in object meta: u1');
});
