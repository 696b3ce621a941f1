/**
 * @module Table generator (a dev tool, not part of the suite): the `default` values kube-apiserver
 * 1.33's OpenAPI v3 documents carry, for the definitions of kubito's schema registry
 * (src/api/schema DEFINITIONS). openapi-gen (k8s.io/kube-openapi at the version Kubernetes 1.33
 * pins, v0.0.0-20250318190949-c8a335a9a2ff) writes, for every field, for the items of every
 * list and for the values of every map (`generateDefault`):
 *
 * - the field's `+default=` marker (JSON, or `ref(Const)`: the constant's value), looked up on
 *   the field, then on its named type (through pointers and named non-struct types);
 * - else what `mustEnforceDefault` enforces: nothing for a type with its own UnmarshalJSON
 *   (Time, IntOrString, Quantity, RawExtension, FieldsV1, ...), a pointer, map, slice or
 *   interface; `{}` for any other struct (a struct of one embedded field counts as that field's
 *   type); the zero value (`""`, `0`, `false`) for a string, number or bool not tagged `omitempty`
 *   (list items and map values are never omitempty).
 *
 * The v2 document has none of them (kube-openapi's PruneDefaults). Reads the same git
 * directories as gen-go-omitempty.ts and writes src/api/schema/go-defaults.ts. Checks that each
 * entry lands on a field, list or map of kubito's schema and fails otherwise.
 *
 * Usage: `npx tsx scripts/gen-openapi-defaults.ts API_GITDIR APIMACHINERY_GITDIR APIEXTENSIONS_GITDIR v0.33.1`
 */
import { DEFINITIONS } from '../src/api/schema/registry.js';
import type { Schema } from '../src/api/schema/types.js';
import { GO_NUMBERS, goSources, reposFromArgs, resolveName, tableKey, tableLines, writeTable } from './go-types.js';

const { repos: REPOS, rev } = reposFromArgs(process.argv.slice(2), 'gen-openapi-defaults.ts');
const goPackage = goSources(REPOS, rev);

/** A Go type as written, with the package and imports it is written in. */
interface TypeAt {
  type: string;
  path: string;
  imports: Map<string, string>;
}

const BUILTIN_ZERO = (type: string): unknown => (type === 'string' ? '' : type === 'bool' ? false : GO_NUMBERS.test(type) ? 0 : undefined);

/** The struct or named type a non-builtin, non-composite type names. */
function lookup(t: TypeAt): { where: string; name: string } {
  const [where, name] = resolveName(t.type, t.path, t.imports);
  return { where, name };
}

/** kube-openapi's mustEnforceDefault. */
function enforced(t: TypeAt, omitEmpty: boolean): unknown {
  const type = t.type;
  if (type.startsWith('*') || type.startsWith('[') || type.startsWith('map[') || type === 'interface{}' || type === 'any') return undefined;
  if (BUILTIN_ZERO(type) !== undefined) return omitEmpty ? undefined : BUILTIN_ZERO(type);
  const { where, name } = lookup(t);
  const pkg = goPackage(where);
  const struct = pkg.structs.get(name);
  if (struct) {
    if (pkg.methods.get(name)?.has('UnmarshalJSON')) return undefined;
    if (struct.fields.length === 1 && struct.fields[0].embedded) {
      return enforced({ type: struct.fields[0].type, path: where, imports: struct.imports }, omitEmpty);
    }
    return {};
  }
  const named = pkg.named.get(name);
  if (!named) throw new Error(`Go type ${where}.${name} not found`);
  return enforced({ type: named.type, path: where, imports: named.imports }, omitEmpty);
}

function markerValue(comments: string[]): string | undefined {
  const values = comments.map((c) => /^\s*\+default=(.*)$/.exec(c)?.[1]).filter((v): v is string => v !== undefined);
  if (values.length > 1) throw new Error(`more than one +default in ${comments.join(' / ')}`);
  return values[0];
}

