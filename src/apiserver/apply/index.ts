/**
 * @module Server-side apply and managedFields bookkeeping (see README.md).
 */
export { applyConfiguration, recordUpdate, updatedManagedFields, LAST_APPLIED_ANNOTATION, type ApplyOptions, type UpdateOptions, type FieldManagerOptions } from './field-manager.js';
export { FieldSet } from './field-set.js';
export { pathString, type Path, type PathElement } from './fieldpath.js';
export { newApplyConflict } from './conflict.js';
export { specReplicas, toParentManagedFields, toScaleManagedFields, type ReplicasPaths } from './scale.js';
