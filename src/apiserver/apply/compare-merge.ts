/**
 * @module The two value operations server-side apply is built on, after structured-merge-
 * diff's typed.Compare and typed.Merge: which fields differ between two versions of an
 * object, and the applied configuration merged over the live object.
 */
import { FieldSet } from './field-set.js';
import { type Json, type PathElement, elementString, fieldElement, serializeElement } from './fieldpath.js';
import { type Atom, type TypeRef, type Typed, type Types, deduceAtom, isMapValue, jsonEqual } from './typed.js';

/** Fields added, modified and removed going from one value to another. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** undefined means "absent"; null is a present JSON null. */
type Maybe = Json | undefined;

function sameAtom(a: Atom, b: Atom): boolean {
  return a.map === b.map && a.list === b.list && a.scalar === b.scalar;
}

function itemElement(types: Types, atom: Atom, item: Json): PathElement | undefined {
  try {
    return types.listItemElement(atom.list!, item);
  } catch {
    return undefined;
  }
}

/** Compare `lhs` (before) with `rhs` (after). Fields the schema does not declare are compared as deduced. */
export function compare(t: Typed, pair: { lhs: Maybe; rhs: Maybe }): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareAt(t.types, pair.lhs, pair.rhs, t.ref, { c, parent: undefined, pe: undefined, key: '', nodes: [undefined, undefined, undefined] });
  return c;
}

const ADDED = 0;
const MODIFIED = 1;
const REMOVED = 2;
type Which = typeof ADDED | typeof MODIFIED | typeof REMOVED;

/**
 * Where the walk is: the path element it is under (none at the root) and its FieldsV1 key, with
 * the node of each result set for this path once something was recorded below it. A difference
 * is added to its parent's node (made on demand, each level once), so the walk neither builds
 * a path per field nor walks every recorded path down from the root again.
 */
interface At {
  c: Comparison;
  parent: At | undefined;
  pe: PathElement | undefined;
  key: string;
  nodes: [FieldSet | undefined, FieldSet | undefined, FieldSet | undefined];
}

function below(at: At, pe: PathElement, key = serializeElement(pe)): At {
  return { c: at.c, parent: at, pe, key, nodes: [undefined, undefined, undefined] };
}

/** The set of `which` at this path (the root set at the root), made on the way down when missing. */
function nodeOf(at: At, which: Which): FieldSet {
  let node = at.nodes[which];
  if (node === undefined) {
    node = at.parent === undefined ? [at.c.added, at.c.modified, at.c.removed][which] : nodeOf(at.parent, which).childFor(at.pe!, at.key);
    at.nodes[which] = node;
  }
  return node;
}

/** Records this path as added, modified or removed (nothing at the root: the whole object is not tracked). */
function record(at: At, which: Which): void {
  if (at.parent !== undefined) nodeOf(at.parent, which).addMember(at.pe!, at.key);
}

function compareAt(types: Types, lhs: Maybe, rhs: Maybe, ref: TypeRef, at: At): void {
  const atom = types.atom(ref);
  const al = deduceAtom(atom, lhs);
  const ar = deduceAtom(atom, rhs);
  let inLeaf = false;
  if (rhs === undefined) inLeaf = compareAs(types, al, { lhs, rhs, at });
  else if (lhs === undefined || sameAtom(al, ar)) inLeaf = compareAs(types, ar, { lhs, rhs, at });
  else {
    compareAs(types, al, { lhs, rhs, at });
    inLeaf = compareAs(types, ar, { lhs, rhs, at });
  }
  if (!inLeaf) {
    if (lhs === undefined) record(at, ADDED);
    else if (rhs === undefined) record(at, REMOVED);
  }
}

/** Compares the two values as `a` says (map, scalar or list); returns whether the walk is in a leaf. */
function compareAs(types: Types, a: Atom, v: { lhs: Maybe; rhs: Maybe; at: At }): boolean {
  if (a.map) return compareMap(types, a, v.lhs, v.rhs, v.at);
  if (a.scalar) return leaf(v.lhs, v.rhs, v.at);
  if (a.list) return compareList(types, a, v.lhs, v.rhs, v.at);
  return false;
}

