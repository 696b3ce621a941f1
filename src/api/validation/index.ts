/** @module The validation helpers every kind's strategy uses; see README.md. */
export * from './field-errors.js';
export * from './go-format.js';
export * from './names.js';
export * from './name-fields.js';
export * from './object-meta.js';
export * from './resource-meta.js';
export * from './semantic.js';
export * from './pod-spec.js';
export * from './apps.js';