/** kube-openapi's defaultFromComments: the marker on the field, else on its named type, through pointers and named types. */
function marker(comments: string[], t: TypeAt): unknown {
  let text = markerValue(comments);
  let at: TypeAt | undefined = t;
  while (text === undefined && at) {
    const type: string = at.type.replace(/^\*/, '');
    if (type.startsWith('[') || type.startsWith('map[') || BUILTIN_ZERO(type) !== undefined || type === 'interface{}') break;
    const { where, name } = lookup({ ...at, type });
    const pkg = goPackage(where);
    const named = pkg.named.get(name);
    const struct = pkg.structs.get(name);
    text = markerValue(named?.comments ?? struct?.comments ?? []);
    at = named ? { type: named.type, path: where, imports: named.imports } : undefined;
  }
  if (text === undefined) return undefined;
  const ref = /^ref\(([^"]+)\)$/.exec(text);
  if (!ref) return JSON.parse(text);
  const [where, constant] = resolveName(ref[1], t.path, t.imports);
  const value = goPackage(where).consts.get(constant);
  if (value === undefined) throw new Error(`+default=${text}: constant ${where}.${constant} not found`);
  return JSON.parse(value);
}

/** generateDefault: the marker's value, else the enforced one (the two must agree, as openapi-gen checks). */
function defaultOf(comments: string[], t: TypeAt, omitEmpty: boolean): unknown {
  const given = marker(comments, t);
  const zero = enforced(t, omitEmpty);
  if (given !== undefined && zero !== undefined && JSON.stringify(given) !== JSON.stringify(zero)) {
    throw new Error(`+default ${JSON.stringify(given)} on ${t.type} disagrees with the enforced ${JSON.stringify(zero)}`);
  }
  return given ?? zero;
}

/** resolveAliasAndPtrType: through pointers and named non-struct types, to a slice, map, struct or builtin. */
function underlying(t: TypeAt): TypeAt {
  const type = t.type.replace(/^\*/, '');
  if (type.startsWith('[') || type.startsWith('map[') || BUILTIN_ZERO(type) !== undefined || type === 'interface{}') return { ...t, type };
  const { where, name } = lookup({ ...t, type });
  const named = goPackage(where).named.get(name);
  return named ? underlying({ type: named.type, path: where, imports: named.imports }) : { ...t, type };
}

/** The element type of a slice (`[]T`, not `[]byte`) or the value type of a map, else undefined. */
function element(t: TypeAt): { suffix: '[]' | '{}'; elem: TypeAt } | undefined {
  const u = underlying(t);
  if (u.type === '[]byte') return undefined;
  if (u.type.startsWith('[]')) return { suffix: '[]', elem: { ...u, type: u.type.slice(2) } };
  const map = /^map\[[^\]]+\](.+)$/.exec(u.type);
  if (map) return { suffix: '{}', elem: { ...u, type: map[1] } };
  return undefined;
}

/** The comments of a named element type (generateDefault reads `t.Elem.CommentLines`). */
function typeComments(t: TypeAt): string[] {
  const type = t.type;
  if (type.startsWith('*') || type.startsWith('[') || type.startsWith('map[') || BUILTIN_ZERO(type) !== undefined || type === 'interface{}') return [];
  const { where, name } = lookup(t);
  const pkg = goPackage(where);
  return pkg.named.get(name)?.comments ?? pkg.structs.get(name)?.comments ?? [];
}

/** Every default of a struct's JSON fields, inlined embedded structs included, by field path (`ports`, `ports[]`, `labels{}`). */
function structDefaults(path: string, name: string, out: Map<string, unknown>): void {
  const struct = goPackage(path).structs.get(name);
  if (!struct) throw new Error(`Go struct ${path}.${name} not found`);
  for (const field of struct.fields) {
    const t: TypeAt = { type: field.type, path, imports: struct.imports };
    if (field.embedded && field.json === '') {
      const [where, inner] = resolveName(field.type.replace(/^\*/, ''), path, struct.imports);
      structDefaults(where, inner, out);
      continue;
    }
    if (field.jsonOptions.includes('string')) continue; // written as a plain string property, no default
    const value = defaultOf(field.comments, t, field.omitEmpty);
    if (value !== undefined) out.set(field.json, value);
    let at = field.json;
    for (let e = element(t); e; e = element(e.elem)) {
      at += e.suffix;
      const inner = defaultOf(typeComments(e.elem), e.elem, false);
      if (inner !== undefined) out.set(at, inner);
    }
  }
}

function resolved(schema: Schema): Schema {
  return schema.ref !== undefined ? DEFINITIONS[schema.ref] ?? {} : schema;
}

/** The schema at a field path of a definition (`ports[]`: the items of `ports`), if kubito's schema has it. */
function schemaAt(def: Schema, fieldPath: string): Schema | undefined {
  const [, field, rest] = /^([^[{]+)(.*)$/.exec(fieldPath) ?? [];
  let s: Schema | undefined = def.properties?.[field];
  for (const step of rest.match(/\[\]|\{\}/g) ?? []) s = step === '[]' ? resolved(s ?? {}).items : resolved(s ?? {}).additionalProperties;
  return s;
}

const lines = tableLines(DEFINITIONS, (path, name) => {
  const found = new Map<string, unknown>();
  structDefaults(path, name, found);
  return found;
}, (defName, schema, fieldPath, value) => {
  const at = schemaAt(schema, fieldPath);
  if (!at) {
    process.stderr.write(`${defName}.${fieldPath}: in the Go type, not in kubito's schema; left out\n`);
    return undefined;
  }
  const kind = resolved(at);
  const fits = typeof value === 'object' ? kind.type === 'object' || kind['x-kubernetes-preserve-unknown-fields'] === true
    : typeof value === 'string' ? kind.type === 'string' : typeof value === 'boolean' ? kind.type === 'boolean' : kind.type === 'integer' || kind.type === 'number';
  if (!fits) throw new Error(`${defName}.${fieldPath}: default ${JSON.stringify(value)} does not fit the schema ${JSON.stringify(kind.type)}`);
  return `${tableKey(fieldPath)}: ${JSON.stringify(value).replace(/"/g, "'")}`;
});

writeTable('go-defaults.ts', {
  script: 'gen-openapi-defaults.ts', repos: REPOS, rev,
  about: [
    'do not edit by hand. For each definition of the schema registry: the `default` values',
    'kube-apiserver 1.33\'s OpenAPI v3 documents give its fields (`ports`), list items (`ports[]`)',
    'and map values (`labels{}`): `+default=` markers and openapi-gen\'s enforced zero values. Only',
    'the v3 documents carry them (the v2 one prunes every default).',
  ],
  declaration: 'export const GO_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>>',
  lines,
});
