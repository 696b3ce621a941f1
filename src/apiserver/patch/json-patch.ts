/**
 * @module RFC 6902 JSON Patch, applied the way kube-apiserver applies it (gopkg.in/evanphx/
 * json-patch.v4, whose quirks clients have come to rely on): `replace` of a missing object
 * key adds it, `copy` from a missing key copies null, negative array indexes count from the
 * end, and a path without a leading slash addresses the root. Errors carry that library's
 * message; the HTTP layer hides it behind a generic 422 exactly as kube-apiserver does.
 */
import { jsonTypeWord } from './go-format.js';

/** A failed operation, with the message evanphx/json-patch gives. */
export class JsonPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchError';
  }
}

type Container = Record<string, unknown> | unknown[];
type Operation = Record<string, unknown>;

const MISSING = 'missing value';

/**
 * How much all `copy` operations of one patch may add, in bytes of JSON: kube-apiserver sets
 * jsonpatch.AccumulatedCopySizeLimit to JSONPatchMaxCopyBytes, 3 MiB by default.
 */
export const DEFAULT_COPY_SIZE_LIMIT = 3 * 1024 * 1024;
const INVALID_INDEX = 'invalid index referenced';

/** Decode one reference token (RFC 6901 §4): `~1` is `/`, `~0` is `~`, left to right. */
function decodeKey(token: string): string {
  return token.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

/** strconv.Atoi, or an Error with its message. */
function atoi(key: string): number | Error {
  if (!/^[+-]?\d+$/.test(key)) return new Error(`strconv.Atoi: parsing "${key}": invalid syntax`);
  return Number(key);
}

function invalidIndex(idx: number): Error {
  return new Error(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
}

/** The child at `key` (undefined when absent or null), or an Error for a bad array index. */
function get(con: Container, key: string): unknown {
  if (!Array.isArray(con)) return Object.hasOwn(con, key) ? (con[key] ?? undefined) : undefined;
  let idx = atoi(key);
  if (idx instanceof Error) return idx;
  if (idx < 0) {
    if (idx < -con.length) return invalidIndex(idx);
    idx += con.length;
  }
  if (idx >= con.length) return invalidIndex(idx);
  return con[idx] ?? undefined;
}

function add(con: Container, key: string, value: unknown): Error | undefined {
  if (!Array.isArray(con)) {
    con[key] = value;
    return undefined;
  }
  if (key === '-') {
    con.push(value);
    return undefined;
  }
  let idx = atoi(key);
  if (idx instanceof Error) return new Error(`value was not a proper array index: '${key}': ${idx.message}`);
  const size = con.length + 1;
  if (idx >= size) return invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) return invalidIndex(idx);
    idx += size;
  }
  con.splice(idx, 0, value);
  return undefined;
}

