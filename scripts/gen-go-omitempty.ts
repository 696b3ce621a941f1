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
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFINITIONS } from '../src/api/schema/registry.js';
import type { Schema } from '../src/api/schema/types.js';

type ZeroKind = 'string' | 'bool' | 'number' | 'map' | 'list' | 'bytes';

interface GoField {
  /** The JSON name ('' for an embedded field without one: inlined). */
  json: string;
  omitEmpty: boolean;
  /** The Go type as written (`*int32`, `[]Container`, `metav1.ObjectMeta`). */
  type: string;
  embedded: boolean;
}

interface GoPackage {
  structs: Map<string, { fields: GoField[]; imports: Map<string, string> }>;
  /** `type X Y` and `type X = Y`: the underlying type as written, with its file's imports. */
  named: Map<string, { type: string; imports: Map<string, string> }>;
}

const [apiDir, machineryDir, extensionsDir, rev] = process.argv.slice(2);
if (!apiDir || !machineryDir || !extensionsDir || !rev) {
  throw new Error('usage: gen-go-omitempty.ts API_GITDIR APIMACHINERY_GITDIR APIEXTENSIONS_GITDIR REV');
}
const REPOS: Array<[string, string]> = [
  ['k8s.io/apiextensions-apiserver', extensionsDir],
  ['k8s.io/apimachinery', machineryDir],
  ['k8s.io/api', apiDir],
];

function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** The imports of a Go file: local name -> import path. */
function parseImports(text: string): Map<string, string> {
  const imports = new Map<string, string>();
  const block = /^import \(([\s\S]*?)^\)/m.exec(text)?.[1] ?? '';
  const single = [...text.matchAll(/^import ((?:\w+ )?"[^"]+")$/gm)].map((m) => m[1]);
  for (const line of [...block.split('\n'), ...single]) {
    const m = /^\s*(?:(\w+)\s+)?"([^"]+)"/.exec(line);
    if (m) imports.set(m[1] ?? m[2].slice(m[2].lastIndexOf('/') + 1), m[2]);
  }
  return imports;
}

function parseFile(source: string, pkg: GoPackage): void {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, ''); // block comments (a few are inside structs)
  const imports = parseImports(text);
  let fields: GoField[] | undefined;
  for (const line of text.split('\n')) {
    const open = /^type (\w+) struct \{/.exec(line);
    if (open) {
      fields = [];
      pkg.structs.set(open[1], { fields, imports });
      continue;
    }
    const named = /^type (\w+) (?:= )?([^\s{]+)\s*(?:\/\/.*)?$/.exec(line);
    if (named) pkg.named.set(named[1], { type: named[2], imports });
    if (!fields) continue;
    if (/^\}/.test(line)) {
      fields = undefined;
      continue;
    }
    const code = line.replace(/\/\/.*$/, '');
    // `Name Type `tag`` or an embedded `pkg.Type `tag`` (one name per field in these sources).
    const m = /^\t(?:(\w+)\s+)?([^\s`]+)\s*(?:`([^`]*)`)?\s*$/.exec(code);
    if (!m) continue;
    const tag = m[3] ?? '';
    const json = /json:"([^"]*)"/.exec(tag)?.[1];
    if (json === '-') continue;
    const [name, ...options] = (json ?? '').split(',');
    const embedded = m[1] === undefined;
    // Untagged: the Go name, never omitempty (an untagged embedded struct is inlined).
    fields.push({ json: name || (embedded ? '' : m[1]!), omitEmpty: options.includes('omitempty'), type: m[2], embedded });
  }
}

const packages = new Map<string, GoPackage>();

/** The Go package at an import path (`k8s.io/api/core/v1`), read at `rev`. */
function goPackage(path: string): GoPackage {
  const known = packages.get(path);
  if (known) return known;
  const repo = REPOS.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`));
  if (!repo) throw new Error(`no repository for Go package ${path}`);
  const dir = path.slice(repo[0].length + 1);
  const pkg: GoPackage = { structs: new Map(), named: new Map() };
  const files = git(repo[1], 'ls-tree', '--name-only', `${rev}:${dir}`).split('\n');
  for (const file of files.filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && f !== 'generated.pb.go')) {
    parseFile(git(repo[1], 'show', `${rev}:${dir}/${file}`), pkg);
  }
  packages.set(path, pkg);
  return pkg;
}

const NUMBERS = /^(u?int(8|16|32|64)?|float(32|64)|uintptr|byte|rune)$/;

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
  if (NUMBERS.test(type)) return 'number';
  const [where, name] = resolveName(type, path, imports);
  const pkg = goPackage(where);
  if (pkg.structs.has(name)) return undefined;
  const named = pkg.named.get(name);
  if (!named) throw new Error(`Go type ${where}.${name} not found`);
  return zeroKind(named.type, where, named.imports);
}

/** [import path, type name] of a named type written in package `path`. */
function resolveName(type: string, path: string, imports: Map<string, string>): [string, string] {
  const dot = type.indexOf('.');
  if (dot < 0) return [path, type];
  const where = imports.get(type.slice(0, dot));
  if (!where) throw new Error(`unknown package qualifier in ${type} (${path})`);
  return [where, type.slice(dot + 1)];
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

/** The definition's Go package and type: io.k8s.api.core.v1.Container -> k8s.io/api/core/v1, Container. */
function goTypeOf(defName: string): [string, string] {
  const parts = defName.split('.');
  return [`k8s.io/${parts.slice(2, -1).join('/')}`, parts[parts.length - 1]];
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

const lines: string[] = [];
for (const defName of Object.keys(DEFINITIONS).sort()) {
  const schema = DEFINITIONS[defName];
  if (!schema.properties) continue; // Quantity, IntOrString, Time...: no fields
  const [path, name] = goTypeOf(defName);
  const fields = new Map<string, ZeroKind>();
  omittedFields(path, name, fields);
  const entries: string[] = [];
  for (const [field, kind] of [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const property = schema.properties[field];
    if (!property) {
      process.stderr.write(`${defName}.${field}: in the Go type, not in kubito's schema; left out\n`);
      continue;
    }
    if (!schemaFits(property, kind)) throw new Error(`${defName}.${field}: Go zero kind ${kind} does not fit the schema ${JSON.stringify(resolved(property).type)}`);
    entries.push(`${/^[A-Za-z_$][\w$]*$/.test(field) ? field : `'${field}'`}: '${kind}'`);
  }
  if (entries.length) lines.push(`  '${defName}': { ${entries.join(', ')} },`);
}

const commits = REPOS.map(([repo, dir]) => ` * ${repo} ${rev}: commit ${git(dir, 'rev-parse', `${rev}^{commit}`).trim()}`);
const text = [
  '/**',
  ' * @module Generated by scripts/gen-go-omitempty.ts from the Go types of',
  ...commits,
  ' * do not edit by hand. For each definition of the schema registry: its fields that Go\'s',
  ' * encoding/json leaves out at their zero value (`omitempty`, not a pointer, not a struct), and',
  ' * that zero value\'s kind: string "", bool false, number 0, map {}, list [], bytes "" (base64).',
  ' */',
  '',
  "export type GoZeroKind = 'string' | 'bool' | 'number' | 'map' | 'list' | 'bytes';",
  '',
  'export const GO_OMITEMPTY: Readonly<Record<string, Readonly<Record<string, GoZeroKind>>>> = {',
  ...lines,
  '};',
  '',
].join('\n');
const here = dirname(fileURLToPath(import.meta.url));
writeFileSync(join(here, '..', 'src', 'api', 'schema', 'go-omitempty.ts'), text);