/** A leaf: added, removed or modified as a whole. Returns true (the walk is in a leaf). */
function leaf(lhs: Maybe, rhs: Maybe, at: At): boolean {
  if (lhs === undefined) record(at, ADDED);
  else if (rhs === undefined) record(at, REMOVED);
  else if (!jsonEqual(lhs, rhs)) record(at, MODIFIED);
  return true;
}

function compareMap(types: Types, atom: Atom, lhs: Maybe, rhs: Maybe, at: At): boolean {
  const l = isMapValue(lhs) ? lhs : undefined;
  const r = isMapValue(rhs) ? rhs : undefined;
  const empty = (!l || Object.keys(l).length === 0) && (!r || Object.keys(r).length === 0);
  if (atom.map!.atomic || empty) return leaf(lhs, rhs, at);
  // The keys of lhs, then those only rhs has (the order a Set of both would give).
  if (l) {
    for (const k of Object.keys(l)) {
      const rv = r && Object.hasOwn(r, k) ? r[k] : undefined;
      compareAt(types, l[k], rv, types.fieldType(atom.map!, k) ?? 'deduced', below(at, fieldElement(k), `f:${k}`));
    }
  }
  if (r) {
    for (const k of Object.keys(r)) {
      if (l && Object.hasOwn(l, k)) continue;
      compareAt(types, undefined, r[k], types.fieldType(atom.map!, k) ?? 'deduced', below(at, fieldElement(k), `f:${k}`));
    }
  }
  return false;
}

function compareList(types: Types, atom: Atom, lhs: Maybe, rhs: Maybe, at: At): boolean {
  const l = Array.isArray(lhs) ? lhs : undefined;
  const r = Array.isArray(rhs) ? rhs : undefined;
  const empty = (!l || l.length === 0) && (!r || r.length === 0);
  if (atom.list!.atomic || empty) return leaf(lhs, rhs, at);
  // Items by their FieldsV1 key (one text per element, which also names its node).
  const order: Array<{ pe: PathElement; key: string }> = [];
  const lValues = new Map<string, Json[]>();
  const rValues = new Map<string, Json[]>();
  for (const [list, values, other] of [[l, lValues, undefined], [r, rValues, lValues]] as const) {
    for (const item of list ?? []) {
      const pe = itemElement(types, atom, item);
      if (!pe) continue;
      const key = serializeElement(pe);
      const seen = values.get(key);
      if (seen) seen.push(item);
      else {
        values.set(key, [item]);
        if (!other?.has(key)) order.push({ pe, key });
      }
    }
  }
  for (const { pe, key } of order) {
    const ls = lValues.get(key) ?? [];
    const rs = rValues.get(key) ?? [];
    const item = below(at, pe, key);
    if (ls.length <= 1 && rs.length <= 1) compareAt(types, ls[0], rs[0], atom.list!.elem, item);
    else if (ls.length >= 2 && rs.length >= 2) {
      if (!jsonEqual(ls, rs)) record(item, MODIFIED);
    } else if (ls.length >= 2) {
      if (rs.length > 0) compareAt(types, undefined, rs[0], atom.list!.elem, item);
      record(item, REMOVED);
    } else {
      if (ls.length > 0) compareAt(types, ls[0], undefined, atom.list!.elem, item);
      record(item, ADDED);
    }
  }
  return false;
}

/**
 * `rhs` (the applied configuration) merged over `lhs` (the live object): scalars and atomic
 * values are taken from rhs when it has them; maps merge key by key; associative lists merge
 * item by item, keeping the live order and placing new items as structured-merge-diff does.
 * Returns undefined when the merge leaves nothing (an emptied granular map or list).
 */
