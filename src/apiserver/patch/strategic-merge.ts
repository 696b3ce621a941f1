/**
 * @module Strategic merge patch, applied server-side as k8s.io/apimachinery/pkg/util/
 * strategicpatch does (StrategicMergeMapPatch: parallel lists merged, unmatched nulls
 * ignored). Lists whose field has `x-kubernetes-patch-strategy: merge` merge by
 * `x-kubernetes-patch-merge-key` (or as a set of scalars); other lists, and fields the schema
 * does not describe, are replaced. Directives: `$patch: replace|merge|delete`, `$retainKeys`,
 * `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`; `null` deletes a key.
 */
import type { Schema } from '../../api/schema/types.js';
import { type SchemaLookup, fieldSchema, itemsSchema, patchMeta, resolve } from './schema-lookup.js';
import {
  ERR_NO_LIST_OF_LISTS, ERR_PRIMITIVE_LIST, ERR_RETAIN_KEYS, ERR_SET_ELEMENT_ORDER,
  StrategicMergeError, badArgType, badPatchType, badRequest, internal, noMergeKey,
} from './strategic-errors.js';
import {
  type ElementKind, type Json, type JsonMap, findMapByKey, isMap, normalizeElementOrder, partitionMaps, partitionPrimitives,
} from './strategic-order.js';
import { goValue } from './go-format.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** Where the merge stands in the schema: the resolved schema of the current value, if known. */
interface Cursor {
  lookup: SchemaLookup;
  schema: Schema | undefined;
}

interface Lookup {
  sub: Cursor;
  strategy: string;
  mergeKey: string;
}

/** The single non-retainKeys strategy of a field (extractRetainKeysPatchStrategy). */
function mainStrategy(strategies: string[]): string {
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === 'retainKeys' ? '' : strategies[0];
  if (strategies.length === 2 && strategies[0] === 'retainKeys') return strategies[1];
  if (strategies.length === 2 && strategies[1] === 'retainKeys') return strategies[0];
  throw internal(`unexpected patch strategy: [${strategies.join(' ')}]`);
}

function lookupField(cur: Cursor, key: string, slice: boolean): Lookup {
  const field = fieldSchema(cur.schema, key);
  const meta = patchMeta(cur.lookup, field);
  const resolved = resolve(cur.lookup, field);
  // Like PatchMetaFromOpenAPIV3: a list field's element schema is its `items`, or the field
  // schema itself when it has none (a pointer-to-struct field holding a list in the patch).
  const sub = slice && resolved?.items ? itemsSchema(cur.lookup, resolved) : resolved;
  return { sub: { lookup: cur.lookup, schema: sub }, strategy: mainStrategy(meta.strategies), mergeKey: meta.mergeKey };
}

type JsonType = 'null' | 'map' | 'slice' | 'string' | 'bool' | 'int' | 'float';

function typeOf(v: Json): JsonType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int' : 'float';
}

/** The element kind shared by all items of the lists (sliceElementType). */
function elementKind(...lists: Json[][]): ElementKind {
  let first: JsonType | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = typeOf(v);
      if (first === undefined) {
        first = t;
        if (t === 'slice') throw new StrategicMergeError(ERR_NO_LIST_OF_LISTS, 'Invalid');
      } else if (t !== first) {
        throw internal(`list element types are not identical: [${lists.map((l) => goValue(l)).join(' ')}]`);
      }
    }
  }
  if (first === undefined) throw internal('no elements in any of the given slices');
  return first === 'map' ? 'map' : 'scalar';
}

/** Drop maps carrying `$patch` (and list items that are such maps); false if `v` itself is one. */
function removeDirectives(v: Json): [Json, boolean] {
  if (Array.isArray(v)) {
    const out: Json[] = [];
    for (const item of v) {
      const [nv, keep] = removeDirectives(item);
      if (keep) out.push(nv);
    }
    return [out, true];
  }
  if (isMap(v)) {
    if (Object.hasOwn(v, DIRECTIVE)) return [null, false];
    for (const k of Object.keys(v)) {
      const [nv, keep] = removeDirectives(v[k]);
      if (keep) v[k] = nv;
      else delete v[k];
    }
  }
  return [v, true];
}

function discardNulls(v: Json): void {
  if (Array.isArray(v)) v.forEach(discardNulls);
  else if (isMap(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNulls(v[k]);
    }
  }
}

