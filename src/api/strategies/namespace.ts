/**
 * @module Namespace: born Active; status changes only through the status subresource; spec
 * finalizers only through finalize. Validated as ValidateNamespace, ValidateNamespaceStatusUpdate
 * and ValidateNamespaceFinalizeUpdate (validation/namespace.ts), as
 * pkg/registry/core/namespace/strategy.go picks them.
 */
import { newForbidden } from '../errors.js';
import type { Strategy } from '../strategy.js';
import type { KubeObject } from '../types.js';
import { section } from './common.js';
import { validateNamespace, validateNamespaceFinalizeUpdate, validateNamespaceStatusUpdate } from '../validation/namespace.js';

/** Upstream labels every namespace with its own name (NamespaceDefaultLabelName). */
function nameLabel(obj: KubeObject): void {
  const name = obj.metadata.name;
  if (name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
}

const PROTECTED = new Set(['default', 'kube-system', 'kube-public']);

export const namespaceStrategy: Strategy = {
  prepareForCreate(obj) {
    nameLabel(obj);
    obj.status = { phase: 'Active' };
    // The namespace controller removes this once the namespace is drained (upstream: FinalizerKubernetes).
    const spec = section(obj, 'spec');
    const finalizers = Array.isArray(spec.finalizers) ? (spec.finalizers as string[]) : [];
    spec.finalizers = finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'];
  },
  prepareForUpdate(next, prev) {
    nameLabel(next);
    // spec.finalizers change only through the finalize subresource.
    next.spec = structuredClone(prev.spec);
    if (next.spec === undefined) delete next.spec;
  },
  validate: (obj) => validateNamespace(obj),
  validateUpdate(next, _prev, subresource) {
    if (subresource === 'status') return validateNamespaceStatusUpdate(next);
    if (subresource === 'finalize') return validateNamespaceFinalizeUpdate(next);
    return validateNamespace(next);
  },
  blocksRemoval(obj) {
    const finalizers = (obj.spec as { finalizers?: string[] } | undefined)?.finalizers;
    return !!finalizers?.length;
  },
  checkDelete(obj) {
    // pkg/registry/core/namespace/storage: the namespaces the system needs stay.
    const name = obj.metadata.name ?? '';
    if (PROTECTED.has(name)) throw newForbidden({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
  },
  markedForDeletion(obj) {
    obj.status = { ...((obj.status as object) ?? {}), phase: 'Terminating' };
  },
};
