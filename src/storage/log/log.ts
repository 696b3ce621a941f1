/**
 * @module The seam between the shared store layer and a driver (kine's `Log`/`Dialect`): a driver
 * keeps an append-only log of writes, one row per revision, and answers a handful of reads over
 * it. Revision assignment, conflict checks, watch fan-out, history replay and the compaction
 * policy live once, in `log-store.ts`; a driver holds only its data structure and the
 * translation of its own errors.
 *
 * Drivers are synchronous (both in-process engines, RAM and better-sqlite3, are), so a write's
 * read-check-append runs in one turn of the event loop and nothing interleaves with it. A backend
 * that already has revisions and watches (etcd) implements `Store` directly instead.
 */

import type { StoreEvent, StoredValue } from '../store.js';

/** One write, as the log keeps it. A delete row repeats the key's last value. */
export interface LogRow {
  /** The write's revision; the log's primary key. */
  revision: number;
  key: string;
  value: string;
  /** The revision that created this life of the key (equals `revision` for a create). */
  createRevision: number;
  /** The row this write replaced (update, delete); 0 for a create. */
  prevRevision: number;
  created: boolean;
  deleted: boolean;
}

export interface RangeOptions {
  /** Only keys sorted strictly after this one. */
  after?: string;
  /** At most this many rows; 0: all. */
  limit?: number;
}

export interface LogDriver {
  /** The newest revision ever appended, 0 for an empty log; compaction never lowers it. */
  currentRevision(): number;
  /** The revision the history was compacted to (0: never); rows above it are all present. */
  compactedRevision(): number;
  /** The key's current row, or undefined if the key does not exist (never a delete row). */
  get(key: string): LogRow | undefined;
  /** The row written at `revision`, or undefined if compacted away or never written. */
  row(revision: number): LogRow | undefined;
  /**
   * The driver's order of keys (range's, and `after`'s): negative, zero or positive as `a` sorts
   * before, with or after `b`. Orders differ only for keys with characters above U+D7FF.
   */
  compareKeys(a: string, b: string): number;
  /** The current rows of live keys starting with `prefix`, sorted by key (compareKeys). */
  range(prefix: string, options: RangeOptions): LogRow[];
  /** How many live keys start with `prefix` (and sort after `options.after`, when given). */
  count(prefix: string, options: { after?: string }): number;
  /** Rows with revision > `after` whose key starts with `prefix`, oldest first, at most `limit`. */
  since(prefix: string, options: { after: number; limit: number }): LogRow[];
  /** Appends one row; its revision is `currentRevision() + 1` (the caller guarantees it). */
  append(row: LogRow): void;
  /**
   * Forgets history at or below `revision`: every row superseded by a later write at or below
   * it, and every delete row at or below it. Current rows of live keys always stay.
   */
  compact(revision: number): void;
  /** Runs `fn` atomically: all of its appends commit, or none does (and `fn`'s error rethrows). */
  transaction<T>(fn: () => T): T;
  /** Turns a driver error into a StoreError where one applies; anything else is returned as is. */
  translateError(err: unknown, key: string): unknown;
  close(): void;
}

/** The value a row stands for. */
export function rowValue(row: LogRow): StoredValue {
  return { key: row.key, value: row.value, createRevision: row.createRevision, modRevision: row.revision };
}

/** The event a row stands for, given the row it replaced (update and delete only). */
export function rowEvent(row: LogRow, prev: LogRow | undefined): StoreEvent {
  const type = row.created ? 'create' : row.deleted ? 'delete' : 'update';
  const event: StoreEvent = { type, key: row.key, value: rowValue(row) };
  if (type !== 'create' && prev !== undefined) event.prev = rowValue(prev);
  return event;
}

/** JavaScript's order of strings (UTF-16 code units), as `<` has it. */
export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether `key` is under `prefix`. Prefixes are plain string prefixes; end them in '/'. */
export function hasPrefix(key: string, prefix: string): boolean {
  return key.startsWith(prefix);
}
