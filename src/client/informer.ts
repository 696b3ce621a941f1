/**
 * @module Informers: a Reflector feeding an IndexedCache, and handlers told about each change
 * (client-go's SharedIndexInformer). Contract of the handlers, as in client-go:
 *  - `onAdd` for objects new to the cache, `onUpdate(old, new)` for changed ones (`old` is the
 *    cached copy, which may be several changes behind), `onDelete` for removed ones;
 *  - after a relist (410, or a restart) the cache is compared with the fresh list: new objects
 *    are adds, objects with another resourceVersion are updates, and objects no longer listed
 *    are deletes carrying their last cached state (client-go would wrap those in a
 *    DeletedFinalStateUnknown; kubito hands over the object itself);
 *  - handlers run synchronously, in order, after the cache has changed; they should only
 *    enqueue keys. A handler that throws is reported through `onError` and the others still run.
 */
import type { KubeObject } from '../api/types.js';
import { IndexedCache, type IndexFunc, type ObjectCache } from './cache.js';
import { Reflector, type ListerWatcher, type ReflectorOptions } from './reflector.js';

export interface InformerHandlers<T extends KubeObject = KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

/** One watched resource (optionally one namespace or selector) and its cache. */
export interface Informer<T extends KubeObject = KubeObject> {
  /** The local copy; complete once `hasSynced()`. */
  readonly cache: ObjectCache<T>;
  /**
   * Adds handlers. Added after the first sync, they first get `onAdd` for every cached object.
   * Returns a function that removes them.
   */
  addHandlers(handlers: InformerHandlers<T>): () => void;
  /** Adds cache indexes (they index what is cached already). Names must be new. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void;
  /** Starts listing and watching. Idempotent. */
  start(): void;
  /** Stops for good: no timers, no open watch. Pending `waitForSync()` calls resolve false. */
  stop(): void;
  /** True once the first list has been applied to the cache and told to the handlers. */
  hasSynced(): boolean;
  /** Resolves true at the first sync, false if stopped before it. */
  waitForSync(): Promise<boolean>;
  /** The resourceVersion the cache reflects; `""` before the first list. */
  lastSyncResourceVersion(): string;
}

export interface InformerOptions<T extends KubeObject = KubeObject> extends ReflectorOptions {
  indexers?: Record<string, IndexFunc<T>>;
  /** Names the informer in the default error lines, e.g. `pods`. */
  name?: string;
  /** List/watch failures and handler exceptions. Default: one line on stderr. */
  onError?: (err: Error) => void;
}

/** The Informer implementation; one per list/watch, shared by any number of handlers. */
export class SharedInformer<T extends KubeObject = KubeObject> implements Informer<T> {
  readonly cache: ObjectCache<T>;
  #cache: IndexedCache<T>;
  #reflector: Reflector<T>;
  #handlers: InformerHandlers<T>[] = [];
  #synced = false;
  #stopped = false;
  #waiters: Array<(synced: boolean) => void> = [];
  #onError: (err: Error) => void;

  constructor(source: ListerWatcher<T>, options: InformerOptions<T> = {}) {
    this.#cache = new IndexedCache<T>(options.indexers);
    this.cache = this.#cache;
    const name = options.name ?? 'informer';
    this.#onError = options.onError ?? ((err) => process.stderr.write(`kubito client ${name}: ${err.message}\n`));
    this.#reflector = new Reflector<T>(
      source,
      { replace: (items) => this.#replace(items), apply: (type, obj) => this.#apply(type, obj) },
      { ...options, onError: this.#onError },
    );
  }

  addHandlers(handlers: InformerHandlers<T>): () => void {
    this.#handlers.push(handlers);
    if (this.#synced) {
      for (const obj of this.#cache.list()) this.#call(() => handlers.onAdd?.(obj));
    }
    return () => {
      const i = this.#handlers.indexOf(handlers);
      if (i >= 0) this.#handlers.splice(i, 1);
    };
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.#cache.addIndexers(indexers);
  }

  start(): void {
    if (!this.#stopped) this.#reflector.start();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reflector.stop();
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve(false);
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  waitForSync(): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (this.#stopped) return Promise.resolve(false);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  lastSyncResourceVersion(): string {
    return this.#reflector.lastSyncResourceVersion;
  }

  #replace(items: T[]): void {
    const { added, updated, deleted } = this.#cache.replace(items);
    for (const obj of added) this.#each((h) => h.onAdd?.(obj));
    for (const [oldObj, newObj] of updated) this.#each((h) => h.onUpdate?.(oldObj, newObj));
    for (const obj of deleted) this.#each((h) => h.onDelete?.(obj));
    if (!this.#synced) {
      this.#synced = true;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve(true);
    }
  }

  #apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    if (type === 'DELETED') {
      this.#cache.remove(obj);
      this.#each((h) => h.onDelete?.(obj));
      return;
    }
    const old = this.#cache.upsert(obj);
    if (old) this.#each((h) => h.onUpdate?.(old, obj));
    else this.#each((h) => h.onAdd?.(obj));
  }

  #each(fn: (handlers: InformerHandlers<T>) => void): void {
    for (const handlers of [...this.#handlers]) this.#call(() => fn(handlers));
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#onError(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
