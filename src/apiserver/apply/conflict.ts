/**
 * @module The 409 an apply gets when it would change fields other managers own
 * (k8s.io/apimachinery managedfields/internal/conflict.go NewConflictError): one cause per
 * field, reason Conflict, and a message grouping the fields by manager.
 */
import { StatusError } from '../../api/errors.js';
import { pathString } from './fieldpath.js';
import { printManager } from './managed-fields.js';
import type { Conflict } from './updater.js';

function message(conflicts: Conflict[]): string {
  if (conflicts.length === 1) {
    return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), pathString(c.path)]);
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(manager)}:`);
    for (const p of byManager.get(manager)!) lines.push(`- ${p}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The Conflict StatusError for these conflicts (ordered by manager, then field). */
export function newApplyConflict(conflicts: Conflict[]): StatusError {
  const sorted = [...conflicts].sort((a, b) => (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0));
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: message(sorted),
    reason: 'Conflict',
    details: {
      causes: sorted.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) })),
    },
    code: 409,
  });
}
