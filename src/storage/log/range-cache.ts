/**
 * @module The live rows of recently listed key ranges, kept in memory and current at every
 * commit (kube-apiserver's watch cache, in miniature): a range is filled by a whole-range read
 * from the driver and then follows every committed write under its prefix, so later lists,
 * pages, counts and gets of keys inside it never touch the driver. Rows are shared with the
 * driver's reads (their text is not copied); each range adds a map entry per key.
 *
 * Keys are ordered as the drivers order them (SQLite's BINARY collation: UTF-8 bytes). For
 * keys below U+D800 (every Kubernetes name) JavaScript's `<` gives that same order; a range
 * that meets any other key is dropped and not cached again until it is re-read without one.
 */
import { hasPrefix, type LogRow } from './log.js';

/** Ranges kept at most; the least recently used is dropped first. */
export const DEFAULT_MAX_RANGES = 64;

interface CachedRange {
  rows: Map<string, LogRow>;
  /**
   * The keys in order, or undefined after a write that would have had to move keys in it: it
   * is sorted again from `rows` when next read (sortedKeys). A burst of creates in another
   * order than the keys' (names s0, s1, ... s10, ...) would otherwise move half of a long
   * array per create; a key after the last one is appended as it comes.
   */
  keys: string[] | undefined;
}

/** The range's keys in order, sorted again if a write left them unsorted. */
function sortedKeys(range: CachedRange): string[] {
  // Default sort compares UTF-16 code units, as `<` does (orderable keys only are cached).
  return (range.keys ??= [...range.rows.keys()].sort());
}

/** Whether `<` on `key` matches the drivers' byte order (see the module comment). */
function orderable(key: string): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) >= 0xd800) return false;
  return true;
}

/** The first index in sorted `keys` whose key is > `after` (or >= nothing: 0). */
function firstAfter(keys: string[], after: string | undefined): number {
  if (after === undefined) return 0;
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index in sorted `keys` whose key is >= `bound`. */
function firstAtLeast(keys: string[], bound: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class RangeCache {
  readonly #ranges = new Map<string, CachedRange>();
  readonly #maxRanges: number;

  constructor(options: { maxRanges?: number } = {}) {
    this.#maxRanges = options.maxRanges ?? DEFAULT_MAX_RANGES;
  }

  /** How many ranges are cached. */
  get size(): number {
    return this.#ranges.size;
  }

  /** Caches `prefix` from a whole-range read made at the current revision: its live rows in the driver's key order. */
  fill(prefix: string, rows: readonly LogRow[]): void {
    if (!orderable(prefix) || rows.some((row) => !orderable(row.key))) return;
    const map = new Map<string, LogRow>();
    const keys: string[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      map.set(rows[i]!.key, rows[i]!);
      keys[i] = rows[i]!.key;
    }
    this.#ranges.delete(prefix);
    this.#ranges.set(prefix, { rows: map, keys });
    if (this.#ranges.size > this.#maxRanges) this.#ranges.delete(this.#ranges.keys().next().value!);
  }

  /**
   * The live rows of `prefix` in key order, strictly after `after`, at most `limit` of them (0:
   * all), and how many more there are; undefined unless a cached range holds `prefix` (itself,
   * or a shorter prefix of it: a namespace's objects are read from the all-namespaces range).
   */
  list(prefix: string, options: { after?: string; limit?: number }): { rows: LogRow[]; remaining: number } | undefined {
    const found = this.#covering(prefix);
    if (!found) return undefined;
    const { range, first, end } = found;
    const keys = sortedKeys(range);
    const start = options.after !== undefined && options.after >= prefix ? Math.max(first, firstAfter(keys, options.after)) : first;
    const stop = options.limit !== undefined && options.limit > 0 ? Math.min(end, start + options.limit) : end;
    const rows: LogRow[] = new Array(Math.max(0, stop - start));
    for (let i = start; i < stop; i++) rows[i - start] = range.rows.get(keys[i]!)!;
    return { rows, remaining: Math.max(0, end - Math.max(start, stop)) };
  }

  /** How many live keys `prefix` has; undefined unless a cached range holds it. */
  count(prefix: string): number | undefined {
    const found = this.#covering(prefix);
    return found && found.end - found.first;
  }

  /** The live row of `key` from a cached range holding it: `{ row }` (row undefined: no such key), or undefined if none does. */
  get(key: string): { row: LogRow | undefined } | undefined {
    for (const [prefix, range] of this.#ranges) {
      if (hasPrefix(key, prefix)) return { row: range.rows.get(key) };
    }
    return undefined;
  }

  /** Follows one committed write: every cached range holding its key takes it (a delete removes the key). */
  apply(row: LogRow): void {
    for (const [prefix, range] of this.#ranges) {
      if (!hasPrefix(row.key, prefix)) continue;
      if (!orderable(row.key)) {
        this.#ranges.delete(prefix);
        continue;
      }
      if (row.deleted) {
        if (range.rows.delete(row.key) && range.keys) range.keys.splice(firstAfter(range.keys, row.key) - 1, 1);
      } else {
        if (range.keys && !range.rows.has(row.key)) {
          const keys = range.keys;
          if (keys.length === 0 || keys[keys.length - 1]! < row.key) keys.push(row.key);
          else range.keys = undefined;
        }
        range.rows.set(row.key, row);
      }
    }
  }

  /** Forgets everything (after a failed commit the driver alone knows what is live). */
  clear(): void {
    this.#ranges.clear();
  }

  /** The cached range holding `prefix` and where `prefix`'s keys lie in it: indexes [first, end). */
  #covering(prefix: string): { range: CachedRange; first: number; end: number } | undefined {
    let holder: string | undefined;
    for (const cached of this.#ranges.keys()) {
      if (hasPrefix(prefix, cached) && (holder === undefined || cached.length > holder.length)) holder = cached;
    }
    if (holder === undefined) return undefined;
    const range = this.#ranges.get(holder)!;
    if (this.#ranges.size > 1) {
      // Most recently used last.
      this.#ranges.delete(holder);
      this.#ranges.set(holder, range);
    }
    if (holder === prefix) return { range, first: 0, end: range.rows.size };
    // Keys under `prefix` are those >= prefix and < prefix with its last character raised by one.
    const keys = sortedKeys(range);
    const first = firstAtLeast(keys, prefix);
    const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    return { range, first, end: firstAtLeast(keys, upper) };
  }
}
