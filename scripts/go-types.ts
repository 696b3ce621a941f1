/**
 * @module The Go API types as the table generators read them (a dev tool, not part of the
 * suite): the structs, named types, constants and methods of k8s.io/api, k8s.io/apimachinery
 * and k8s.io/apiextensions-apiserver at one tag, read from their git directories. A line-based
 * reader of gofmt'ed sources, enough for these packages (one field per line, doc comments as
 * `//` lines right above what they document).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Schema } from '../src/api/schema/types.js';

export interface GoField {
  /** The JSON name ('' for an embedded field without one: inlined). */
  json: string;
  omitEmpty: boolean;
  /** The options after the JSON name (`omitempty`, `string`, ...). */
  jsonOptions: string[];
  /** The Go type as written (`*int32`, `[]Container`, `metav1.ObjectMeta`). */
  type: string;
  embedded: boolean;
  /** The doc comment above the field, one entry per line, without `//`. */
  comments: string[];
}

export interface GoPackage {
  structs: Map<string, { fields: GoField[]; imports: Map<string, string>; comments: string[] }>;
  /** `type X Y` and `type X = Y`: the underlying type as written, with its file's imports. */
  named: Map<string, { type: string; imports: Map<string, string>; comments: string[] }>;
  /** Constants by name: their value as written (`"ReadWrite"`, `1`). */
  consts: Map<string, string>;
  /** Method names by receiver type name (value and pointer receivers alike, as go/types lists them). */
  methods: Map<string, Set<string>>;
}

/** Which git directory holds an import path's module: [module prefix, git dir]. */
export type GoRepos = Array<[string, string]>;

/** The generators' arguments: `API_GITDIR APIMACHINERY_GITDIR APIEXTENSIONS_GITDIR REV`. */
export function reposFromArgs(args: string[], script: string): { repos: GoRepos; rev: string } {
  const [apiDir, machineryDir, extensionsDir, rev] = args;
  if (!apiDir || !machineryDir || !extensionsDir || !rev) {
    throw new Error(`usage: ${script} API_GITDIR APIMACHINERY_GITDIR APIEXTENSIONS_GITDIR REV`);
  }
  const repos: GoRepos = [
    ['k8s.io/apiextensions-apiserver', extensionsDir],
    ['k8s.io/apimachinery', machineryDir],
    ['k8s.io/api', apiDir],
  ];
  return { repos, rev };
}

