/**
 * @module How server-side apply sees a value's type, derived from the OpenAPI-style schema
 * the way kube-openapi's schemaconv builds structured-merge-diff types: objects are maps
 * (granular unless `x-kubernetes-map-type: atomic`), arrays are atomic unless
 * `x-kubernetes-list-type` (or, failing that, `x-kubernetes-patch-strategy: merge` with its
 * merge key) makes them associative, and anything without a schema is "deduced" from the
 * value: maps granular, lists atomic.
 */
import type { Schema } from '../../api/schema/types.js';
import { goQuote } from '../patch/go-format.js';
import { type SchemaLookup, resolve } from '../patch/schema-lookup.js';
import { type Json, type PathElement, keyElement } from './fieldpath.js';

/** A type reference: a field's (unresolved) schema, or one of the two built-in untyped types. */
export type TypeRef = { readonly schema: Schema } | 'deduced' | 'untyped-atomic';

export type ScalarKind = 'numeric' | 'string' | 'boolean' | 'untyped';

export interface ListType {
  atomic: boolean;
  /** Key fields of an associative list of maps; empty for a set of scalars. */
  keys: string[];
  elem: TypeRef;
}

export interface MapType {
  atomic: boolean;
  /** Declared fields and their types (struct); undefined for a plain map. */
  fields: Record<string, Schema> | undefined;
  /** The type of undeclared keys; undefined when they are not allowed. */
  elem: TypeRef | undefined;
}

/** What a value may be; untyped atoms allow several, and the value picks (deduceAtom). */
export interface Atom {
  scalar?: ScalarKind;
  list?: ListType;
  map?: MapType;
}

const DEDUCED: Atom = {
  scalar: 'untyped',
  list: { atomic: true, keys: [], elem: 'untyped-atomic' },
  map: { atomic: false, fields: undefined, elem: 'deduced' },
};
const UNTYPED_ATOMIC: Atom = {
  scalar: 'untyped',
  list: { atomic: true, keys: [], elem: 'untyped-atomic' },
  map: { atomic: true, fields: undefined, elem: 'untyped-atomic' },
};

