/**
 * @module The pod-template-hash (controller.ComputeHash): FNV-32a over the pod template, then
 * the collision count as 8 little-endian bytes (its uint32 value and four zero bytes) when the
 * Deployment has one, then the decimal value of the sum spelt with rand.SafeEncodeString's
 * alphabet (no vowels, no look-alike digits).
 *
 * One difference from upstream, on purpose: kube-controller-manager feeds the hash with a spew
 * dump of the Go struct (`%#v` of a v1.PodTemplateSpec, every field of every type included,
 * nil or not). That dump cannot be reproduced without the Go types, so kubito feeds it the
 * template's canonical JSON (object keys sorted, no whitespace) instead. The hash keeps its
 * shape (up to 10 characters of `bcdfghjklmnpqrstvwxz2456789`, in practice only the ten the
 * digits map to) and its role (a stable function of the template and the collision count),
 * but a given template hashes to another value than it would in Kubernetes.
 */

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a, 32 bits, over bytes. */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let hash = seed;
  for (const b of bytes) {
    hash ^= b;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** rand.SafeEncodeString: each character becomes ALPHANUMS[code % 27]. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += ALPHANUMS[ch.codePointAt(0)! % ALPHANUMS.length];
  return out;
}

/** JSON with object keys sorted at every level; `undefined` members left out, as JSON.stringify does. */
export function canonicalJSON(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJSON(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJSON((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** ComputeHash(template, collisionCount). */
export function computeHash(template: unknown, collisionCount?: number): string {
  const bytes = new TextEncoder().encode(canonicalJSON(template ?? {}));
  let hash = fnv32a(bytes);
  if (collisionCount !== undefined && collisionCount !== null) {
    const extra = new Uint8Array(8);
    new DataView(extra.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(extra, hash);
  }
  return safeEncodeString(String(hash));
}
