/**
 * @module The informer's local copy of a resource: objects by `namespace/name`, plus any number
 * of indexes (by namespace, by a label, by any function). Readers get `ObjectCache`; only the
 * informer writes. Objects are shared, not copied: treat what you read as read-only, and copy
 * (`deepCopy` in api/types.ts) before changing and sending it back.
 */
import type { KubeObject } from '../api/types.js';

/** Reading side of a cache, what controllers, the proxy and DNS see. */
export interface ObjectCache<T extends KubeObject = KubeObject> {
  /** The object `namespace/name` (leave `namespace` out for cluster-scoped kinds), or undefined. */
  get(name: string, namespace?: string): T | undefined;
  /** Every object, or those in one namespace. No particular order. */
  list(namespace?: string): T[];
  /** Objects for which index function `index` returned `value`. Throws on an unknown index. */
  byIndex(index: string, value: string): T[];
}

/** Values under which an object is indexed; `[]` leaves it out of the index. */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => string[];

/** The built-in index of every cache: by `metadata.namespace` (`""` for cluster-scoped objects). */
export const NAMESPACE_INDEX = 'namespace';

/** An index on one label's value: `byIndex('app', 'web')` after `{ app: labelIndex('app') }`. */
export function labelIndex(label: string): IndexFunc {
  return (obj) => {
    const value = obj.metadata.labels?.[label];
    return value === undefined ? [] : [value];
  };
}

/** client-go's MetaNamespaceKeyFunc: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KubeObject): string {
  const { namespace, name = '' } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** The inverse of `objectKey`. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** What `replace` changed, in the order an informer reports it. */
export interface ReplaceResult<T> {
  added: T[];
  /** `[old, new]` pairs whose resourceVersion differs. */
  updated: Array<[T, T]>;
  /** Objects that were cached and are not in the new list (their last known state). */
  deleted: T[];
}

/** The writable cache behind an informer. */
export class IndexedCache<T extends KubeObject = KubeObject> implements ObjectCache<T> {
  #items = new Map<string, T>();
  #indexers = new Map<string, IndexFunc<T>>();
  /**
   * index name → value → keys: one key as the string itself, more as a Set. Most values index
   * one object (a Service's selector, a slice's Service, an owner's uid): a Set each was ~150
   * bytes per object and index, and a new one at every update of the object.
   */
  #indices = new Map<string, Map<string, string | Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.#indexers.set(NAMESPACE_INDEX, (obj) => [obj.metadata.namespace ?? '']);
    this.addIndexers(indexers);
  }

  /** Adds indexes and indexes what is already cached. A name already in use throws. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.#indexers.has(name)) throw new Error(`client/cache: index ${JSON.stringify(name)} already exists`);
      this.#indexers.set(name, fn);
    }
    for (const [key, obj] of this.#items) this.#index(key, obj, Object.keys(indexers));
  }

  get size(): number {
    return this.#items.size;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#items.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.#items.get(key);
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.#items.values()];
    return this.byIndex(NAMESPACE_INDEX, namespace);
  }

  byIndex(index: string, value: string): T[] {
    if (!this.#indexers.has(index)) throw new Error(`client/cache: no index named ${JSON.stringify(index)}`);
    const keys = this.#indices.get(index)?.get(value);
    if (keys === undefined) return [];
    if (typeof keys === 'string') return [this.#items.get(keys)!];
    const out: T[] = [];
    for (const key of keys) out.push(this.#items.get(key)!);
    return out;
  }

  /** Stores `obj` under its key; returns what was there before. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.#items.get(key);
    if (old) this.#unindex(key, old);
    this.#items.set(key, obj);
    this.#index(key, obj);
    return old;
  }

  /** Removes the object with `obj`'s key; returns what was there, if anything. */
  remove(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.#items.get(key);
    if (!old) return undefined;
    this.#unindex(key, old);
    this.#items.delete(key);
    return old;
  }

  /**
   * Makes the cache hold exactly `items` (a fresh list) and says what changed. An object whose
   * resourceVersion did not change keeps its cached copy and is not reported.
   */
  replace(items: T[]): ReplaceResult<T> {
    const result: ReplaceResult<T> = { added: [], updated: [], deleted: [] };
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.#items.get(key);
      if (!old) {
        this.upsert(obj);
        result.added.push(obj);
      } else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) {
        this.upsert(obj);
        result.updated.push([old, obj]);
      }
    }
    for (const [key, old] of [...this.#items]) {
      if (seen.has(key)) continue;
      this.#unindex(key, old);
      this.#items.delete(key);
      result.deleted.push(old);
    }
    return result;
  }

  #index(key: string, obj: T, names: Iterable<string> = this.#indexers.keys()): void {
    for (const name of names) {
      let index = this.#indices.get(name);
      if (!index) this.#indices.set(name, (index = new Map()));
      for (const value of this.#indexers.get(name)!(obj)) {
        const keys = index.get(value);
        if (keys === undefined) index.set(value, key);
        else if (typeof keys !== 'string') keys.add(key);
        else if (keys !== key) index.set(value, new Set([keys, key]));
      }
    }
  }

  #unindex(key: string, obj: T): void {
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name);
      if (!index) continue;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        if (keys === undefined) continue;
        if (typeof keys === 'string') {
          if (keys === key) index.delete(value);
          continue;
        }
        keys.delete(key);
        if (keys.size === 1) index.set(value, keys.values().next().value!);
      }
    }
  }
}
