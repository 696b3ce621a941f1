/**
 * @module kube-openapi's `deduplicateParameters` (pkg/builder/parameters.go), which kube-apiserver
 * applies to its Swagger 2.0 document: every parameter is moved to the document's `parameters`
 * and referred to as `#/parameters/<name>-<hash>` (`pretty-tJGM1-ng`, `body-78PwaGsr`), except
 * the `name` path/query parameters (their descriptions name the kind), the `fieldValidation`
 * and `dryRun` query parameters (kubectl up to 1.27 looks for them inline to detect server-side
 * field validation and dry run) and body parameters of a kind's own schema. The hash is the
 * first 6 bytes of the FNV-64 of the parameter's JSON as Go writes it, in URL-safe base64.
 */

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

function shared(p: Json): boolean {
  if ((p.in === 'query' || p.in === 'path') && p.name === 'name') return false;
  if (p.in === 'query' && (p.name === 'fieldValidation' || p.name === 'dryRun')) return false;
  if (p.in === 'body' && p.name === 'body') {
    const ref = (p.schema as Json | undefined)?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/definitions/io.k8s.apimachinery')) return false;
  }
  return true;
}

/** encoding/json's string escaping beyond JSON.stringify's: <, >, & and U+2028/9 as \u escapes. */
function goEscape(text: string): string {
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The parameter as spec.Parameter marshals it: its embedded structs in order (Refable,
 * CommonValidations, SimpleSchema, VendorExtensible, ParamProps), empty fields left out.
 */
function goJSON(p: Json): string {
  const ordered: Json = {};
  if (p.uniqueItems === true) ordered.uniqueItems = true;
  for (const key of ['type', 'format', 'description', 'name', 'in']) if (p[key] !== undefined) ordered[key] = p[key];
  if (p.required === true) ordered.required = true;
  if (p.schema !== undefined) ordered.schema = p.schema;
  return goEscape(JSON.stringify(ordered));
}

/** FNV-64 (not 64a) of the UTF-8 bytes, the first 6 bytes of its big-endian sum in URL-safe base64. */
export function parameterHash(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text)) h = ((h * 0x100000001b3n) & 0xffffffffffffffffn) ^ BigInt(byte);
  const sum = Buffer.alloc(8);
  sum.writeBigUInt64BE(h);
  return sum.subarray(0, 6).toString('base64url');
}

/**
 * Moves the shareable parameters of `paths` (rendered Swagger path items; changed in place) into
 * a `parameters` table, each occurrence replaced by its `$ref`. Returns the table.
 */
export function shareParameters(paths: Record<string, Json>): Record<string, Json> {
  const lists: Json[][] = [];
  for (const item of Object.values(paths)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (op?.parameters) lists.push(op.parameters as Json[]);
    }
    if (item.parameters) lists.push(item.parameters as Json[]);
  }
  const byKey = new Map<string, Json>();
  for (const list of lists) for (const p of list) if (shared(p)) byKey.set(goJSON(p), p);
  const table: Record<string, Json> = {};
  const names = new Map<string, string>();
  for (const key of [...byKey.keys()].sort()) {
    const p = byKey.get(key) as Json;
    const base = String(p.name || 'param');
    let name = `${base}-${parameterHash(key)}`;
    for (let i = 1; Object.hasOwn(table, name); i++) name = `${base}-${i}`;
    table[name] = p;
    names.set(key, name);
  }
  for (const list of lists) {
    list.forEach((p, i) => {
      const name = shared(p) ? names.get(goJSON(p)) : undefined;
      if (name) list[i] = { $ref: `#/parameters/${name}` };
    });
  }
  return table;
}
