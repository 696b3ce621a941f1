/**
 * @module The schema registry's public face: definitions by upstream name, lookups, and
 * unknown-field detection. Import from here rather than from the table files.
 */
export type { Definitions, Schema } from './types.js';
export { DEFINITIONS, definitionNameFor, resolveSchema, schemaAt } from './registry.js';
export { ANY, goDecode, strictFieldErrors, unknownFieldMessage, type StrictFieldOptions } from './strict-fields.js';
export { GO_DEFAULTS } from './go-defaults.js';
