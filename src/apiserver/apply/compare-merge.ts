/**
 * @module The two value operations server-side apply is built on, after structured-merge-
 * diff's typed.Compare and typed.Merge: which fields differ between two versions of an
 * object, and the applied configuration merged over the live object.
 */
import { FieldSet } from './field-set.js';
import { type Json, type Path, type PathElement, elementString, fieldElement } from './fieldpath.js';
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
  compareAt(t.types, pair.lhs, pair.rhs, t.ref, [], c);
  return c;
}

function compareAt(types: Types, lhs: Maybe, rhs: Maybe, ref: TypeRef, path: Path, c: Comparison): void {
  const atom = types.atom(ref);
  const al = deduceAtom(atom, lhs);
  const ar = deduceAtom(atom, rhs);
  let inLeaf = false;
  if (rhs === undefined) inLeaf = compareAs(types, al, { lhs, rhs, path, c });
  else if (lhs === undefined || sameAtom(al, ar)) inLeaf = compareAs(types, ar, { lhs, rhs, path, c });
  else {
    compareAs(types, al, { lhs, rhs, path, c });
    inLeaf = compareAs(types, ar, { lhs, rhs, path, c });
  }
  if (!inLeaf) {
    if (lhs === undefined) c.added.insert(path);
    else if (rhs === undefined) c.removed.insert(path);
  }
}

/** Compares the two values as `a` says (map, scalar or list); returns whether the walk is in a leaf. */
function compareAs(types: Types, a: Atom, at: { lhs: Maybe; rhs: Maybe; path: Path; c: Comparison }): boolean {
  if (a.map) return compareMap(types, a, at.lhs, at.rhs, at.path, at.c);
  if (a.scalar) return leaf(at.lhs, at.rhs, at.path, at.c);
  if (a.list) return compareList(types, a, at.lhs, at.rhs, at.path, at.c);
  return false;
}

/** A leaf: added, removed or modified as a whole. Returns true (the walk is in a leaf). */
function leaf(lhs: Maybe, rhs: Maybe, path: Path, c: Comparison): boolean {
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
  else if (!jsonEqual(lhs, rhs)) c.modified.insert(path);
  return true;
}

function compareMap(types: Types, atom: Atom, lhs: Maybe, rhs: Maybe, path: Path, c: Comparison): boolean {
  const l = isMapValue(lhs) ? lhs : undefined;
  const r = isMapValue(rhs) ? rhs : undefined;
  const empty = (!l || Object.keys(l).length === 0) && (!r || Object.keys(r).length === 0);
  if (atom.map!.atomic || empty) return leaf(lhs, rhs, path, c);
  // The keys of lhs, then those only rhs has (the order a Set of both would give).
  if (l) {
    for (const k of Object.keys(l)) {
      const rv = r && Object.hasOwn(r, k) ? r[k] : undefined;
      compareAt(types, l[k], rv, types.fieldType(atom.map!, k) ?? 'deduced', [...path, fieldElement(k)], c);
    }
  }
  if (r) {
    for (const k of Object.keys(r)) {
      if (l && Object.hasOwn(l, k)) continue;
      compareAt(types, undefined, r[k], types.fieldType(atom.map!, k) ?? 'deduced', [...path, fieldElement(k)], c);
    }
  }
  return false;
}

function compareList(types: Types, atom: Atom, lhs: Maybe, rhs: Maybe, path: Path, c: Comparison): boolean {
  const l = Array.isArray(lhs) ? lhs : undefined;
  const r = Array.isArray(rhs) ? rhs : undefined;
  const empty = (!l || l.length === 0) && (!r || r.length === 0);
  if (atom.list!.atomic || empty) return leaf(lhs, rhs, path, c);
  const order: PathElement[] = [];
  const lValues = new Map<string, Json[]>();
  const rValues = new Map<string, Json[]>();
  for (const [list, values, other] of [[l, lValues, undefined], [r, rValues, lValues]] as const) {
    for (const item of list ?? []) {
      const pe = itemElement(types, atom, item);
      if (!pe) continue;
      const name = elementString(pe);
      const seen = values.get(name);
      if (seen) seen.push(item);
      else {
        values.set(name, [item]);
        if (!other?.has(name)) order.push(pe);
      }
    }
  }
  for (const pe of order) {
    const name = elementString(pe);
    const ls = lValues.get(name) ?? [];
    const rs = rValues.get(name) ?? [];
    const itemPath = [...path, pe];
    if (ls.length <= 1 && rs.length <= 1) compareAt(types, ls[0], rs[0], atom.list!.elem, itemPath, c);
    else if (ls.length >= 2 && rs.length >= 2) {
      if (!jsonEqual(ls, rs)) c.modified.insert(itemPath);
    } else if (ls.length >= 2) {
      if (rs.length > 0) compareAt(types, undefined, rs[0], atom.list!.elem, itemPath, c);
      c.removed.insert(itemPath);
    } else {
      if (ls.length > 0) compareAt(types, ls[0], undefined, atom.list!.elem, itemPath, c);
      c.added.insert(itemPath);
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
