/** @module Label and field selectors; see README.md. */
export * from './field-labels.js';
export * from './fields.js';
export * from './label-parser.js';
export * from './labels.js';
export * from './structured.js';
