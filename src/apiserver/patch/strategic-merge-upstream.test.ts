/**
 * @module Runs the test vectors of k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go
 * against strategicMergePatch: TestStrategicMergePatch (createStrategicMergePatchTestCaseData,
 * compared after sortMergeListsByName, and strategicMergePatchRawTestCases, compared exactly,
 * list order included) and TestCustomStrategicMergePatch (customStrategicMergePatchTestCaseData
 * and customStrategicMergePatchRawTestCases). The vectors were extracted verbatim from that
 * file into testdata/upstream-smp-cases.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import casesJson from './testdata/upstream-smp-cases.json' with { type: 'json' };
import type { Schema } from '../../api/schema/types.js';
import { fieldSchema, itemsSchema, patchMeta, resolve } from './schema-lookup.js';
import { strategicMergePatch } from './strategic-merge.js';
import { MERGE_ITEM_LOOKUP } from './testdata/merge-item-schema.js';
import { goValue } from './go-format.js';

type JsonMap = Record<string, unknown>;
interface Case {
  description: string;
  original?: JsonMap | null;
  twoWay?: JsonMap | null;
  modified?: JsonMap | null;
  twoWayResult?: JsonMap | null;
  current?: JsonMap | null;
  threeWay?: JsonMap | null;
  result?: JsonMap | null;
  expectedError?: string;
}

// Imported (not read from disk) so that tsc copies it next to the compiled test in dist/.
const cases = casesJson as unknown as Record<'raw' | 'customRaw' | 'yamlCases' | 'customYaml', Case[]>;
const ROOT = resolve(MERGE_ITEM_LOOKUP, MERGE_ITEM_LOOKUP.definition('mergeItem'));

function apply(original: JsonMap | null | undefined, patch: JsonMap | null | undefined): JsonMap {
  return strategicMergePatch(original ?? {}, patch ?? {}, { lookup: MERGE_ITEM_LOOKUP, schema: ROOT });
}

// sortMergeListsByName: merging lists sorted by merge key (scalars deduplicated and sorted),
// recursively, so that YAML cases compare regardless of list order.
function sortMap(m: JsonMap, schema: Schema | undefined): JsonMap {
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(m)) {
    if (k === '$retainKeys' || k.startsWith('$deleteFromPrimitiveList')) out[k] = [...(v as unknown[])].sort(byGoString);
    else if (k.startsWith('$setElementOrder') || k === '$patch') out[k] = v;
    else if (Array.isArray(v)) {
      const field = fieldSchema(schema, k);
      const meta = patchMeta(MERGE_ITEM_LOOKUP, field);
      const merging = meta.strategies.includes('merge');
      out[k] = merging ? sortList(v, itemsSchema(MERGE_ITEM_LOOKUP, resolve(MERGE_ITEM_LOOKUP, field)), meta.mergeKey) : v;
    } else if (v !== null && typeof v === 'object') out[k] = sortMap(v as JsonMap, resolve(MERGE_ITEM_LOOKUP, fieldSchema(schema, k)));
    else out[k] = v;
  }
  return out;
}

function byGoString(a: unknown, b: unknown): number {
  const x = goValue(a);
  const y = goValue(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortList(list: unknown[], items: Schema | undefined, mergeKey: string): unknown[] {
  if (list.length === 0 || typeof list[0] !== 'object' || list[0] === null) return [...new Set(list)].sort(byGoString);
  return list.map((e) => sortMap(e as JsonMap, items)).sort((a, b) => byGoString(a[mergeKey], b[mergeKey]));
}

const sorted = (m: JsonMap | null | undefined): JsonMap => sortMap(m ?? {}, ROOT);

for (const c of cases.yamlCases) {
  test(`TestStrategicMergePatch/${c.description}/TwoWay`, () => {
    if (c.twoWay === undefined) return;
    assert.deepEqual(sorted(apply(sorted(c.original), sorted(c.twoWay))), sorted(c.twoWayResult ?? c.modified));
  });
  if (c.result) {
    test(`TestStrategicMergePatch/${c.description}/ThreeWay`, () => {
      assert.deepEqual(sorted(apply(sorted(c.current), sorted(c.threeWay))), sorted(c.result));
    });
  }
}

for (const c of cases.raw) {
  test(`TestStrategicMergePatch/${c.description}/TwoWay (raw)`, () => {
    assert.deepEqual(apply(c.original, c.twoWay), c.twoWayResult ?? c.modified ?? {});
  });
  if (c.result) {
    test(`TestStrategicMergePatch/${c.description}/ThreeWay (raw)`, () => {
      assert.deepEqual(apply(c.current, c.threeWay), c.result);
    });
  }
}

for (const c of cases.customYaml) {
  test(`TestCustomStrategicMergePatch/${c.description}`, () => {
    assert.deepEqual(sorted(apply(sorted(c.original), sorted(c.twoWay))), sorted(c.twoWayResult ?? c.modified));
  });
}

for (const c of cases.customRaw) {
  test(`TestCustomStrategicMergePatch/${c.description} (raw)`, () => {
    if (c.expectedError) {
      assert.throws(() => apply(c.original, c.twoWay), (err: Error) => err.message.includes(c.expectedError!));
      return;
    }
    assert.deepEqual(apply(c.original, c.twoWay), c.twoWayResult ?? c.modified ?? {});
  });
}
