/**
 * @module The other shapes an object can be served in: a meta.k8s.io Table (what `kubectl get`
 * prints) and PartialObjectMetadata (what metadata-only clients such as the garbage collector read).
 */
import type { KubeObject, ListMeta } from '../api/types.js';
import type { Scope } from './handlers/scope.js';

export function toPartialMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** A Table of the objects; the `includeObject` query chooses what each row carries (default: metadata). */
export type TableRenderer = (scope: Scope, objects: KubeObject[], listMeta: ListMeta, version?: 'v1' | 'v1beta1') => unknown;

let renderer: Promise<TableRenderer> | undefined;

/**
 * The table renderer, its printers loaded on first use (they are a fair part of the server's
 * start, and only `kubectl get` asks for tables).
 */
export function loadTableRenderer(): Promise<TableRenderer> {
  return (renderer ??= import('../api/tables/table.js').then(({ toTable }) => (scope, objects, listMeta, version = 'v1') =>
    toTable(scope.info, objects, {
      now: new Date(scope.now),
      listMeta,
      includeObject: scope.http.query.get('includeObject') ?? undefined,
      apiVersion: `meta.k8s.io/${version}`,
    })));
}
