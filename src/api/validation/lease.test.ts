/** @module Lease and Namespace validation: upstream's paths, types and texts (1.33). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from './field-errors.js';
import { validateLeaseSpec } from './lease.js';
import { validateNamespace, validateNamespaceFinalizeUpdate, validateNamespaceStatusUpdate } from './namespace.js';
import type { FieldError } from '../errors.js';

const texts = (errs: FieldError[]): string[] => errs.map(fieldErrorString);

test('Lease: durations positive, transitions not negative, strategy and preferred holder', () => {
  assert.deepEqual(texts(validateLeaseSpec({ spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, leaseTransitions: 0 } })), []);
  assert.deepEqual(texts(validateLeaseSpec({ spec: { leaseDurationSeconds: 0, leaseTransitions: -1, preferredHolder: 'n2' } })), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    'spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined',
  ]);
  assert.deepEqual(texts(validateLeaseSpec({ spec: { strategy: 'Newest' } })), ['spec.strategy.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"']);
  assert.deepEqual(texts(validateLeaseSpec({ spec: { strategy: 'example.com/mine', preferredHolder: 'n2' } })), []);
  assert.deepEqual(texts(validateLeaseSpec({ spec: { strategy: 'example.com/-x' } })).length, 1);
});

test('Namespace: spec.finalizers (unindexed on create/update, indexed on finalize), status phase', () => {
  assert.deepEqual(texts(validateNamespace({ spec: { finalizers: ['kubernetes', 'example.com/f'] } })), []);
  assert.deepEqual(texts(validateNamespace({ spec: { finalizers: ['mine', 'a b/c'] } })), [
    'spec.finalizers: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified',
    'spec.finalizers: Invalid value: "a b/c": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
  ]);
  assert.deepEqual(texts(validateNamespaceFinalizeUpdate({ spec: { finalizers: ['kubernetes', 'mine'] } })), [
    'spec.finalizers[1]: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  assert.deepEqual(texts(validateNamespaceStatusUpdate({ metadata: {}, status: { phase: 'Active' } })), []);
  assert.deepEqual(texts(validateNamespaceStatusUpdate({ metadata: {}, status: {} })), ['status.Phase: Invalid value: "": may only be \'Active\' if `deletionTimestamp` is empty']);
  assert.deepEqual(texts(validateNamespaceStatusUpdate({ metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Active' } })), [
    'status.Phase: Invalid value: "Active": may only be \'Terminating\' if `deletionTimestamp` is not empty',
  ]);
});
