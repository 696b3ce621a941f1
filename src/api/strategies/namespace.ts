/**
 * @module Namespace: born Active; status changes only through the status subresource.
 */
import type { Strategy } from '../strategy.js';
import type { KubeObject } from '../types.js';
import { section } from './common.js';

/** Upstream labels every namespace with its own name (NamespaceDefaultLabelName). */
function nameLabel(obj: KubeObject): void {
  const name = obj.metadata.name;
  if (name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
}

export const namespaceStrategy: Strategy = {
  prepareForUpdate(next) {
    nameLabel(next);
  },
  prepareForCreate(obj) {
    nameLabel(obj);
    obj.status = { phase: 'Active' };
    const spec = section(obj, 'spec');
    if (!Array.isArray(spec.finalizers) || spec.finalizers.length === 0) delete obj.spec;
  },
};
