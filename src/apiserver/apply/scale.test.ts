/**
 * @module The scale subresource's managedFields conversions, as upstream's
 * managedfields/scalehandler_test.go (TestTransformManagedFieldsToSubresource,
 * TestTransformingManagedFieldsToParent) writes them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ManagedFieldsEntry } from '../../api/types.js';
import { specReplicas, toParentManagedFields, toScaleManagedFields } from './scale.js';

type Op = 'Apply' | 'Update';

/** An entry in the tests' shorthand: manager, operation, apiVersion, fieldsV1, subresource. */
function entry(manager: string, operation: Op, apiVersion: string, fieldsV1: Record<string, unknown>, subresource?: string): ManagedFieldsEntry {
  return { manager, operation, apiVersion, fieldsType: 'FieldsV1', fieldsV1, ...(subresource ? { subresource } : {}) };
}

const paths = specReplicas('apps/v1');
const REPLICAS = { 'f:spec': { 'f:replicas': {} } };
const REPLICAS_SELECTOR = { 'f:spec': { 'f:replicas': {}, 'f:selector': {} } };
const SELECTOR = { 'f:spec': { 'f:selector': {} } };

test('to the Scale: only managers of the replicas path, at autoscaling/v1, their time kept', () => {
  const time = '2013-02-03T00:00:00Z';
  assert.deepEqual(
    toScaleManagedFields([entry('manager-1', 'Apply', 'apps/v1', { 'f:spec': { 'f:another-field': {} } }), { ...entry('manager-2', 'Apply', 'apps/v1', REPLICAS), time }], paths),
    [{ manager: 'manager-2', operation: 'Apply', apiVersion: 'autoscaling/v1', time, fieldsType: 'FieldsV1', fieldsV1: REPLICAS }],
  );
  assert.deepEqual(
    toScaleManagedFields([entry('manager-1', 'Apply', 'apps/v1', REPLICAS), entry('manager-3', 'Apply', 'apps/v1', REPLICAS, 'scale')], paths),
    [entry('manager-1', 'Apply', 'autoscaling/v1', REPLICAS), entry('manager-3', 'Apply', 'autoscaling/v1', REPLICAS, 'scale')],
  );
  assert.equal(toScaleManagedFields([entry('manager-1', 'Apply', 'apps/v10', REPLICAS)], paths), undefined, 'an unknown apiVersion is dropped');
});

const toParent: Array<{ desc: string; parent: ManagedFieldsEntry[]; scale: ManagedFieldsEntry[]; expected: ManagedFieldsEntry[] | undefined }> = [
  { desc: 'different managers: apply -> update', parent: [entry('test', 'Apply', 'apps/v1', REPLICAS_SELECTOR)], scale: [entry('scale', 'Update', 'autoscaling/v1', REPLICAS, 'scale')], expected: [entry('test', 'Apply', 'apps/v1', SELECTOR), entry('scale', 'Update', 'apps/v1', REPLICAS, 'scale')] },
  { desc: 'different managers: apply -> apply', parent: [entry('test', 'Apply', 'apps/v1', REPLICAS_SELECTOR)], scale: [entry('scale', 'Apply', 'autoscaling/v1', REPLICAS, 'scale')], expected: [entry('scale', 'Apply', 'apps/v1', REPLICAS, 'scale'), entry('test', 'Apply', 'apps/v1', SELECTOR)] },
  { desc: 'same manager: update -> update', parent: [entry('test', 'Update', 'apps/v1', REPLICAS_SELECTOR)], scale: [entry('test', 'Update', 'autoscaling/v1', REPLICAS, 'scale')], expected: [entry('test', 'Update', 'apps/v1', SELECTOR), entry('test', 'Update', 'apps/v1', REPLICAS, 'scale')] },
  { desc: "the subresource doesn't own the path anymore", parent: [entry('test', 'Apply', 'apps/v1', SELECTOR)], scale: [entry('scale', 'Update', 'autoscaling/v1', { 'f:status': { 'f:replicas': {} } }, 'scale')], expected: [entry('test', 'Apply', 'apps/v1', SELECTOR)] },
  { desc: 'the subresource steals all the fields of the parent resource', parent: [entry('test', 'Apply', 'apps/v1', REPLICAS)], scale: [entry('scale', 'Update', 'autoscaling/v1', REPLICAS, 'scale')], expected: [entry('scale', 'Update', 'apps/v1', REPLICAS, 'scale')] },
  { desc: 'a parent manager still owning the Scale keeps its entry as it is', parent: [{ ...entry('test', 'Apply', 'apps/v1', REPLICAS_SELECTOR), time: '2020-01-01T00:00:00Z' }], scale: [entry('test', 'Apply', 'autoscaling/v1', REPLICAS)], expected: [{ ...entry('test', 'Apply', 'apps/v1', REPLICAS_SELECTOR), time: '2020-01-01T00:00:00Z' }] },
  { desc: 'entries at an unknown apiVersion are dropped', parent: [entry('old', 'Update', 'apps/v1beta1', SELECTOR)], scale: [], expected: undefined },
];

for (const c of toParent) {
  test(`to the parent: ${c.desc}`, () => {
    assert.deepEqual(toParentManagedFields(c.parent, c.scale, { paths, groupVersion: 'apps/v1' }), c.expected);
  });
}
