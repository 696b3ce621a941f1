/**
 * @module One informer per (resource, namespace, selectors) in a process, shared by every
 * controller that asks (client-go's SharedInformerFactory). Components ask for informers, add
 * handlers, then `start()` and `waitForSync()`; informers asked for after `start()` start at once.
 */
import type { KubeObject } from '../api/types.js';
import type { IndexFunc } from './cache.js';
import type { Client, ResourceRef } from './client.js';
import { SharedInformer, type Informer, type InformerOptions } from './informer.js';

export interface InformerFactoryOptions extends Omit<InformerOptions, 'indexers' | 'name' | 'namespace' | 'labelSelector' | 'fieldSelector'> {
  /** Default namespace of every informer; omitted: all namespaces. */
  namespace?: string;
}

export interface InformerRequest<T extends KubeObject = KubeObject> {
  /** Overrides the factory's namespace; `""` means all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Merged into the shared informer's cache; the same name must mean the same function. */
  indexers?: Record<string, IndexFunc<T>>;
}

interface Entry {
  informer: SharedInformer;
  indexers: Map<string, IndexFunc>;
}

export class InformerFactory {
  #client: Client;
  #options: InformerFactoryOptions;
  #entries = new Map<string, Entry>();
  #started = false;
  #stopped = false;

  constructor(client: Client, options: InformerFactoryOptions = {}) {
    this.#client = client;
    this.#options = options;
  }

  /** The shared informer for `ref` with these selectors, created on first request. */
  informer<T extends KubeObject = KubeObject>(ref: ResourceRef, request: InformerRequest<T> = {}): Informer<T> {
    const namespace = ref.namespaced ? (request.namespace ?? this.#options.namespace ?? '') : '';
    const key = [ref.group, ref.version, ref.resource, namespace, request.labelSelector ?? '', request.fieldSelector ?? ''].join('|');
    let entry = this.#entries.get(key);
    if (!entry) {
      const name = [ref.group ? `${ref.resource}.${ref.group}` : ref.resource, namespace && `in ${namespace}`].filter(Boolean).join(' ');
      const informer = new SharedInformer(this.#client.resource(ref), {
        ...this.#options,
        name,
        namespace: namespace || undefined,
        labelSelector: request.labelSelector,
        fieldSelector: request.fieldSelector,
      });
      entry = { informer, indexers: new Map() };
      this.#entries.set(key, entry);
      if (this.#stopped) informer.stop();
      else if (this.#started) informer.start();
    }
    const fresh: Record<string, IndexFunc> = {};
    for (const [name, fn] of Object.entries(request.indexers ?? {}) as Array<[string, IndexFunc]>) {
      const known = entry.indexers.get(name);
      if (known === fn) continue;
      if (known) throw new Error(`client/informer-factory: index ${JSON.stringify(name)} on ${ref.resource} is already defined differently`);
      entry.indexers.set(name, fn);
      fresh[name] = fn;
    }
    entry.informer.addIndexers(fresh);
    return entry.informer as unknown as Informer<T>;
  }

  /** Starts every informer asked for so far, and any asked for later. */
  start(): void {
    if (this.#stopped) return;
    this.#started = true;
    for (const { informer } of this.#entries.values()) informer.start();
  }

  /** Resolves true once every informer has synced; false if any was stopped first. */
  async waitForSync(): Promise<boolean> {
    const results = await Promise.all([...this.#entries.values()].map(({ informer }) => informer.waitForSync()));
    return results.every(Boolean);
  }

  /** Stops every informer, for good. */
  stop(): void {
    this.#stopped = true;
    for (const { informer } of this.#entries.values()) informer.stop();
  }
}
