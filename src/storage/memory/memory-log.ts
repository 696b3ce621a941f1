/**
 * @module The in-memory log driver: an array of rows in revision order (the history), a map of
 * each live key's current row, and a sorted array of live keys for prefix lists. Keys sort by
 * UTF-16 code units (JavaScript's `<`); for the ASCII keys the API server writes that is the
 * same order as SQLite's.
 *
 * The key array is sorted lazily: a new key past the last one is appended, one that lands inside
 * it (`s10` after `s9`: most bursts of creates) marks the array stale, and the next read sorts
 * the live keys again. Inserting in place moved half of a 10,000-key array per create.
 */

import type { LogDriver, LogRow, RangeOptions } from '../log/log.js';

export class MemoryLog implements LogDriver {
  #rows: LogRow[] = [];
  readonly #live = new Map<string, LogRow>();
  #keys: string[] = [];
  /** The key array misses keys or holds gone ones: rebuilt from #live at the next read. */
  #keysStale = false;
  #revision = 0;
  #compacted = 0;
  /** Set while a transaction runs: how to take back each change made so far. */
  #undo: (() => void)[] | undefined;

  currentRevision(): number {
    return this.#revision;
  }

  compactedRevision(): number {
    return this.#compacted;
  }

  get(key: string): LogRow | undefined {
    return this.#live.get(key);
  }

  row(revision: number): LogRow | undefined {
    const i = firstIndex(this.#rows.length, (j) => this.#rows[j].revision >= revision);
    const row = this.#rows[i];
    return row?.revision === revision ? row : undefined;
  }

  range(prefix: string, options: RangeOptions): LogRow[] {
    const rows: LogRow[] = [];
    const limit = options.limit ?? 0;
    for (let i = this.#start(prefix, options.after); i < this.#keys.length; i++) {
      const key = this.#keys[i];
      if (!key.startsWith(prefix) || (limit > 0 && rows.length >= limit)) break;
      const row = this.#live.get(key);
      if (row) rows.push(row);
    }
    return rows;
  }

  count(prefix: string, options: { after?: string }): number {
    const start = this.#start(prefix, options.after);
    // From `start` on, the keys with the prefix form one run: find where it ends.
    const end = start + firstIndex(this.#keys.length - start, (j) => !this.#keys[start + j].startsWith(prefix));
    return end - start;
  }

  since(prefix: string, options: { after: number; limit: number }): LogRow[] {
    const rows: LogRow[] = [];
    const first = firstIndex(this.#rows.length, (j) => this.#rows[j].revision > options.after);
    for (let i = first; i < this.#rows.length && rows.length < options.limit; i++) {
      if (this.#rows[i].key.startsWith(prefix)) rows.push(this.#rows[i]);
    }
    return rows;
  }

  append(row: LogRow): void {
    const { key } = row;
    const prevRevision = this.#revision;
    const prevLive = this.#live.get(key);
    this.#rows.push(row);
    this.#revision = row.revision;
    if (row.deleted) this.#live.delete(key);
    else this.#live.set(key, row);
    if (row.deleted && prevLive) this.#unlist(key);
    if (!row.deleted && !prevLive) this.#list(key);
    this.#undo?.push(() => {
      this.#rows.pop();
      this.#revision = prevRevision;
      if (prevLive) this.#live.set(key, prevLive);
      else this.#live.delete(key);
      this.#keysStale = true;
    });
  }

  compact(revision: number): void {
    const from = this.#compacted;
    if (revision <= from) return;
    const drop = new Set<number>();
    const first = firstIndex(this.#rows.length, (j) => this.#rows[j].revision > from);
    for (let i = first; i < this.#rows.length && this.#rows[i].revision <= revision; i++) {
      const row = this.#rows[i];
      if (row.prevRevision > 0) drop.add(row.prevRevision);
      if (row.deleted) drop.add(row.revision);
    }
    const before = this.#rows;
    this.#rows = before.filter((row) => !drop.has(row.revision));
    this.#compacted = revision;
    this.#undo?.push(() => {
      this.#rows = before;
      this.#compacted = from;
    });
  }

  transaction<T>(fn: () => T): T {
    if (this.#undo) return fn();
    const undo: (() => void)[] = [];
    this.#undo = undo;
    try {
      return fn();
    } catch (err) {
      for (const step of undo.reverse()) step();
      throw err;
    } finally {
      this.#undo = undefined;
    }
  }

  /** Nothing here fails in a way a StoreError describes. */
  translateError(err: unknown): unknown {
    return err;
  }

  close(): void {
    this.#rows = [];
    this.#live.clear();
    this.#keys = [];
    this.#keysStale = false;
  }

  /** The live keys in order (sorted again first if a write left them stale). */
  #sortedKeys(): string[] {
    if (this.#keysStale) {
      this.#keys = [...this.#live.keys()].sort();
      this.#keysStale = false;
    }
    return this.#keys;
  }

  /** A new live key: appended when it sorts last, else the array goes stale. */
  #list(key: string): void {
    const keys = this.#keys;
    if (!this.#keysStale && (keys.length === 0 || keys[keys.length - 1] < key)) keys.push(key);
    else this.#keysStale = true;
  }

  /** A key that left: taken out of a sorted array (found by halving), nothing to do in a stale one. */
  #unlist(key: string): void {
    if (this.#keysStale) return;
    const keys = this.#keys;
    const at = firstIndex(keys.length, (j) => keys[j] >= key);
    if (keys[at] === key) keys.splice(at, 1);
  }

  /** Index of the first live key under `prefix` sorted after `after` (when given). */
  #start(prefix: string, after: string | undefined): number {
    const keys = this.#sortedKeys();
    if (after !== undefined && after >= prefix) return firstIndex(keys.length, (j) => keys[j] > after);
    return firstIndex(keys.length, (j) => keys[j] >= prefix);
  }
}

/** The first index in [0, n) where the monotone predicate `ok` holds, or n if none does. */
function firstIndex(n: number, ok: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ok(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
