/**
 * @module Table generator (a dev tool, not part of the suite): which fields of each OpenAPI
 * definition kubito's schema registry holds (src/api/schema DEFINITIONS) Go's encoding/json
 * leaves out when they hold their zero value — the fields tagged `omitempty` whose Go type is
 * not a pointer and not a struct (encoding/json's isEmptyValue: a string, bool or number at its
 * zero, a map, slice or []byte of length 0; a struct is never empty, a pointer only when nil,
 * which a JSON value never decodes to). Embedded structs without a JSON name (`json:",inline"`)
 * add their fields; `json:"-"` and untagged fields (never omitempty) are not listed. Named types
 * are followed to what they are (`type Protocol string`, `type ResourceList map[...]...`, across
 * packages through each file's imports); a MarshalJSON method does not matter, as encoding/json
 * tests emptiness before calling it.
 *
 * Reads the Go sources from git directories of kubernetes/api, kubernetes/apimachinery and
 * kubernetes/apiextensions-apiserver at one tag and writes src/api/schema/go-omitempty.ts.
 * Checks each entry against the schema (the field exists, its type is the kind's) and fails
 * otherwise.
 *
 * Usage: `npx tsx scripts/gen-go-omitempty.ts API_GITDIR APIMACHINERY_GITDIR APIEXTENSIONS_GITDIR v0.33.1`
 */
import { DEFINITIONS } from '../src/api/schema/registry.js';
import type { Schema } from '../src/api/schema/types.js';
import { GO_NUMBERS, goSources, reposFromArgs, resolveName, tableKey, tableLines, writeTable } from './go-types.js';

type ZeroKind = 'string' | 'bool' | 'number' | 'map' | 'list' | 'bytes';

const { repos: REPOS, rev } = reposFromArgs(process.argv.slice(2), 'gen-go-omitempty.ts');
const goPackage = goSources(REPOS, rev);

/**
 * The zero kind of a Go type as written in package `path` (with its file's imports), or
 * undefined when encoding/json never finds it empty (struct) or a JSON value never leaves it
 * empty (pointer, interface).
 */
function zeroKind(type: string, path: string, imports: Map<string, string>): ZeroKind | undefined {
  if (type.startsWith('*') || type === 'interface{}' || type === 'any') return undefined;
  if (type === '[]byte') return 'bytes';
  if (type.startsWith('[]')) return 'list';
  if (type.startsWith('map[')) return 'map';
  if (type === 'string') return 'string';
  if (type === 'bool') return 'bool';
  if (GO_NUMBERS.test(type)) return 'number';
  const [where, name] = resolveName(type, path, imports);
  const pkg = goPackage(where);
  if (pkg.structs.has(name)) return undefined;
  const named = pkg.named.get(name);
  if (!named) throw new Error(`Go type ${where}.${name} not found`);
  return zeroKind(named.type, where, named.imports);
}

/** The JSON fields of a struct with their zero kinds, embedded structs' fields included. */
function omittedFields(path: string, name: string, out: Map<string, ZeroKind>): void {
  const struct = goPackage(path).structs.get(name);
  if (!struct) throw new Error(`Go struct ${path}.${name} not found`);
  for (const field of struct.fields) {
    if (field.embedded && field.json === '') {
      const [where, inner] = resolveName(field.type.replace(/^\*/, ''), path, struct.imports);
      omittedFields(where, inner, out);
      continue;
    }
    if (!field.omitEmpty) continue;
    const kind = zeroKind(field.type, path, struct.imports);
    if (kind) out.set(field.json, kind);
  }
}

function resolved(schema: Schema): Schema {
  return schema.ref !== undefined ? DEFINITIONS[schema.ref] ?? {} : schema;
}

/** Whether the schema of a field is of the zero kind's JSON type. */
function schemaFits(schema: Schema, kind: ZeroKind): boolean {
  const s = resolved(schema);
  switch (kind) {
    case 'string':
      return s.type === 'string' && s.format !== 'byte';
    case 'bytes':
      return s.type === 'string' && s.format === 'byte';
    case 'bool':
      return s.type === 'boolean';
    case 'number':
      return s.type === 'integer' || s.type === 'number';
    case 'map':
      return s.type === 'object' && !s.properties;
    case 'list':
      return s.type === 'array';
  }
}

const lines = tableLines(DEFINITIONS, (path, name) => {
  const fields = new Map<string, ZeroKind>();
  omittedFields(path, name, fields);
  return fields;
}, (defName, schema, field, kind) => {
  const property = schema.properties?.[field];
  if (!property) {
    process.stderr.write(`${defName}.${field}: in the Go type, not in kubito's schema; left out\n`);
    return undefined;
  }
  if (!schemaFits(property, kind)) throw new Error(`${defName}.${field}: Go zero kind ${kind} does not fit the schema ${JSON.stringify(resolved(property).type)}`);
  return `${tableKey(field)}: '${kind}'`;
});

writeTable('go-omitempty.ts', {
  script: 'gen-go-omitempty.ts', repos: REPOS, rev,
  about: [
    'do not edit by hand. For each definition of the schema registry: its fields that Go\'s',
    'encoding/json leaves out at their zero value (`omitempty`, not a pointer, not a struct), and',
    'that zero value\'s kind: string "", bool false, number 0, map {}, list [], bytes "" (base64).',
  ],
  preamble: ["export type GoZeroKind = 'string' | 'bool' | 'number' | 'map' | 'list' | 'bytes';"],
  declaration: 'export const GO_OMITEMPTY: Readonly<Record<string, Readonly<Record<string, GoZeroKind>>>>',
  lines,
});