function remove(con: Container, key: string): Error | undefined {
  if (!Array.isArray(con)) {
    if (!Object.hasOwn(con, key)) return new Error(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete con[key];
    return undefined;
  }
  let idx = atoi(key);
  if (idx instanceof Error) return idx;
  if (idx >= con.length) return invalidIndex(idx);
  if (idx < 0) {
    if (idx < -con.length) return invalidIndex(idx);
    idx += con.length;
  }
  con.splice(idx, 1);
  return undefined;
}

/** Replace an existing element (the caller checked it exists with `get`). */
function set(con: Container, key: string, value: unknown): void {
  if (!Array.isArray(con)) {
    con[key] = value;
    return;
  }
  let idx = Number(key);
  if (idx < 0) idx += con.length;
  con[idx] = value;
}

/**
 * The container holding the last token of `path`, and that token decoded; undefined when an
 * intermediate value is missing, null, a scalar, or a bad array index. As in the Go library,
 * the text before the first `/` is ignored, so `a/b` addresses `b` at the root.
 */
function findObject(root: Container, path: string): { con: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let con: Container = root;
  for (const part of split.slice(1, -1)) {
    const next = get(con, decodeKey(part));
    if (!isContainer(next)) return undefined;
    con = next;
  }
  return { con, key: decodeKey(split[split.length - 1]) };
}

/** Reads a string member of an operation the way Operation.Path/From do. */
function stringMember(op: Operation, name: 'path' | 'from'): string | Error {
  const raw = op[name];
  if (raw === undefined || raw === null) {
    return new Error(name === 'path' ? `operation missing path field: ${MISSING}` : `operation, missing from field: ${MISSING}`);
  }
  if (typeof raw !== 'string') return new Error(`json: cannot unmarshal ${jsonTypeWord(raw)} into Go value of type string`);
  return raw;
}

function kind(op: Operation): string {
  return typeof op.op === 'string' ? op.op : 'unknown';
}

function value(op: Operation): unknown {
  return op.value === undefined ? null : structuredClone(op.value);
}

function fail(message: string): never {
  throw new JsonPatchError(message);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => deepEqual(v, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  return ka.length === Object.keys(rb).length && ka.every((k) => Object.hasOwn(rb, k) && deepEqual((a as Record<string, unknown>)[k] ?? null, rb[k] ?? null));
}

/**
 * Apply `ops` in order to a copy of `doc` and return the result. Throws JsonPatchError on the
 * first failing operation; `doc` itself is never modified.
 */
export function applyJsonPatch(doc: unknown, ops: readonly Operation[], opts: { copySizeLimit?: number } = {}): unknown {
  const copySizeLimit = opts.copySizeLimit ?? DEFAULT_COPY_SIZE_LIMIT;
  let root = structuredClone(doc) as Container;
  let copiedBytes = 0;
  for (const op of ops) {
    const name = kind(op);
    switch (name) {
      case 'add': {
        const path = stringMember(op, 'path');
        if (path instanceof Error) fail(`add operation failed to decode path: ${MISSING}`);
        const at = findObject(root, path) ?? fail(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
        const err = add(at.con, at.key, value(op));
        if (err) fail(`error in add for path: '${path}': ${err.message}`);
        break;
      }
      case 'remove': {
        const path = stringMember(op, 'path');
        if (path instanceof Error) fail(`remove operation failed to decode path: ${MISSING}`);
        const at = findObject(root, path) ?? fail(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
        const err = remove(at.con, at.key);
        if (err) fail(`error in remove for path: '${path}': ${err.message}`);
        break;
      }
      case 'replace': {
        const path = stringMember(op, 'path');
        if (path instanceof Error) fail(`replace operation failed to decode path: ${path.message}`);
        if (path === '') {
          const v = value(op);
          if (!isContainer(v)) fail('replace operation value must be object or array: %!w(<nil>)');
          root = v;
          break;
        }
        const at = findObject(root, path) ?? fail(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
        if (get(at.con, at.key) instanceof Error) fail(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
        set(at.con, at.key, value(op));
        break;
      }
      case 'move': {
        const from = stringMember(op, 'from');
        if (from instanceof Error) fail(`move operation failed to decode from: ${from.message}`);
        const src = findObject(root, from) ?? fail(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
        const moved = get(src.con, src.key);
        if (moved instanceof Error) fail(`error in move for path: '${src.key}': ${moved.message}`);
        const removed = remove(src.con, src.key);
        if (removed) fail(`error in move for path: '${src.key}': ${removed.message}`);
        const path = stringMember(op, 'path');
        if (path instanceof Error) fail(`move operation failed to decode path: ${path.message}`);
        const dst = findObject(root, path) ?? fail(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
        const err = add(dst.con, dst.key, moved ?? null);
        if (err) fail(`error in move for path: '${path}': ${err.message}`);
        break;
      }
      case 'copy': {
        const from = stringMember(op, 'from');
        if (from instanceof Error) fail(`copy operation failed to decode from: ${from.message}`);
        const src = findObject(root, from) ?? fail(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
        const copied = get(src.con, src.key);
        if (copied instanceof Error) fail(`error in copy for from: '${from}': ${copied.message}`);
        const path = stringMember(op, 'path');
        if (path instanceof Error) fail(`copy operation failed to decode path: ${MISSING}`);
        const dst = findObject(root, path) ?? fail(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
        copiedBytes += Buffer.byteLength(JSON.stringify(copied ?? null));
        if (copySizeLimit > 0 && copiedBytes > copySizeLimit) {
          fail(`Unable to complete the copy, the accumulated size increase of copy is ${copiedBytes}, exceeding the limit ${copySizeLimit}`);
        }
        const err = add(dst.con, dst.key, structuredClone(copied ?? null));
        if (err) fail(`error while adding value during copy: ${err.message}`);
        break;
      }
      case 'test': {
        const path = stringMember(op, 'path');
        if (path instanceof Error) fail(`test operation failed to decode path: ${path.message}`);
        const expected = op.value ?? undefined;
        if (path === '') {
          if (expected !== undefined && deepEqual(root, expected)) break;
          fail(`testing value ${path} failed: test failed`);
        }
        const at = findObject(root, path) ?? fail(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
        const actual = get(at.con, at.key);
        if (actual instanceof Error) fail(`error in test for path: '${path}': ${actual.message}`);
        const same = actual === undefined ? expected === undefined : expected !== undefined && deepEqual(actual, expected);
        if (!same) fail(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        fail(`Unexpected kind: ${name}`);
    }
  }
  return root;
}