export function merge(t: Typed, pair: { lhs: Maybe; rhs: Maybe }): Maybe {
  return mergeAt(t.types, pair.lhs, pair.rhs, t.ref);
}

function mergeAt(types: Types, lhs: Maybe, rhs: Maybe, ref: TypeRef): Maybe {
  const atom = types.atom(ref);
  const a = rhs === undefined ? deduceAtom(atom, lhs) : deduceAtom(atom, rhs);
  if (a.map) return mergeMap(types, a, lhs, rhs);
  if (a.scalar) return rhs !== undefined ? rhs : lhs;
  if (a.list) return mergeList(types, a, lhs, rhs);
  return rhs !== undefined ? rhs : lhs;
}

function mergeMap(types: Types, atom: Atom, lhs: Maybe, rhs: Maybe): Maybe {
  const l = isMapValue(lhs) ? lhs : undefined;
  const r = isMapValue(rhs) ? rhs : undefined;
  const empty = (!l || Object.keys(l).length === 0) && (!r || Object.keys(r).length === 0);
  if (atom.map!.atomic || empty) return rhs !== undefined ? rhs : lhs;
  const out: Record<string, Json> = {};
  for (const k of new Set([...Object.keys(l ?? {}), ...Object.keys(r ?? {})])) {
    const lv = l && Object.hasOwn(l, k) ? l[k] : undefined;
    const rv = r && Object.hasOwn(r, k) ? r[k] : undefined;
    const v = mergeAt(types, lv, rv, types.fieldType(atom.map!, k) ?? 'deduced');
    if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

interface Indexed {
  items: Json[];
  names: string[];
  values: Map<string, Json>;
}

function index(types: Types, atom: Atom, list: Json[] | undefined): Indexed {
  const out: Indexed = { items: [], names: [], values: new Map() };
  for (const item of list ?? []) {
    const pe = itemElement(types, atom, item);
    if (!pe) continue;
    const name = elementString(pe);
    // A key seen twice (only possible on the live side) merges as a null item.
    out.values.set(name, out.values.has(name) ? null : item);
    out.items.push(item);
    out.names.push(name);
  }
  return out;
}

/** typed mergingWalker.visitListItems: live order, with applied items placed after their predecessors. */
function mergeList(types: Types, atom: Atom, lhs: Maybe, rhs: Maybe): Maybe {
  const l = Array.isArray(lhs) ? lhs : undefined;
  const r = Array.isArray(rhs) ? rhs : undefined;
  const empty = (!l || l.length === 0) && (!r || r.length === 0);
  if (atom.list!.atomic || empty) return rhs !== undefined ? rhs : lhs;
  const elem = atom.list!.elem;
  const L = index(types, atom, l);
  const R = index(types, atom, r);
  const out: Json[] = [];
  const item = (name: string): void => {
    const v = mergeAt(types, L.values.get(name), R.values.get(name), elem);
    if (v !== undefined) out.push(v);
  };
  const shared = R.names.filter((n) => L.values.has(n));
  let nextShared: string | undefined = shared.shift();
  const merged = new Set<string>();
  let li = 0;
  let ri = 0;
  while (li < L.names.length || ri < R.names.length) {
    if (li < L.names.length && ri < R.names.length) {
      const name = L.names[li];
      if (name === R.names[ri]) {
        merged.add(name);
        item(name);
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      if (R.values.has(name) && nextShared !== undefined && nextShared !== name) {
        li++;
        continue;
      }
    }
    if (li < L.names.length) {
      const name = L.names[li];
      if (!R.values.has(name)) {
        const v = mergeAt(types, L.items[li], undefined, elem);
        if (v !== undefined) out.push(v);
        li++;
        continue;
      } else if (merged.has(name)) {
        li++;
      }
    }
    if (ri < R.names.length) {
      const name = R.names[ri];
      merged.add(name);
      item(name);
      ri++;
      if (nextShared === name) nextShared = shared.shift();
    }
  }
  return out.length > 0 ? out : undefined;
}
