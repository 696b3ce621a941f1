/**
 * @module The namespace check of every namespaced create (upstream's NamespaceLifecycle
 * admission): the namespace must exist and not be terminating. A registry watch keeps the
 * namespaces' states in memory. The store delivers watch events synchronously as each write
 * commits, so the map is current whenever a request runs, and an admitted create costs no read.
 * Refusals are checked against the store again before they are given (they are rare, and a
 * read makes them exact even if the watch has ended), as upstream looks a namespace up live
 * when its cache does not have it.
 */
import { newForbidden, newNotFound } from '../api/errors.js';
import type { RestStorage } from '../apiserver/registry/rest-storage.js';
import { RegistryView } from './registry-view.js';

export class NamespaceGate {
  readonly #namespaces: RestStorage;
  /** Namespace name -> whether it is terminating. */
  readonly #states: RegistryView<boolean>;

  private constructor(namespaces: RestStorage, states: RegistryView<boolean>) {
    this.#namespaces = namespaces;
    this.#states = states;
  }

  /** Starts watching the namespaces registry; the gate is exact from the moment this resolves. */
  static async start(namespaces: RestStorage): Promise<NamespaceGate> {
    const states = await RegistryView.start(namespaces, { keyOf: (ns) => ns.metadata.name ?? '', viewOf: (ns) => !!ns.metadata.deletionTimestamp });
    return new NamespaceGate(namespaces, states);
  }

  /**
   * Resolves when `namespace` accepts new objects; throws NotFound or Forbidden otherwise. The
   * Forbidden names `target` (what is being created) and carries the NamespaceTerminating cause,
   * as upstream's admission error does: controllers recognise it and stop retrying.
   */
  async check(namespace: string, target: { group: string; resource: string; name: string } = { group: '', resource: 'namespaces', name: namespace }): Promise<void> {
    if (this.#states.get(namespace) === false) return;
    const ns = await this.#namespaces.get('', namespace).catch(() => undefined);
    if (!ns) throw newNotFound({ group: '', resource: 'namespaces' }, namespace);
    if (ns.metadata.deletionTimestamp) {
      const err = newForbidden({ group: target.group, resource: target.resource }, target.name, `unable to create new content in namespace ${namespace} because it is being terminated`);
      err.status.details = { ...err.status.details, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] };
      throw err;
    }
  }

  stop(): void {
    this.#states.stop();
  }
}