/** The field name after `prefix/`, or the prefix's format error. */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw badRequest(prefix === DELETE_FROM_PRIMITIVE_LIST ? ERR_PRIMITIVE_LIST : ERR_SET_ELEMENT_ORDER);
  }
  return key.slice(slash + 1);
}

function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw badRequest(ERR_RETAIN_KEYS);
  const keep = new Set(retain);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw badRequest(ERR_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function mergeKeyValueEqual(left: Json, right: Json, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isMap(left)) throw badArgType('map', left);
  if (!isMap(right)) throw badArgType('map', right);
  if (!Object.hasOwn(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** Items of the patch list must appear in `$setElementOrder` in the same relative order. */
function validateWithSetOrder(patchList: Json[], setOrder: Json[], mergeKey: string): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  let nonDelete = patchList;
  if (mergeKey) {
    for (const v of patchList) if (!isMap(v)) throw badArgType('map', v);
    nonDelete = patchList.filter((v) => (v as JsonMap)[DIRECTIVE] !== 'delete');
  }
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < setOrder.length) {
    if (isMap(nonDelete[p]) && Object.hasOwn(nonDelete[p] as JsonMap, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[p], setOrder[s], mergeKey)) p++;
    s++;
  }
  if (p < nonDelete.length && s >= setOrder.length) {
    throw internal(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goValue(setOrder)}\n`);
  }
}

/** Merge each `$setElementOrder/<f>` with its list `<f>` and order the result; removes both from the patch. */
function mergeSetElementOrder(original: JsonMap, patch: JsonMap, cur: Cursor): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER) || !Object.hasOwn(patch, key)) continue;
    const setOrder = patch[key];
    delete patch[key];
    if (!Array.isArray(setOrder)) throw badArgType('slice', setOrder);
    const field = extractKey(key, SET_ELEMENT_ORDER);
    const foundOriginal = Object.hasOwn(original, field);
    const foundPatch = Object.hasOwn(patch, field);
    const originalList = original[field];
    const patchList = patch[field];
    if (foundOriginal && !Array.isArray(originalList)) throw badArgType('slice', originalList);
    if (foundPatch && !Array.isArray(patchList)) throw badArgType('slice', patchList);
    const originalItems = (foundOriginal ? originalList : []) as Json[];
    const patchItems = (foundPatch ? patchList : []) as Json[];
    const { sub, strategy, mergeKey } = lookupField(cur, field, true);
    validateWithSetOrder(patchItems, setOrder, mergeKey);

    let merged: Json[];
    if (foundOriginal && !foundPatch) merged = originalItems;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchItems)[0] as Json[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalItems, patchItems, sub, { strategy, mergeKey, isDeleteList: false });
    else continue;

    const [inOrder, serverOnly] = mergeKey ? partitionMaps(merged, { by: setOrder, mergeKey }) : partitionPrimitives(merged, setOrder);
    const kind = elementKind(originalItems, patchItems);
    original[field] = normalizeElementOrder(inOrder, serverOnly, { patchOrder: setOrder, serverOrder: originalItems, mergeKey, kind });
    delete patch[field];
  }
}

function handleDirectiveInMap(directive: Json, patch: JsonMap): JsonMap {
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === 'delete') return {};
  throw badPatchType(directive, patch);
}

function mergeMap(original: JsonMap | null, patch: JsonMap, cur: Cursor): JsonMap {
  if (Object.hasOwn(patch, DIRECTIVE)) return handleDirectiveInMap(patch[DIRECTIVE], patch);
  const out = original ?? {};
  applyRetainKeys(out, patch);
  mergeSetElementOrder(out, patch, cur);

  for (const rawKey of Object.keys(patch)) {
    const patchV = patch[rawKey];
    let key = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      key = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete out[key];
      continue;
    }
    if (!Object.hasOwn(out, key) || typeOf(out[key]) !== typeOf(patchV)) {
      // Absent from the original, or a different type: take the patch value as it is.
      if (!isDeleteList) {
        discardNulls(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) out[key] = v;
        else delete out[key];
      }
      continue;
    }
    const current = out[key];
    if (isMap(current)) {
      const { sub, strategy } = lookupField(cur, key, false);
      out[key] = strategy === 'replace' ? patchV : mergeMap(current, patchV as JsonMap, sub);
    } else if (Array.isArray(current)) {
      const { sub, strategy, mergeKey } = lookupField(cur, key, true);
      out[key] = mergeSliceHandler(current, patchV as Json[], sub, { strategy, mergeKey, isDeleteList });
    } else {
      out[key] = patchV;
    }
  }
  return out;
}

interface SliceMeta {
  strategy: string;
  mergeKey: string;
  isDeleteList: boolean;
}

function mergeSliceHandler(original: Json[], patch: Json[], cur: Cursor, meta: SliceMeta): Json[] {
  if (meta.strategy === 'merge' || meta.isDeleteList) return mergeSlice(original, patch, cur, meta);
  return patch;
}

/**
 * A Go slice: a window of `len` items over a backing array shared with the caller. Upstream
 * deletes list items with `append(s[:k], s[k+1:]...)` and adds them with `append(s, v)`, so a
 * deletion shifts the caller's array in place and later additions may land in its freed
 * tail. That aliasing decides the order `$setElementOrder` produces (the caller reads the
 * shared array as the live order), so it is reproduced exactly. Lists decoded from a typed
 * object have capacity equal to length, hence `cap` is the backing array's length.
 */
interface GoSlice {
  arr: Json[];
  len: number;
}

function items(s: GoSlice): Json[] {
  return s.arr.slice(0, s.len);
}

function deleteAt(s: GoSlice, k: number): void {
  s.arr.copyWithin(k, k + 1, s.len);
  s.len--;
}

function append(s: GoSlice, v: Json): void {
  if (s.len < s.arr.length) s.arr[s.len++] = v;
  else {
    s.arr = [...items(s), v];
    s.len = s.arr.length;
  }
}

/** Merge `patch` into `original` (modifying its array in place, as upstream does). */
function mergeSlice(original: Json[], patch: Json[], cur: Cursor, meta: SliceMeta): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  const { mergeKey } = meta;
  if (kind === 'scalar') {
    if (meta.isDeleteList) {
      const toDelete = new Set(patch);
      return original.filter((v) => !toDelete.has(v));
    }
    const merged = [...new Set([...original, ...patch])];
    const [inPatch, serverOnly] = partitionPrimitives(merged, patch);
    return normalizeElementOrder(inPatch, serverOnly, { patchOrder: patch, serverOrder: original, mergeKey, kind });
  }
  if (!mergeKey) throw internal(`cannot merge lists without merge key for ${cur.schema?.type ?? 'struct'}`);
  const [list, patchItems] = applySpecialElements({ arr: original, len: original.length }, patch, mergeKey);
  const serverOrder = items(list);
  for (const v of patchItems) {
    const item = v as JsonMap;
    if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const found = findMapByKey(items(list), { key: mergeKey, value: item[mergeKey] });
    if (found) list.arr[found.index] = mergeMap(found.map, item, cur);
    else append(list, item);
  }
  const [inPatch, serverOnly] = partitionMaps(items(list), { by: patchItems, mergeKey });
  return normalizeElementOrder(inPatch, serverOnly, { patchOrder: patchItems, serverOrder, mergeKey, kind });
}

/**
 * Apply the `$patch` items of a list of maps: `delete` removes every original item with that
 * merge key, `replace` makes the rest of the patch the whole list. Returns the list to merge
 * into and the patch items left to merge.
 */
function applySpecialElements(original: GoSlice, patch: Json[], mergeKey: string): [GoSlice, Json[]] {
  const plain: Json[] = [];
  let replace = false;
  for (const v of patch) {
    const item = v as JsonMap;
    if (!Object.hasOwn(item, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      const want = { key: mergeKey, value: item[mergeKey] };
      for (let found = findMapByKey(items(original), want); found; found = findMapByKey(items(original), want)) deleteAt(original, found.index);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw internal('merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(directive, item);
    }
  }
  return replace ? [{ arr: plain, len: plain.length }, []] : [original, plain];
}

/**
 * Apply a strategic merge patch to `original` and return the result; neither argument is
 * modified. `opts.schema` is the resolved schema of the root object (undefined: no merge
 * information, so every list is replaced). Throws StrategicMergeError.
 */
export function strategicMergePatch(original: JsonMap, patch: JsonMap, opts: { lookup: SchemaLookup; schema: Schema | undefined }): JsonMap {
  return mergeMap(structuredClone(original), structuredClone(patch), { lookup: opts.lookup, schema: opts.schema });
}
