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
export * from './config.js';
export * from './events.js';
export * from './lease.js';
export * from './namespace.js';
export * from './node.js';
export * from './pod-dns.js';
export * from './pod-resources.js';
export * from './quantity.js';
