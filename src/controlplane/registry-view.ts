/**
 * @module A registry's objects as a map of slim views, kept by a watch (upstream's listers):
 * the store delivers watch events synchronously as each write commits, so the map is current
 * whenever a request runs. Once the watch has ended the map is empty and `get` answers
 * undefined: callers then read the registry live.
 */
import type { KubeObject } from '../api/types.js';
import type { RegistryWatch, RestStorage } from '../apiserver/registry/rest-storage.js';

export interface RegistryViewOptions<V> {
  /** The map's key of an object. */
  keyOf(obj: KubeObject): string;
  /** What the map keeps of an object. */
  viewOf(obj: KubeObject): V;
  /** Called after an object is added or changed (not deleted). */
  onSet?(key: string, view: V): void;
}

export class RegistryView<V> {
  readonly #views = new Map<string, V>();
  #live = false;
  #watch: RegistryWatch | undefined;

  private constructor() {}

  /** Starts watching `storage` (all namespaces); exact from the moment this resolves. */
  static async start<V>(storage: RestStorage, options: RegistryViewOptions<V>): Promise<RegistryView<V>> {
    const view = new RegistryView<V>();
    view.#live = true;
    view.#watch = await storage.watch('', { resourceVersion: '0' }, {
      onEvent: (ev) => {
        const key = options.keyOf(ev.object);
        if (ev.type === 'DELETED') {
          view.#views.delete(key);
          return;
        }
        const v = options.viewOf(ev.object);
        view.#views.set(key, v);
        options.onSet?.(key, v);
      },
      onClose: () => view.#end(),
    });
    return view;
  }

  /** The view kept under `key`; undefined when there is none or the watch has ended. */
  get(key: string): V | undefined {
    return this.#live ? this.#views.get(key) : undefined;
  }

  stop(): void {
    this.#watch?.stop();
    this.#end();
  }

  #end(): void {
    this.#live = false;
    this.#views.clear();
  }
}
