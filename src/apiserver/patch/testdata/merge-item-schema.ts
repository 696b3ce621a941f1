/**
 * @module The `mergeItem` test type of k8s.io/apimachinery strategicpatch (patch_test.go
 * MergeItem and RetainKeysMergeItem, testdata/swagger-merge-item.json) as kubito definitions.
 */
import type { Schema } from '../../../api/schema/types.js';
import { lookupFromRecord } from '../schema-lookup.js';

const item = (): Schema => ({ ref: 'mergeItem' });

export const MERGE_ITEM_DEFINITIONS: Record<string, Schema> = {
  mergeItem: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      value: { type: 'string' },
      other: { type: 'string' },
      mergingList: { type: 'array', items: item(), 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
      nonMergingList: { type: 'array', items: item() },
      mergingIntList: { type: 'array', items: { type: 'integer' }, 'x-kubernetes-patch-strategy': 'merge' },
      nonMergingIntList: { type: 'array', items: { type: 'integer' } },
      mergeItemPtr: { ref: 'mergeItem', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
      simpleMap: { type: 'object', additionalProperties: { type: 'string' } },
      replacingItem: { ref: 'io.k8s.apimachinery.pkg.runtime.RawExtension', 'x-kubernetes-patch-strategy': 'replace' },
      retainKeysMap: { ref: 'retainKeysMergeItem', 'x-kubernetes-patch-strategy': 'retainKeys' },
      retainKeysMergingList: { type: 'array', items: item(), 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge,retainKeys' },
      jsonItem: {},
    },
  },
  retainKeysMergeItem: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      value: { type: 'string' },
      other: { type: 'string' },
      simpleMap: { type: 'object', additionalProperties: { type: 'string' } },
      mergingList: { type: 'array', items: item(), 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
      nonMergingList: { type: 'array', items: item() },
      mergingIntList: { type: 'array', items: { type: 'integer' }, 'x-kubernetes-patch-strategy': 'merge' },
    },
  },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
};

export const MERGE_ITEM_LOOKUP = lookupFromRecord(MERGE_ITEM_DEFINITIONS);
