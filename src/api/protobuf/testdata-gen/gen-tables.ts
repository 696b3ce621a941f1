/**
 * @module Table generator (a dev tool, not part of the suite): reads upstream's
 * `generated.proto` (field numbers, proto types) and `types.go` (JSON names, `omitempty`,
 * pointer or value, embedded structs) from git checkouts of kubernetes/api and
 * kubernetes/apimachinery, and writes the compact descriptor tables in `../schema/`.
 *
 * Usage: `npx tsx src/api/protobuf/testdata-gen/gen-tables.ts API_GITDIR APIMACHINERY_GITDIR [REV]`.
 * The notation of the tables is described in `../descriptor.ts`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One source package: its table alias, proto file and Go files, in one of the two repos. */
interface Pkg {
  alias: string;
  repo: 'api' | 'apimachinery';
  dir: string;
  protoPackage: string;
  goImport: string;
}

const PKGS: Pkg[] = [
  { alias: 'core', repo: 'api', dir: 'core/v1', protoPackage: 'k8s.io.api.core.v1', goImport: 'k8s.io/api/core/v1' },
  { alias: 'apps', repo: 'api', dir: 'apps/v1', protoPackage: 'k8s.io.api.apps.v1', goImport: 'k8s.io/api/apps/v1' },
  { alias: 'discovery', repo: 'api', dir: 'discovery/v1', protoPackage: 'k8s.io.api.discovery.v1', goImport: 'k8s.io/api/discovery/v1' },
  { alias: 'coordination', repo: 'api', dir: 'coordination/v1', protoPackage: 'k8s.io.api.coordination.v1', goImport: 'k8s.io/api/coordination/v1' },
  { alias: 'authorization', repo: 'api', dir: 'authorization/v1', protoPackage: 'k8s.io.api.authorization.v1', goImport: 'k8s.io/api/authorization/v1' },
  { alias: 'authentication', repo: 'api', dir: 'authentication/v1', protoPackage: 'k8s.io.api.authentication.v1', goImport: 'k8s.io/api/authentication/v1' },
  { alias: 'meta', repo: 'apimachinery', dir: 'pkg/apis/meta/v1', protoPackage: 'k8s.io.apimachinery.pkg.apis.meta.v1', goImport: '' },
];

/** Proto messages with a JSON form of their own: written as a lowercase type code. */
const SPECIAL: Record<string, string> = {
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'microtime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'duration',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'fieldsv1',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'intstr',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'rawext',
  // `type ExtraValue []string`: a message of one repeated string, a JSON array of strings.
  'k8s.io.api.authorization.v1.ExtraValue': 'extravalue',
  'k8s.io.api.authentication.v1.ExtraValue': 'extravalue',
};

const SCALARS: Record<string, string> = { string: 's', bool: 'b', int32: 'i32', int64: 'i64', bytes: 'y' };

/** The kinds served; their messages and everything reachable from them get tables. */
const ROOTS = [
  'core.Service', 'core.Namespace', 'core.ConfigMap', 'core.Secret', 'core.ServiceAccount', 'core.Pod',
  'core.Endpoints', 'core.Event', 'core.Node', 'apps.Deployment', 'apps.ReplicaSet',
  'discovery.EndpointSlice', 'coordination.Lease', 'meta.DeleteOptions', 'meta.Status',
  'authorization.SelfSubjectAccessReview', 'authorization.SelfSubjectRulesReview', 'authorization.SubjectAccessReview',
  'authentication.SelfSubjectReview', 'authentication.TokenRequest', 'authentication.TokenReview',
];

interface ProtoField {
  number: number;
  name: string;
  label: 'optional' | 'repeated' | 'map';
  type: string;
  valueType?: string;
}

interface GoField {
  jsonName: string;
  omitEmpty: boolean;
  pointer: boolean;
  embedded: boolean;
}

/** A file's text at `REV:PATH`. */
function show(gitDir: string, object: string): string {
  return execFileSync('git', ['--git-dir', gitDir, 'show', object], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** The Go sources (tests and generated code aside) of the tree `REV:DIR`. */
function listGoFiles(gitDir: string, tree: string): string[] {
  const out = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '--name-only', tree], { encoding: 'utf8' });
  return out.split('\n').filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_') && f !== 'generated.pb.go');
}

