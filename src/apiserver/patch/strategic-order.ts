/**
 * @module The ordering rules of strategic merge patch (k8s.io/apimachinery strategicpatch,
 * "preserve order in strategic merge patch"): after a merged list is built, items named by
 * the patch (or by `$setElementOrder`) take the patch's order, items only on the server keep
 * the server's order, and the two runs are interleaved using the live list as the reference.
 */
import { StrategicMergeError, badArgType, noMergeKey } from './strategic-errors.js';

export type Json = unknown;
export type JsonMap = Record<string, unknown>;

export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What the items of a list are: maps (looked up by merge key) or scalars (compared by value). */
export type ElementKind = 'map' | 'scalar';

/** Position of `item` in `list`: by merge-key value for maps, by value for scalars; -1 if absent. */
function indexOf(list: readonly Json[], item: Json, mergeKey: string, kind: ElementKind): number {
  const key = (v: Json): Json => (kind === 'map' ? (isMap(v) ? v[mergeKey] : undefined) : v);
  const wanted = key(item);
  return list.findIndex((v) => key(v) === wanted);
}

function validateMergeKeyInLists(mergeKey: string, ...lists: Json[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw badArgType('map', item);
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    }
  }
}

/** Sort `toSort` by position in `order` (stable); `$patch: delete` items go last, unsorted. */
function normalizeSliceOrder(toSort: Json[], order: Json[], mergeKey: string, kind: ElementKind): Json[] {
  let items = toSort;
  let toDelete: Json[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    items = toSort.filter((v) => (v as JsonMap).$patch !== 'delete');
    toDelete = toSort.filter((v) => (v as JsonMap).$patch === 'delete');
  }
  // Items missing from `order` cannot be placed; they keep their relative order at the end.
  const rank = (v: Json): number => {
    const i = indexOf(order, v, mergeKey, kind);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const sorted = items.map((v, i) => ({ v, i, r: rank(v) })).sort((a, b) => a.r - b.r || a.i - b.i).map((e) => e.v);
  return [...sorted, ...toDelete];
}

/**
 * Interleave server-only items (`left`) into the patch items (`right`): a server-only item is
 * emitted before the next patch item only when both occur in `serverOrder` and it comes
 * first there. The relative order within each run is kept.
 */
function mergeSortedSlice(left: Json[], right: Json[], serverOrder: Json[], mergeKey: string, kind: ElementKind): Json[] {
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexOf(serverOrder, left[i], mergeKey, kind);
      const ri = indexOf(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Sort patch items by `patchOrder`, server-only items by `serverOrder`, then interleave them. */
export function normalizeElementOrder(
  patch: Json[],
  serverOnly: Json[],
  order: { patchOrder: Json[]; serverOrder: Json[]; mergeKey: string; kind: ElementKind },
): Json[] {
  const { patchOrder, serverOrder, mergeKey, kind } = order;
  const sortedPatch = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const sortedServer = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(sortedServer, sortedPatch, serverOrder, mergeKey, kind);
}

/** Split scalars into those present in `by` and the rest. */
export function partitionPrimitives(list: Json[], by: Json[]): [Json[], Json[]] {
  const present = new Set(by);
  return [list.filter((v) => present.has(v)), list.filter((v) => !present.has(v))];
}

/** The map in `list` whose `key` equals `value`, with its index. */
export function findMapByKey(list: Json[], want: { key: string; value: Json }): { map: JsonMap; index: number } | undefined {
  const { key, value } = want;
  for (let k = 0; k < list.length; k++) {
    const v = list[k];
    if (!isMap(v)) throw new StrategicMergeError(`value for key ${k} is not a map`, 'Internal');
    if (Object.hasOwn(v, key) && v[key] === value) return { map: v, index: k };
  }
  return undefined;
}

/** Split maps into those whose merge key appears in `by` and the rest. */
export function partitionMaps(list: Json[], opts: { by: Json[]; mergeKey: string }): [Json[], Json[]] {
  const { by, mergeKey } = opts;
  const inPatch: Json[] = [];
  const serverOnly: Json[] = [];
  for (const v of list) {
    if (!isMap(v)) throw badArgType('map', v);
    if (!Object.hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
    (findMapByKey(by, { key: mergeKey, value: v[mergeKey] }) ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}