export function isMapValue(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value's place in the schema: the type registry and the type to resolve there. */
export interface Typed {
  types: Types;
  ref: TypeRef;
}

/** Resolves schemas to atoms; one per request, caching by schema object. */
export class Types {
  readonly lookup: SchemaLookup;
  readonly #cache = new WeakMap<Schema, Atom>();
  /** The reference of each declared field schema, made once: walks ask for the same fields on every write. */
  readonly #refs = new WeakMap<Schema, TypeRef>();

  constructor(lookup: SchemaLookup) {
    this.lookup = lookup;
  }

  /** The type of a kind's root definition (deduced when the registry lacks it). */
  root(name: string): TypeRef {
    const def = this.lookup.definition(name);
    return def ? { schema: def } : 'deduced';
  }

  atom(ref: TypeRef): Atom {
    if (ref === 'deduced') return DEDUCED;
    if (ref === 'untyped-atomic') return UNTYPED_ATOMIC;
    let atom = this.#cache.get(ref.schema);
    if (!atom) {
      atom = this.#build(ref.schema);
      this.#cache.set(ref.schema, atom);
    }
    return atom;
  }

  #build(field: Schema): Atom {
    const s = resolve(this.lookup, field);
    if (!s) return DEDUCED;
    const ext = <K extends keyof Schema>(k: K): Schema[K] => field[k] ?? s[k];
    const type = s.type ?? (s.properties || s.additionalProperties ? 'object' : s.items ? 'array' : undefined);
    switch (type) {
      case 'object': {
        const elem: TypeRef | undefined = s.additionalProperties
          ? { schema: s.additionalProperties }
          : s['x-kubernetes-preserve-unknown-fields'] || !s.properties
            ? 'deduced'
            : undefined;
        return { map: { atomic: ext('x-kubernetes-map-type') === 'atomic', fields: s.properties, elem } };
      }
      case 'array':
        return { list: this.#list(ext('x-kubernetes-list-type'), ext('x-kubernetes-list-map-keys'), ext('x-kubernetes-patch-strategy'), ext('x-kubernetes-patch-merge-key'), s.items) };
      case 'integer':
      case 'number':
        return { scalar: 'numeric' };
      case 'boolean':
        return { scalar: 'boolean' };
      case 'string':
        return { scalar: s['x-kubernetes-int-or-string'] || (s.format && s.format !== 'byte') ? 'untyped' : 'string' };
      default:
        return s['x-kubernetes-int-or-string'] ? { scalar: 'untyped' } : DEDUCED;
    }
  }

  #list(listType: string | undefined, mapKeys: string[] | undefined, strategy: string | undefined, mergeKey: string | undefined, items: Schema | undefined): ListType {
    const elem: TypeRef = items ? { schema: items } : 'deduced';
    if (listType !== undefined) {
      if (listType === 'set') return { atomic: false, keys: [], elem };
      if (listType === 'map') return { atomic: false, keys: mapKeys ?? [], elem };
      return { atomic: true, keys: [], elem };
    }
    // No list type: kube-openapi falls back to the strategic-merge-patch metadata.
    if (strategy === 'merge' || strategy === 'merge,retainKeys') return { atomic: false, keys: mergeKey ? [mergeKey] : [], elem };
    return { atomic: true, keys: [], elem };
  }

  /** The type of key `key` in a map: its declared field, else the element type, else undefined. */
  fieldType(map: MapType, key: string): TypeRef | undefined {
    const declared = map.fields && Object.hasOwn(map.fields, key) ? map.fields[key] : undefined;
    if (!declared) return map.elem;
    let ref = this.#refs.get(declared);
    if (ref === undefined) this.#refs.set(declared, (ref = { schema: declared }));
    return ref;
  }

  /** The default of key field `name` of a list's items, if the schema gives one. */
  keyDefault(list: ListType, name: string): Json | undefined {
    const itemMap = this.atom(list.elem).map;
    const field = itemMap?.fields?.[name];
    return field?.default ?? (field ? resolve(this.lookup, field)?.default : undefined);
  }

  /**
   * The path element of a list item (listItemToPathElement): its key fields (missing ones take
   * their schema default) or, for a set, its value. Throws with upstream's message.
   */
  listItemElement(list: ListType, item: Json): PathElement {
    if (list.keys.length > 0) {
      if (item === null) throw new Error('associative list with keys may not have a null element');
      if (!isMapValue(item)) throw new Error('associative list with keys may not have non-map elements');
      const fields: Array<[string, Json]> = [];
      for (const k of list.keys) {
        if (Object.hasOwn(item, k)) fields.push([k, item[k]]);
        else {
          const def = this.keyDefault(list, k);
          if (def !== undefined && def !== null) fields.push([k, def]);
        }
      }
      if (fields.length === 0) {
        throw new Error(`associative list with keys has an element that omits all key fields [${list.keys.map(goQuote).join(' ')}] (and doesn't have default values for any key fields)`);
      }
      return keyElement(fields);
    }
    if (isMapValue(item)) throw new Error("associative list without keys has an element that's a map type");
    if (Array.isArray(item)) throw new Error('not supported: associative list with lists as elements');
    if (item === null) throw new Error("associative list without keys has an element that's an explicit null");
    return { value: item };
  }
}

/** deduceAtom: keep only the part of an untyped atom that matches the value. */
export function deduceAtom(atom: Atom, v: Json | undefined): Atom {
  if (v === undefined || v === null) return atom;
  if (Array.isArray(v)) return atom.list ? { list: atom.list } : atom;
  if (typeof v === 'object') return atom.map ? { map: atom.map } : atom;
  return atom.scalar ? { scalar: atom.scalar } : atom;
}

/** Deep equality of JSON values (value.Equals). */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isMapValue(a) && isMapValue(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}
