/**
 * @module Tests for managedFields decoding and encoding (managedfields/internal
 * managedfields_test.go: TestRoundTripManagedFields, TestDecodeManagedFields,
 * TestSortEncodedManagedFields; conflict_test.go TestNewConflictError).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ManagedFieldsEntry } from '../../api/types.js';
import { newApplyConflict } from './conflict.js';
import { fieldElement, keyElement } from './fieldpath.js';
import { decodeManagedFields, encodeManagedFields, managerId, printManager } from './managed-fields.js';

const entries: ManagedFieldsEntry[] = [
  { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2024-01-01T00:05:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:type': {} } } },
  { manager: 'b', operation: 'Update', apiVersion: 'v1', time: '2024-01-01T00:01:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:selector': {} } } },
  { manager: 'a', operation: 'Update', apiVersion: 'v1', time: '2024-01-01T00:01:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:x': {} } }, subresource: 'status' },
  { manager: 'c', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } },
];

test('entries round trip, sorted by operation, time, manager', () => {
  const out = encodeManagedFields(decodeManagedFields(entries));
  assert.deepEqual(out?.map((e) => e.manager), ['kubectl', 'c', 'a', 'b']);
  assert.deepEqual(out?.find((e) => e.manager === 'a'), entries[2]);
  assert.deepEqual(Object.keys(out![0]), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
});

test('manager identifiers and how conflicts print them', () => {
  const update = managerId({ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1' });
  assert.equal(update, '{"manager":"kube-controller-manager","operation":"Update","apiVersion":"apps/v1"}');
  assert.equal(printManager(update), '"kube-controller-manager" using apps/v1');
  assert.equal(printManager(managerId({ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1' })), '"kubectl"');
  assert.equal(printManager(managerId({ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', subresource: 'status' })), '"kubelet" with subresource "status" using v1');
});

test('malformed entries are rejected with upstream messages', () => {
  const bad = (e: Partial<ManagedFieldsEntry>): void => void decodeManagedFields([{ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', ...e } as ManagedFieldsEntry]);
  assert.throws(() => bad({ operation: 'Patch' as 'Update' }), { message: 'operation must be `Apply` or `Update`' });
  assert.throws(() => bad({ apiVersion: '' }), { message: 'apiVersion must not be empty' });
  assert.throws(() => bad({ fieldsType: undefined }), { message: 'missing fieldsType in managed fields entry 0' });
  assert.throws(() => bad({ fieldsType: 'FieldsV2' as 'FieldsV1' }), { message: 'invalid fieldsType "FieldsV2" in managed fields entry 0' });
});

test('conflict message for several managers groups fields by manager (TestNewConflictError)', () => {
  const a = managerId({ manager: 'a', operation: 'Update', apiVersion: 'v1' });
  const b = managerId({ manager: 'b', operation: 'Apply' });
  const err = newApplyConflict([
    { manager: b, path: [fieldElement('spec'), fieldElement('type')] },
    { manager: a, path: [fieldElement('spec'), fieldElement('ports'), keyElement([['port', 80], ['protocol', 'TCP']])] },
    { manager: a, path: [fieldElement('spec'), fieldElement('selector')] },
  ]);
  assert.equal(err.code, 409);
  assert.equal(
    err.status.message,
    'Apply failed with 3 conflicts: conflicts with "a" using v1:\n- .spec.ports[port=80,protocol="TCP"]\n- .spec.selector\nconflicts with "b":\n- .spec.type',
  );
  assert.equal(err.status.details?.causes?.length, 3);
});

test('entries decoded from text in another key order are encoded in the canonical order (the memo keeps them apart)', () => {
  const canonical = { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } }, 'f:spec': { 'f:x': {} } };
  const reordered = { 'f:spec': { 'f:x': {} }, 'f:metadata': { 'f:labels': { 'f:a': {}, '.': {} } } };
  const entry = (fieldsV1: unknown) => [{ manager: 'm', operation: 'Update' as const, apiVersion: 'v1', time: '2026-11-28T08:00:00Z', fieldsType: 'FieldsV1' as const, fieldsV1: fieldsV1 as Record<string, unknown> }];
  for (let round = 0; round < 2; round++) {
    assert.equal(JSON.stringify(encodeManagedFields(decodeManagedFields(entry(reordered)))?.[0].fieldsV1), JSON.stringify(canonical));
    assert.equal(JSON.stringify(encodeManagedFields(decodeManagedFields(entry(canonical)))?.[0].fieldsV1), JSON.stringify(canonical));
  }
  // Entries get their own objects: changing one does not change what the next decode/encode gives.
  const out = encodeManagedFields(decodeManagedFields(entry(canonical)))!;
  (out[0].fieldsV1 as Record<string, unknown>)['f:spec'] = {};
  assert.equal(JSON.stringify(encodeManagedFields(decodeManagedFields(entry(canonical)))?.[0].fieldsV1), JSON.stringify(canonical));
});

test('an entry whose manager did not change comes back as it was decoded, only when it is what encoding writes', () => {
  const fields = { 'f:spec': { 'f:x': {} } };
  const base = { manager: 'm', operation: 'Update' as const, apiVersion: 'v1', time: '2026-11-28T08:00:00Z', fieldsType: 'FieldsV1' as const, fieldsV1: fields };
  // What encoding builds afresh, as text: the reused entry must read the same.
  const fresh = (e: ManagedFieldsEntry): string => {
    const managed = decodeManagedFields([e]);
    managed.sources = undefined;
    return JSON.stringify(encodeManagedFields(managed));
  };
  const canonical: ManagedFieldsEntry[] = [
    { ...base },
    { manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: fields },
    { ...base, subresource: 'status' },
  ];
  for (const e of canonical) {
    const out = encodeManagedFields(decodeManagedFields([e]))!;
    assert.equal(out[0], e);
    assert.equal(JSON.stringify(out), fresh(e));
  }
  const rebuilt: ManagedFieldsEntry[] = [
    { ...base, extra: 1 } as ManagedFieldsEntry,
    { operation: 'Update', manager: 'm', apiVersion: 'v1', time: base.time, fieldsType: 'FieldsV1', fieldsV1: fields },
    { ...base, time: '' },
    { ...base, subresource: '' },
    { ...base, fieldsV1: null as unknown as Record<string, unknown> },
    { ...base, fieldsV1: { 'f:spec': { 'f:x': {}, '.': {} } } },
    { ...base, fieldsV1: { 'f:b': {}, 'f:a': {} } },
  ];
  for (const e of rebuilt) {
    const out = encodeManagedFields(decodeManagedFields([e]))!;
    assert.notEqual(out[0], e);
    assert.equal(JSON.stringify(out), fresh(e));
  }
  // A manager whose time or set changed gets a new entry.
  const managed = decodeManagedFields([{ ...base }]);
  const id = managerId({ manager: 'm', operation: 'Update', apiVersion: 'v1' });
  managed.times.set(id, '2026-11-28T09:00:00Z');
  assert.equal(encodeManagedFields(managed)![0].time, '2026-11-28T09:00:00Z');
  const again = decodeManagedFields([{ ...base }]);
  again.fields.set(id, { ...again.fields.get(id)!, set: again.fields.get(id)!.set.union(decodeManagedFields([{ ...base, fieldsV1: { 'f:y': {} } }]).fields.get(id)!.set) });
  assert.deepEqual(encodeManagedFields(again)![0].fieldsV1, { 'f:spec': { 'f:x': {} }, 'f:y': {} });
});
