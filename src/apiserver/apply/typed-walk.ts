/**
 * @module Schema-driven walks over plain JSON values, after structured-merge-diff's typed
 * package: validate an applied configuration, list the fields a value sets (ToFieldSet),
 * remove a set of fields from a value (RemoveItems), and complete a set with the named
 * struct fields above its leaves (EnsureNamedFieldsAreMembers).
 */
import { goTypeName, goValue } from '../patch/go-format.js';
import { FieldSet } from './field-set.js';
import { type Json, type Path, type PathElement, elementString, fieldElement } from './fieldpath.js';
import { type Atom, type TypeRef, type Typed, type Types, deduceAtom, isMapValue } from './typed.js';

/** One problem found in a value: `.spec.replicas: expected numeric (int or float), got string`. */
export class ValidationErrors extends Error {
  readonly errors: string[];

  constructor(errors: string[]) {
    super(errors.length === 1 ? errors[0] : ['errors:', ...errors.map((e) => `  ${e}`)].join('\n'));
    this.name = 'ValidationErrors';
    this.errors = errors;
  }
}

function withPath(prefix: string, message: string): string {
  return message.startsWith('.') || message.startsWith('[') ? `${prefix}${message}` : `${prefix}: ${message}`;
}

function validateScalar(kind: string, v: Json): string | undefined {
  if (v === null || v === undefined) return undefined;
  switch (kind) {
    case 'numeric':
      return typeof v === 'number' ? undefined : `expected numeric (int or float), got ${goTypeName(v)}`;
    case 'string':
      return typeof v === 'string' ? undefined : `expected string, got &value.valueUnstructured{Value:${goValue(v)}}`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `expected boolean, got &{${goValue(v)}}`;
    default:
      return typeof v === 'object' ? `expected any scalar, got &{${goValue(v)}}` : undefined;
  }
}

/**
 * Check `value` against its type as upstream does for an applied configuration: undeclared
 * fields, scalar types, list items without keys, duplicate keys. Returns error strings whose
 * path prefixes read like `.spec.ports[port=80,protocol="TCP"]`.
 */
export function validate(t: Typed, value: Json): string[] {
  return validateAt(t.types, value, t.ref);
}

function validateAt(types: Types, value: Json, ref: TypeRef): string[] {
  const atom = deduceAtom(types.atom(ref), value);
  if (atom.map) {
    if (value === null || value === undefined) return [];
    if (!isMapValue(value)) return [`expected map, got &{${goValue(value)}}`];
    const errs: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      const t = types.fieldType(atom.map, k);
      if (!t) {
        // Upstream stops at the first undeclared field of a map.
        errs.push(`.${k}: field not declared in schema`);
        break;
      }
      for (const e of validateAt(types, v, t)) errs.push(withPath(`.${k}`, e));
    }
    return errs;
  }
  if (atom.scalar) {
    const e = validateScalar(atom.scalar, value);
    return e ? [e] : [];
  }
  if (atom.list) {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) return [`expected list, got &{${goValue(value)}}`];
    if (atom.list.atomic) return [];
    const errs: string[] = [];
    const seen = new Set<string>();
    value.forEach((item, i) => {
      let pe: PathElement;
      try {
        pe = types.listItemElement(atom.list!, item);
      } catch (err) {
        errs.push(`element ${i}: ${(err as Error).message}`);
        return;
      }
      const name = elementString(pe);
      if (seen.has(name)) {
        errs.push(`duplicate entries for key ${name}`);
        return;
      }
      seen.add(name);
      for (const e of validateAt(types, item, atom.list!.elem)) errs.push(withPath(name, e));
    });
    return errs;
  }
  return ['schema error: invalid atom: inlined'];
}

/** The element of a list item, or undefined when it has none (invalid data is skipped). */
function itemElement(types: Types, atom: Atom, item: Json): PathElement | undefined {
  try {
    return types.listItemElement(atom.list!, item);
  } catch {
    return undefined;
  }
}

/**
 * The fields `value` sets (ToFieldSet): scalars and atomic values are leaves; list items and
 * map entries are members; struct fields are members only when null or empty.
 */
