/**
 * @module RFC 7386 JSON Merge Patch as kube-apiserver applies it (evanphx/json-patch.v4
 * MergePatch): objects merge key by key, `null` deletes, anything else replaces. Nulls are
 * pruned from values that land where nothing (or a non-object) was, including inside objects
 * nested in arrays, as that library does.
 */

/** The patch is not a JSON object or array (e.g. `null`, `5`): "Invalid JSON Patch". */
export class BadMergePatchError extends Error {
  constructor() {
    super('Invalid JSON Patch');
    this.name = 'BadMergePatchError';
  }
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pruneNulls(v: unknown): void {
  if (isObject(v)) {
    for (const [k, child] of Object.entries(v)) {
      if (child === null) delete v[k];
      else pruneNulls(child);
    }
  } else if (Array.isArray(v)) {
    for (const child of v) if (child !== null) pruneNulls(child);
  }
}

function mergeValue(cur: unknown, patch: unknown): unknown {
  if (!isObject(cur)) {
    pruneNulls(patch);
    return patch;
  }
  if (!isObject(patch)) return patch;
  mergeInto(cur, patch);
  return cur;
}

function mergeInto(doc: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
    } else if (doc[k] === undefined || doc[k] === null) {
      pruneNulls(v);
      doc[k] = v;
    } else {
      doc[k] = mergeValue(doc[k], v);
    }
  }
}

/**
 * Merge `patch` into a copy of `doc` (into `doc` itself with `inPlace`, for a caller that owns
 * it). An array patch replaces the document (with nulls pruned from the objects inside it); a
 * scalar or null patch throws BadMergePatchError. The patch is never changed or shared.
 */
export function applyMergePatch(doc: JsonObject, patch: unknown, options: { inPlace?: boolean } = {}): unknown {
  const p = structuredClone(patch);
  if (Array.isArray(p)) {
    pruneNulls(p);
    return p;
  }
  if (!isObject(p)) throw new BadMergePatchError();
  const out = options.inPlace ? doc : structuredClone(doc);
  mergeInto(out, p);
  return out;
}