export function git(gitDir: string, ...args: string[]): string {
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
  let inConst = false;
  let comments: string[] = [];
  for (const line of text.split('\n')) {
    const comment = /^\s*\/\/ ?(.*)$/.exec(line);
    if (comment) {
      comments.push(comment[1]);
      continue;
    }
    const doc = comments;
    comments = [];
    const open = /^type (\w+) struct \{/.exec(line);
    if (open) {
      fields = [];
      pkg.structs.set(open[1], { fields, imports, comments: doc });
      continue;
    }
    const named = /^type (\w+) (?:= )?([^\s{]+)\s*(?:\/\/.*)?$/.exec(line);
    if (named) pkg.named.set(named[1], { type: named[2], imports, comments: doc });
    const method = /^func \((?:\w+ )?\*?(\w+)\) (\w+)\(/.exec(line);
    if (method) {
      const set = pkg.methods.get(method[1]) ?? new Set<string>();
      pkg.methods.set(method[1], set.add(method[2]));
    }
    if (/^const \($/.test(line)) inConst = true;
    else if (inConst && /^\)/.test(line)) inConst = false;
    const constant = inConst ? /^\t(\w+)(?:\s+[\w.]+)?\s*=\s*(.+?)\s*(?:\/\/.*)?$/.exec(line) : /^const (\w+)(?:\s+[\w.]+)?\s*=\s*(.+?)\s*(?:\/\/.*)?$/.exec(line);
    if (constant) pkg.consts.set(constant[1], constant[2]);
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
    fields.push({ json: name || (embedded ? '' : m[1]!), omitEmpty: options.includes('omitempty'), jsonOptions: options, type: m[2], embedded, comments: doc });
  }
}

/** The Go packages of `repos` at `rev`, each read on first use. */
export function goSources(repos: GoRepos, rev: string): (path: string) => GoPackage {
  const packages = new Map<string, GoPackage>();
  return (path) => {
    const known = packages.get(path);
    if (known) return known;
    const repo = repos.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`));
    if (!repo) throw new Error(`no repository for Go package ${path}`);
    const dir = path.slice(repo[0].length + 1);
    const pkg: GoPackage = { structs: new Map(), named: new Map(), consts: new Map(), methods: new Map() };
    const files = git(repo[1], 'ls-tree', '--name-only', `${rev}:${dir}`).split('\n');
    for (const file of files.filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && f !== 'generated.pb.go')) {
      parseFile(git(repo[1], 'show', `${rev}:${dir}/${file}`), pkg);
    }
    packages.set(path, pkg);
    return pkg;
  };
}

/** [import path, type name] of a named type written in package `path`. */
export function resolveName(type: string, path: string, imports: Map<string, string>): [string, string] {
  const dot = type.indexOf('.');
  if (dot < 0) return [path, type];
  const where = imports.get(type.slice(0, dot));
  if (!where) throw new Error(`unknown package qualifier in ${type} (${path})`);
  return [where, type.slice(dot + 1)];
}

/** The definition's Go package and type: io.k8s.api.core.v1.Container -> k8s.io/api/core/v1, Container. */
export function goTypeOf(defName: string): [string, string] {
  const parts = defName.split('.');
  return [`k8s.io/${parts.slice(2, -1).join('/')}`, parts[parts.length - 1]];
}

export const GO_NUMBERS = /^(u?int(8|16|32|64)?|float(32|64)|uintptr|byte|rune)$/;

/** The header lines naming each repository's commit. */
function commitLines(repos: GoRepos, rev: string): string[] {
  return repos.map(([repo, dir]) => ` * ${repo} ${rev}: commit ${git(dir, 'rev-parse', `${rev}^{commit}`).trim()}`);
}

/**
 * The lines of a generated table: for each definition of `definitions` with fields (by name),
 * `  'name': { entry, entry },` of what `collect` found in its Go struct, keys sorted; `entry`
 * renders one (`key: value`), or undefined to leave it out.
 */
export function tableLines<T>(
  definitions: Readonly<Record<string, Schema>>,
  collect: (path: string, name: string) => Map<string, T>,
  entry: (defName: string, schema: Schema, key: string, value: T) => string | undefined,
): string[] {
  const lines: string[] = [];
  for (const defName of Object.keys(definitions).sort()) {
    const schema = definitions[defName];
    if (!schema.properties) continue; // Quantity, IntOrString, Time...: no fields
    const [path, name] = goTypeOf(defName);
    const found = collect(path, name);
    const entries = [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => entry(defName, schema, key, value)).filter((e): e is string => e !== undefined);
    if (entries.length) lines.push(`  '${defName}': { ${entries.join(', ')} },`);
  }
  return lines;
}

/** A table key as a TypeScript property name: bare when it is an identifier, else quoted. */
export function tableKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`;
}

/**
 * Writes src/api/schema/<file>: the `@module` comment (the generator, the commits read, then
 * `about`), the `preamble` declarations, and `declaration = { ...lines };`.
 */
export function writeTable(file: string, opts: { script: string; repos: GoRepos; rev: string; about: string[]; preamble?: string[]; declaration: string; lines: string[] }): void {
  const text = [
    '/**',
    ` * @module Generated by scripts/${opts.script} from the Go types of`,
    ...commitLines(opts.repos, opts.rev),
    ...opts.about.map((line) => ` * ${line}`),
    ' */',
    '',
    ...(opts.preamble ?? []).flatMap((line) => [line, '']),
    `${opts.declaration} = {`,
    ...opts.lines,
    '};',
    '',
  ].join('\n');
  const here = dirname(fileURLToPath(import.meta.url));
  writeFileSync(join(here, '..', 'src', 'api', 'schema', file), text);
}
