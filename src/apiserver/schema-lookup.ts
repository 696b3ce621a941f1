/**
 * @module The schema registry as the patch and apply code sees it: a definition lookup and the
 * root definition of each served kind.
 */
import type { ResourceInfo } from '../api/resources.js';
import { DEFINITIONS, definitionNameFor } from '../api/schema/index.js';
import type { Schema } from '../api/schema/types.js';

export const schemaLookup = {
  definition(name: string): Schema | undefined {
    return DEFINITIONS[name];
  },
};

/** The definition of a served kind; every kind in resources.ts has one (a test checks it). */
export function definitionFor(info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>): string {
  const name = definitionNameFor(info.group, info.version, info.kind);
  if (!name) throw new Error(`no schema definition for ${info.group}/${info.version} ${info.kind}`);
  return name;
}
