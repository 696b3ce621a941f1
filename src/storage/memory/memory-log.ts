/**
 * @module The in-memory log driver: an array of rows in revision order (the history), a map of
 * each live key's current row, and a sorted array of live keys for prefix lists. Keys sort by
 * UTF-16 code units (JavaScript's `<`); for the ASCII keys the API server writes that is the
 * same order as SQLite's.
 */

import { compareUtf16, type LogDriver, type LogRow, type RangeOptions } from '../log/log.js';

export class MemoryLog implements LogDriver {
  #rows: LogRow[] = [];
  readonly #live = new Map<string, LogRow>();
  readonly #keys: string[] = [];
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

  compareKeys(a: string, b: string): number {
    return compareUtf16(a, b);
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
    const at = firstIndex(this.#keys.length, (j) => this.#keys[j] >= key);
    const listed = this.#keys[at] === key;
    if (row.deleted && listed) this.#keys.splice(at, 1);
    if (!row.deleted && !listed) this.#keys.splice(at, 0, key);
    this.#undo?.push(() => {
      this.#rows.pop();
      this.#revision = prevRevision;
      if (prevLive) this.#live.set(key, prevLive);
      else this.#live.delete(key);
      if (row.deleted && listed) this.#keys.splice(at, 0, key);
      if (!row.deleted && !listed) this.#keys.splice(at, 1);
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
    this.#keys.length = 0;
  }

  /** Index of the first live key under `prefix` sorted after `after` (when given). */
  #start(prefix: string, after: string | undefined): number {
    if (after !== undefined && after >= prefix) return firstIndex(this.#keys.length, (j) => this.#keys[j] > after);
    return firstIndex(this.#keys.length, (j) => this.#keys[j] >= prefix);
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
