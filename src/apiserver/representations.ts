/**
 * @module The other shapes an object can be served in: a meta.k8s.io Table (what `kubectl get`
 * prints) and PartialObjectMetadata (what metadata-only clients such as the garbage collector read).
 */
import { toTable } from '../api/tables/table.js';
import type { KubeObject, ListMeta } from '../api/types.js';
import type { Scope } from './handlers/scope.js';

export function toPartialMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** A Table of the objects; the `includeObject` query chooses what each row carries (default: metadata). */
export function toTableResponse(scope: Scope, objects: KubeObject[], listMeta: ListMeta, version: 'v1' | 'v1beta1' = 'v1'): unknown {
  return toTable(scope.info, objects, {
    now: new Date(scope.now),
    listMeta,
    includeObject: scope.http.query.get('includeObject') ?? undefined,
    apiVersion: `meta.k8s.io/${version}`,
  });
}
