/**
 * @module Keeps `metadata.managedFields` for ordinary writes (create, update, patch): the
 * fields a write changed become owned by its field manager, as kube-apiserver's fieldmanager
 * records them. Server-side apply keeps its own entries in apply/.
 */
import { recordUpdate } from './apply/index.js';
import type { KubeObject } from '../api/types.js';
import type { Scope } from './handlers/scope.js';
import { schemaLookup, definitionFor } from './schema-lookup.js';
import { formatTime } from './registry/object-meta.js';

/**
 * The manager name upstream derives when a client sends none: the User-Agent's program name
 * (`kubectl`, `kube-controller-manager`), else "unknown".
 */
function defaultManager(scope: Scope): string {
  const agent = scope.http.headers['user-agent'] ?? '';
  const program = agent.split('/')[0].trim();
  return program || 'unknown';
}

/**
 * Updates next.metadata.managedFields in place for a write from prev to next. Call it on the
 * defaulted object, before the registry allocates (ClusterIPs, node ports), as upstream does.
 */
export { defaultManager };

export function recordManagedFields(scope: Scope, prev: KubeObject | undefined, next: KubeObject, manager: string | undefined): void {
  if (scope.request.subresource === 'scale') return;
  const updated = recordUpdate(prev, next, {
    manager: manager ?? defaultManager(scope),
    operation: 'Update',
    subresource: scope.request.subresource || undefined,
    now: formatTime(scope.now),
    schema: schemaLookup,
    root: definitionFor(scope.info),
  });
  next.metadata.managedFields = updated.metadata.managedFields;
}
