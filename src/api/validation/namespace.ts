/**
 * @module Namespace validation as kube-apiserver 1.33 has it (pkg/apis/core/validation:
 * ValidateNamespace, ValidateNamespaceStatusUpdate, ValidateNamespaceFinalizeUpdate,
 * validateFinalizerName), without the ObjectMeta parts (the registry's).
 */
import type { FieldError } from '../errors.js';
import { child, index, invalid } from './field-errors.js';
import { isObj, listOf, type Obj, objOf, strOf } from './json-view.js';
import { STANDARD_FINALIZERS, validateFinalizerName } from './object-meta.js';

/** validateFinalizerName: apimachinery's (a qualified name), then validateKubeFinalizerName. */
function finalizerName(name: string, path: string): FieldError[] {
  const errs = validateFinalizerName(name, path);
  if (name.split('/').length === 1 && !STANDARD_FINALIZERS.has(name)) {
    errs.push(invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

function finalizers(ns: Obj): string[] {
  return listOf(objOf(ns.spec).finalizers).map(strOf);
}

/** ValidateNamespace's spec part: every finalizer at `spec.finalizers` (upstream does not index it here). */
export function validateNamespace(ns: Obj): FieldError[] {
  return finalizers(ns).flatMap((f) => finalizerName(f, 'spec.finalizers'));
}

/** ValidateNamespaceFinalizeUpdate's spec part: the finalizers, indexed this time. */
export function validateNamespaceFinalizeUpdate(ns: Obj): FieldError[] {
  return finalizers(ns).flatMap((f, i) => finalizerName(f, index(child('spec', 'finalizers'), i)));
}

/** ValidateNamespaceStatusUpdate's status part: the phase follows the deletion timestamp (at upstream's `status.Phase`). */
export function validateNamespaceStatusUpdate(ns: Obj): FieldError[] {
  const phase = strOf(objOf(ns.status).phase);
  const deleting = isObj(ns.metadata) && !!ns.metadata.deletionTimestamp;
  if (!deleting && phase !== 'Active') return [invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty")];
  if (deleting && phase !== 'Terminating') return [invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")];
  return [];
}