export function toFieldSet(t: Typed, value: Json): FieldSet {
  const set = new FieldSet();
  walkFieldSet(t.types, value, t.ref, [], set);
  return set;
}

function walkFieldSet(types: Types, value: Json, ref: TypeRef, path: Path, set: FieldSet): void {
  const atom = deduceAtom(types.atom(ref), value);
  if (atom.map) {
    if (atom.map.atomic) return set.insert(path);
    if (!isMapValue(value)) return;
    for (const [k, v] of Object.entries(value)) {
      const childPath = [...path, fieldElement(k)];
      walkFieldSet(types, v, types.fieldType(atom.map, k) ?? 'deduced', childPath, set);
      const declared = atom.map.fields !== undefined && Object.hasOwn(atom.map.fields, k);
      if (v === null || (isMapValue(v) && Object.keys(v).length === 0) || !declared) set.insert(childPath);
    }
    return;
  }
  if (atom.scalar) return set.insert(path);
  if (atom.list) {
    if (atom.list.atomic) return set.insert(path);
    if (!Array.isArray(value)) return;
    const seen = new Set<string>();
    const dups = new Set<string>();
    for (const item of value) {
      const pe = itemElement(types, atom, item);
      if (!pe) continue;
      const name = elementString(pe);
      if (seen.has(name) && !dups.has(name)) {
        dups.add(name);
        set.insert([...path, pe]);
      }
      seen.add(name);
    }
    for (const item of value) {
      const pe = itemElement(types, atom, item);
      if (!pe || dups.has(elementString(pe))) continue;
      walkFieldSet(types, item, atom.list.elem, [...path, pe], set);
      set.insert([...path, pe]);
    }
  }
}

/** Adds, as members, every declared struct field that has members below it. */
export function ensureNamedFieldsAreMembers(t: Typed, set: FieldSet): FieldSet {
  return namedMembers(t.types, set, t.ref);
}

function namedMembers(types: Types, set: FieldSet, ref: TypeRef | undefined): FieldSet {
  const atom = ref ? types.atom(ref) : {};
  const out = new FieldSet();
  for (const pe of set.members()) out.insert([pe]);
  for (const { pe, set: child } of set.children()) {
    let childRef: TypeRef | undefined;
    if ('field' in pe && atom.map) {
      if (atom.map.fields && Object.hasOwn(atom.map.fields, pe.field)) out.insert([pe]);
      childRef = types.fieldType(atom.map, pe.field);
    } else if ('key' in pe && atom.list) {
      childRef = atom.list.elem;
    }
    for (const p of namedMembers(types, child, childRef).paths()) out.insert([pe, ...p]);
  }
  return out;
}

/**
 * A copy of `value` without the fields in `toRemove` (RemoveItems). As upstream, a map or list
 * that the removal empties becomes null (a typed object then omits it).
 */
export function removeItems(t: Typed, opts: { value: Json; toRemove: FieldSet }): Json {
  return removeAt(t.types, opts.value, opts.toRemove, t.ref);
}

function removeAt(types: Types, value: Json, toRemove: FieldSet, ref: TypeRef): Json {
  const atom = deduceAtom(types.atom(ref), value);
  if (atom.map) {
    if (!isMapValue(value)) return null;
    if (atom.map.atomic) return Object.keys(value).length > 0 ? value : null;
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      const pe = fieldElement(k);
      if (toRemove.hasMember(pe)) continue;
      const sub = toRemove.withPrefix(pe);
      out[k] = sub.isEmpty() ? v : removeAt(types, v, sub, types.fieldType(atom.map, k) ?? 'deduced');
    }
    return Object.keys(out).length > 0 ? out : null;
  }
  if (atom.scalar) return value;
  if (atom.list) {
    if (!Array.isArray(value) || value.length === 0) return null;
    if (atom.list.atomic) return value;
    const out: Json[] = [];
    for (const item of value) {
      const pe = itemElement(types, atom, item);
      if (pe && toRemove.hasMember(pe)) continue;
      const sub = pe ? toRemove.withPrefix(pe) : new FieldSet();
      out.push(sub.isEmpty() ? item : removeAt(types, item, sub, atom.list.elem));
    }
    return out.length > 0 ? out : null;
  }
  return value;
}