function parseProto(text: string): Map<string, ProtoField[]> {
  const messages = new Map<string, ProtoField[]>();
  let current: ProtoField[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const open = /^message (\w+) \{$/.exec(line);
    if (open) {
      current = [];
      messages.set(open[1], current);
      continue;
    }
    if (line === '}') {
      current = null;
      continue;
    }
    if (!current) continue;
    const map = /^map<(\S+), (\S+)> (\w+) = (\d+);$/.exec(line);
    if (map) {
      current.push({ label: 'map', type: map[1], valueType: map[2], name: map[3], number: Number(map[4]) });
      continue;
    }
    const field = /^(optional|repeated) (\S+) (\w+) = (\d+);$/.exec(line);
    if (field) current.push({ label: field[1] as 'optional' | 'repeated', type: field[2], name: field[3], number: Number(field[4]) });
  }
  return messages;
}

function parseGo(text: string): Map<string, Map<number, GoField>> {
  const structs = new Map<string, Map<number, GoField>>();
  let current: Map<number, GoField> | null = null;
  for (const line of text.split('\n')) {
    const open = /^type (\w+) struct \{/.exec(line);
    if (open) {
      current = new Map();
      structs.set(open[1], current);
      continue;
    }
    if (/^\}/.test(line)) {
      current = null;
      continue;
    }
    if (!current) continue;
    const m = /^\s+(?:(\w+)\s+)?(\S+)\s+`([^`]*)`/.exec(line);
    if (!m) continue;
    const tag = m[3];
    const pb = /protobuf:"[^,]+,(\d+),/.exec(tag);
    if (!pb) continue;
    const json = /json:"([^"]*)"/.exec(tag)?.[1] ?? '';
    const [jsonName, ...opts] = json.split(',');
    const goType = m[2];
    const embedded = m[1] === undefined && jsonName === '';
    current.set(Number(pb[1]), {
      jsonName: jsonName || (m[1] ?? ''),
      omitEmpty: opts.includes('omitempty'),
      pointer: goType.startsWith('*'),
      embedded,
    });
  }
  return structs;
}

function main(): void {
  const [apiDir, machineryDir, rev = 'HEAD'] = process.argv.slice(2);
  if (!apiDir || !machineryDir) throw new Error('usage: gen-tables.ts API_GITDIR APIMACHINERY_GITDIR [REV]');
  const protos = new Map<string, Map<string, ProtoField[]>>();
  const gos = new Map<string, Map<string, Map<number, GoField>>>();
  const aliasOf = new Map<string, string>();
  for (const pkg of PKGS) {
    const gitDir = pkg.repo === 'api' ? apiDir : machineryDir;
    protos.set(pkg.alias, parseProto(show(gitDir, `${rev}:${pkg.dir}/generated.proto`)));
    const structs = new Map<string, Map<number, GoField>>();
    for (const file of listGoFiles(gitDir, `${rev}:${pkg.dir}`)) {
      for (const [name, fields] of parseGo(show(gitDir, `${rev}:${pkg.dir}/${file}`))) structs.set(name, fields);
    }
    gos.set(pkg.alias, structs);
    aliasOf.set(pkg.protoPackage, pkg.alias);
  }

  /** A proto type reference as seen from package `alias`, in table notation. */
  function ref(alias: string, type: string): string {
    if (SCALARS[type]) return SCALARS[type];
    const full = type.startsWith('.') ? type.slice(1) : `${PKGS.find((p) => p.alias === alias)!.protoPackage}.${type}`;
    if (SPECIAL[full]) return SPECIAL[full];
    const dot = full.lastIndexOf('.');
    const owner = aliasOf.get(full.slice(0, dot));
    if (!owner) throw new Error(`no table package for ${full}`);
    return `${owner}.${full.slice(dot + 1)}`;
  }

  const out = new Map<string, string[]>(PKGS.map((p) => [p.alias, []]));
  const seen = new Set<string>();
  const queue = [...ROOTS];
  const notes: string[] = [];
  while (queue.length) {
    const qualified = queue.shift()!;
    if (seen.has(qualified)) continue;
    seen.add(qualified);
    const [alias, name] = qualified.split('.');
    const fields = protos.get(alias)!.get(name);
    const goFields = gos.get(alias)!.get(name);
    if (!fields || !goFields) throw new Error(`missing proto or Go struct for ${qualified}`);
    const tokens: string[] = [];
    for (const f of fields) {
      const go = goFields.get(f.number);
      if (!go) throw new Error(`${qualified}.${f.name}: no Go field with protobuf number ${f.number}`);
      let type: string;
      let mode = '';
      if (f.label === 'map') {
        if (f.type !== 'string') throw new Error(`${qualified}.${f.name}: map key ${f.type}`);
        type = `{${ref(alias, f.valueType!)}}`;
        if (!go.omitEmpty) mode = '!';
      } else {
        type = ref(alias, f.type);
        if (f.label === 'repeated') {
          type += '*';
          if (!go.omitEmpty) mode = '!';
        } else if (go.embedded) {
          mode = '^';
        } else if (go.pointer) {
          mode = '?';
        } else if (!go.omitEmpty && SCALARS[f.type]) {
          mode = '!';
        }
      }
      const refs = [f.type, f.valueType].filter((t): t is string => !!t).map((t) => ref(alias, t));
      for (const r of refs) if (r.includes('.')) queue.push(r);
      const jsonName = go.embedded ? '' : go.jsonName;
      if (!go.embedded && jsonName !== f.name) notes.push(`${qualified}: proto ${f.name} is JSON ${jsonName}`);
      tokens.push(`${f.number}:${jsonName}:${type}${mode}`);
    }
    out.get(alias)!.push(`  ${name}: '${tokens.join(' ')}',`);
  }

  const here = dirname(fileURLToPath(import.meta.url));
  // `^{commit}`: a tag such as v0.33.1 is an annotated tag object; the header names the commit it points at.
  const commit = (gitDir: string): string =>
    execFileSync('git', ['--git-dir', gitDir, 'rev-parse', `${rev}^{commit}`], { encoding: 'utf8' }).trim();
  const commits = { api: commit(apiDir), apimachinery: commit(machineryDir) };
  for (const pkg of PKGS) {
    const lines = out.get(pkg.alias)!.sort();
    const constName = `${pkg.alias.toUpperCase()}_V1`;
    const text = [
      `/**`,
      ` * @module Generated by testdata-gen/gen-tables.ts from upstream k8s.io/${pkg.repo} ${pkg.dir}`,
      ` * (generated.proto + Go struct tags) at ${rev === 'HEAD' ? '' : `${rev}, `}commit ${commits[pkg.repo]};`,
      ` * do not edit by hand. Notation: see ../descriptor.ts.`,
      ` * Only the messages reachable from the kinds kubito decodes are listed.`,
      ` */`,
      `export const ${constName}: Readonly<Record<string, string>> = {`,
      ...lines,
      `};`,
      ``,
    ].join('\n');
    writeFileSync(join(here, '..', 'schema', `${pkg.alias}-v1.ts`), text);
  }
  for (const n of notes) process.stderr.write(`${n}\n`);
}

main();
