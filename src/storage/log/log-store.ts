/**
 * @module The `Store` every log-backed backend shares (kine's `logstructured` layer): revision
 * assignment, KeyExists/NotFound/Conflict checks, list pagination, watch fan-out with history
 * replay, and the compaction policy, written once over a `LogDriver`.
 *
 * Revisions: a write takes `currentRevision() + 1` inside the driver's transaction; the driver
 * never lowers its current revision, so revisions stay strictly increasing across compaction
 * and, for a persistent driver, across restarts. A failed write consumes no revision.
 *
 * Group commit (`groupCommit`, the SQLite backend's default): writes requested in one turn of
 * the event loop are queued and run, in the order they were requested, in one driver
 * transaction on the next turn (`setImmediate`); each write's own checks (KeyExists, NotFound,
 * Conflict) are decided there and fail only that write. A write resolves, and its event is
 * published, only after that transaction has committed, so an acknowledged write is as durable
 * as with a transaction of its own and no reader or watcher ever sees an uncommitted one (reads
 * run between batches, never inside one). A commit costs about as much for one row as for ten,
 * so batches save most of it under load. If the batch transaction fails as a whole (a driver
 * error), it is rolled back and each of its writes is run again alone, so one bad write cannot
 * fail the others.
 *
 * History: the last `historySize` revisions stay replayable. Compaction runs after a write once
 * the history exceeds that by a tenth (so it is amortised), and moves the compacted revision to
 * `current - historySize`; a watch from before it rejects with 'Compacted'.
 */

import { StoreError, isStoreError } from '../errors.js';
import type {
  ListOptions,
  ListResult,
  Store,
  StoreEvent,
  StoredValue,
  StoreWatch,
  WatchOptions,
  WriteOptions,
} from '../store.js';
import { type LogDriver, type LogRow, rowEvent, rowValue } from './log.js';
import { RangeCache } from './range-cache.js';
import { WatchHub } from './watch-hub.js';

export interface LogStoreOptions {
  /** Revisions of history kept for watches to resume from. Default 10,000. */
  historySize?: number;
  /** Events a replaying watch receives per turn of the event loop. Default 500. */
  watchPageSize?: number;
  /** Commit the writes of one event-loop turn together (see the module comment). Default false. */
  groupCommit?: boolean;
  /** Runs a batch on a later turn (default `setImmediate`); tests may inject their own. */
  schedule?: (fn: () => void) => void;
  /**
   * Keep the live rows of listed ranges in memory, current at every commit (range-cache.ts), so
   * that lists, counts and gets inside them skip the driver. For drivers whose reads cost (SQLite);
   * a memory driver has its rows in memory already. Default false.
   */
  cacheRanges?: boolean;
}

/** A write waiting for its batch. */
interface PendingWrite {
  key: string;
  plan: WritePlan;
  resolve(value: StoredValue): void;
  reject(err: unknown): void;
}

/** Decides a write from the key's current row and the revision it would get; throws a StoreError to refuse it. */
type WritePlan = (current: LogRow | undefined, revision: number) => LogRow;

/** A planned write's outcome inside a batch. */
type Outcome = { ok: true; row: LogRow; prev: LogRow | undefined } | { ok: false; err: unknown };

export const DEFAULT_HISTORY_SIZE = 10_000;

export class LogStore implements Store {
  readonly #driver: LogDriver;
  readonly #hub: WatchHub;
  readonly #historySize: number;
  readonly #compactBatch: number;
  readonly #groupCommit: boolean;
  readonly #schedule: (fn: () => void) => void;
  readonly #cache: RangeCache | undefined;
  /**
   * The value handed out for a cached row, the same object every time: callers may key their
   * own memos (decoded forms) on it. Values are read-only (the Store contract).
   */
  readonly #values = new WeakMap<LogRow, StoredValue>();
  #pending: PendingWrite[] = [];
  #closed = false;

  constructor(driver: LogDriver, options: LogStoreOptions = {}) {
    const historySize = options.historySize ?? DEFAULT_HISTORY_SIZE;
    if (!Number.isSafeInteger(historySize) || historySize < 1) {
      throw new TypeError(`historySize must be a positive integer, got ${historySize}`);
    }
    this.#driver = driver;
    this.#historySize = historySize;
    this.#compactBatch = Math.ceil(historySize / 10);
    this.#groupCommit = options.groupCommit ?? false;
    this.#schedule = options.schedule ?? ((fn) => void setImmediate(fn));
    this.#cache = options.cacheRanges ? new RangeCache() : undefined;
    this.#hub = new WatchHub({
      readHistory: (prefix, page) => this.#readHistory(prefix, page),
      currentRevision: () => this.#driver.currentRevision(),
      pageSize: options.watchPageSize,
    });
  }

  async currentRevision(): Promise<number> {
    return this.#run('', () => this.#driver.currentRevision());
  }

  async compactedRevision(): Promise<number> {
    return this.#run('', () => this.#driver.compactedRevision());
  }

  async get(key: string): Promise<StoredValue | undefined> {
    return this.#run(key, () => {
      const hit = this.#cache?.get(key);
      if (hit) return hit.row && this.#valueOf(hit.row);
      const row = this.#driver.get(key);
      return row && rowValue(row);
    });
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    return this.#run(prefix, () => {
      const limit = options.limit !== undefined && options.limit > 0 ? options.limit : 0;
      if (options.revision !== undefined && options.revision !== this.#driver.currentRevision()) {
        return this.#listAt(prefix, options.revision, options.after, limit);
      }
      const cache = this.#cache;
      let cached = cache?.list(prefix, { after: options.after, limit });
      if (!cached && cache && options.after === undefined) {
        // A list's first page (an informer's list is paged) reads the whole range once: the
        // pages after it, and every later list inside it, come from memory.
        cache.fill(prefix, this.#driver.range(prefix, {}));
        cached = cache.list(prefix, { limit });
      }
      if (cached) return { items: cached.rows.map((row) => this.#valueOf(row)), revision: this.#driver.currentRevision(), remaining: cached.remaining };
      const rows = this.#driver.range(prefix, { after: options.after, limit });
      const last = rows.at(-1);
      const remaining = limit > 0 && rows.length === limit && last ? this.#driver.count(prefix, { after: last.key }) : 0;
      return { items: rows.map(rowValue), revision: this.#driver.currentRevision(), remaining };
    });
  }

  /**
   * The keys under `prefix` as they were at `revision` (below the current one): the current rows,
   * with every key written since taken back to its row at `revision` (the row its first later
   * write replaced; none when that write created it). The history above the compacted revision
   * holds every such row (compaction only drops rows replaced at or below it). Current rows come
   * from the range cache when it holds them, so a continue page under writes stays in memory.
   */
  #listAt(prefix: string, revision: number, after: string | undefined, limit: number): ListResult {
    if (!Number.isSafeInteger(revision) || revision < 0) throw new TypeError(`revision must be a non-negative integer, got ${revision}`);
    const current = this.#driver.currentRevision();
    if (revision > current) {
      throw new StoreError('FutureRevision', prefix, `revision ${revision} is newer than the current revision ${current}`);
    }
    checkNotCompacted(prefix, { revision, compacted: this.#driver.compactedRevision() });
    const from = after !== undefined && after >= prefix ? after : undefined;
    // Keys in the driver's order (range's), which JavaScript's `<` is not above U+D7FF.
    const compare = (a: string, b: string): number => this.#driver.compareKeys(a, b);
    // Each key's row at `revision`, for the keys written after it (undefined: it did not exist),
    // and how many of those keys exist now.
    const then = new Map<string, LogRow | undefined>();
    const liveNow = new Map<string, boolean>();
    for (const row of this.#driver.since(prefix, { after: revision, limit: current - revision })) {
      if (from !== undefined && compare(row.key, from) <= 0) continue;
      if (!then.has(row.key)) then.set(row.key, row.prevRevision > 0 ? this.#driver.row(row.prevRevision) : undefined);
      liveNow.set(row.key, !row.deleted);
    }
    let live = 0;
    for (const isLive of liveNow.values()) if (isLive) live++;
    const past: LogRow[] = [];
    for (const row of then.values()) if (row) past.push(row);
    past.sort((a, b) => compare(a.key, b.key));
    // Enough current rows to fill the page once the keys written since are left out.
    const want = limit > 0 ? limit + then.size : 0;
    let now: LogRow[];
    let nowRest: number;
    const cached = this.#cache?.list(prefix, { after: from, limit: want });
    if (cached) {
      now = cached.rows;
      nowRest = cached.remaining;
    } else {
      now = this.#driver.range(prefix, { after: from, limit: want });
      const last = now.at(-1);
      nowRest = want > 0 && now.length === want && last ? this.#driver.count(prefix, { after: last.key }) : 0;
    }
    // Merge the unchanged current rows with the rows taken back, both sorted by key.
    const rows: LogRow[] = [];
    const full = (): boolean => limit > 0 && rows.length >= limit;
    let p = 0;
    for (let i = 0; i < now.length && !full(); i++) {
      const row = now[i];
      if (then.has(row.key)) continue;
      while (p < past.length && compare(past[p].key, row.key) < 0 && !full()) rows.push(past[p++]);
      if (!full()) rows.push(row);
    }
    while (p < past.length && !full()) rows.push(past[p++]);
    const total = now.length + nowRest - live + past.length;
    const value = this.#cache ? (row: LogRow) => this.#valueOf(row) : rowValue;
    return { items: rows.map(value), revision, remaining: total - rows.length };
  }

  async count(prefix: string): Promise<number> {
    return this.#run(prefix, () => this.#cache?.count(prefix) ?? this.#driver.count(prefix, {}));
  }

  async create(key: string, value: string): Promise<StoredValue> {
    return this.#write(key, (current, revision) => {
      if (current) throw new StoreError('KeyExists', key);
      return { revision, key, value, createRevision: revision, prevRevision: 0, created: true, deleted: false };
    });
  }

  async update(key: string, value: string, options: WriteOptions = {}): Promise<StoredValue> {
    return this.#write(key, (current, revision) => {
      const prev = checkCurrent(key, current, options);
      return { ...prev, revision, value, prevRevision: prev.revision, created: false, deleted: false };
    });
  }

  async delete(key: string, options: WriteOptions = {}): Promise<StoredValue> {
    return this.#write(key, (current, revision) => {
      const prev = checkCurrent(key, current, options);
      return { ...prev, revision, prevRevision: prev.revision, created: false, deleted: true };
    });
  }

  async watch(prefix: string, fromRevision: number, options: WatchOptions): Promise<StoreWatch> {
    if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) {
      throw new TypeError(`fromRevision must be a non-negative integer, got ${fromRevision}`);
    }
    this.#run(prefix, () => {
      const current = this.#driver.currentRevision();
      if (fromRevision > current) {
        throw new StoreError('FutureRevision', prefix, `revision ${fromRevision} is newer than the current revision ${current}`);
      }
      checkNotCompacted(prefix, { revision: fromRevision, compacted: this.#driver.compactedRevision() });
    });
    return this.#hub.watch(prefix, fromRevision, options);
  }

  /** Commits the writes still queued, ends every watch with onClose(), then closes the driver. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    this.#cache?.clear();
    this.#hub.closeAll();
    this.#call('', () => this.#driver.close());
  }

  /** Runs one write atomically (alone, or in the next batch), then fans its event out and compacts if the history is due. */
  #write(key: string, plan: WritePlan): Promise<StoredValue> {
    if (!this.#groupCommit) {
      const outcome = this.#run(key, () => this.#driver.transaction(() => this.#apply(key, plan)));
      return Promise.resolve(this.#settle(outcome));
    }
    if (this.#closed) return Promise.reject(new StoreError('Closed', key, 'the store is closed'));
    return new Promise((resolve, reject) => {
      if (this.#pending.length === 0) this.#schedule(() => this.#flush());
      this.#pending.push({ key, plan, resolve, reject });
    });
  }

  /**
   * Reads the key's current row, plans the write and appends it; a refused write appends nothing.
   * `batch` holds the rows this transaction wrote so far (undefined: deleted); a key not in it is
   * read from the range cache where a cached range holds it (current at every commit), else from
   * the driver.
   */
  #apply(key: string, plan: WritePlan, batch?: Map<string, LogRow | undefined>): Outcome {
    const current = batch?.has(key) ? batch.get(key) : this.#current(key);
    let row: LogRow;
    try {
      row = plan(current, this.#driver.currentRevision() + 1);
    } catch (err) {
      return { ok: false, err };
    }
    this.#driver.append(row);
    batch?.set(key, row.deleted ? undefined : row);
    return { ok: true, row, prev: current };
  }

  /** The key's committed current row. */
  #current(key: string): LogRow | undefined {
    const hit = this.#cache?.get(key);
    return hit ? hit.row : this.#driver.get(key);
  }

  /** Publishes a committed write's event and compacts if due; returns its value or throws its refusal. */
  #settle(outcome: Outcome): StoredValue {
    if (!outcome.ok) throw outcome.err;
    this.#cache?.apply(outcome.row);
    const event = this.#event(outcome.row, outcome.prev);
    this.#hub.publish(event);
    this.#compactIfDue();
    return event.value;
  }

  /** Runs the queued writes in one transaction, then publishes and settles them in order. */
  #flush(): void {
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.#run('', () => this.#driver.transaction(() => {
        const written = new Map<string, LogRow | undefined>();
        return batch.map((w) => this.#apply(w.key, w.plan, written));
      }));
    } catch {
      // Rolled back as a whole: nothing of it committed, so each write is tried again alone.
      outcomes = batch.map((w) => {
        try {
          return this.#run(w.key, () => this.#driver.transaction(() => this.#apply(w.key, w.plan)));
        } catch (err) {
          return { ok: false, err };
        }
      });
    }
    // The cache takes the whole batch before any event goes out: a watcher that reads in its
    // handler sees every committed write.
    if (this.#cache) for (const outcome of outcomes) if (outcome.ok) this.#cache.apply(outcome.row);
    for (let i = 0; i < batch.length; i++) {
      const outcome = outcomes[i];
      if (outcome.ok) {
        const event = this.#event(outcome.row, outcome.prev);
        this.#hub.publish(event);
        batch[i].resolve(event.value);
      } else {
        batch[i].reject(outcome.err);
      }
    }
    this.#compactIfDue();
  }

  /**
   * Compaction failure does not fail the write that triggered it (that write has committed); it
   * is retried after the next write, and a broken driver fails that write on its own.
   */
  #compactIfDue(): void {
    const current = this.#driver.currentRevision();
    if (current - this.#driver.compactedRevision() <= this.#historySize + this.#compactBatch) return;
    try {
      this.#driver.transaction(() => this.#driver.compact(current - this.#historySize));
    } catch {
      // See above.
    }
  }

  #readHistory(prefix: string, page: { after: number; limit: number }): StoreEvent[] {
    return this.#call(prefix, () => {
      checkNotCompacted(prefix, { revision: page.after, compacted: this.#driver.compactedRevision() });
      return this.#driver.since(prefix, page).map((row) => {
        const prev = row.prevRevision > 0 ? this.#driver.row(row.prevRevision) : undefined;
        return rowEvent(row, prev);
      });
    });
  }

  /**
   * A committed write's event. With the range cache, its values are the ones lists of the
   * cached rows hand out (#valueOf), so what a caller keeps by value object (the registry's
   * decoded objects, its Table items) for an event's value is found again by a later list.
   * A write resolves with its event's value object, with or without the cache, so a caller
   * finds what it keeps for the event by its own write's value too.
   */
  #event(row: LogRow, prev: LogRow | undefined): StoreEvent {
    if (!this.#cache) return rowEvent(row, prev);
    const type = row.created ? 'create' : row.deleted ? 'delete' : 'update';
    const event: StoreEvent = { type, key: row.key, value: this.#valueOf(row) };
    if (type !== 'create' && prev !== undefined) event.prev = this.#valueOf(prev);
    return event;
  }

  #valueOf(row: LogRow): StoredValue {
    let value = this.#values.get(row);
    if (!value) this.#values.set(row, (value = rowValue(row)));
    return value;
  }

  /** Runs `fn` on an open store. */
  #run<T>(key: string, fn: () => T): T {
    if (this.#closed) throw new StoreError('Closed', key, 'the store is closed');
    return this.#call(key, fn);
  }

  /** Runs `fn`, handing driver errors to the driver's translation (StoreErrors pass through). */
  #call<T>(key: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (isStoreError(err)) throw err;
      throw this.#driver.translateError(err, key);
    }
  }
}

function checkCurrent(key: string, current: LogRow | undefined, options: WriteOptions): LogRow {
  if (!current) throw new StoreError('NotFound', key);
  const expected = options.expectedModRevision;
  if (expected !== undefined && expected !== current.revision) {
    throw new StoreError('Conflict', key, `Conflict: ${key} is at revision ${current.revision}, not ${expected}`);
  }
  return current;
}

function checkNotCompacted(prefix: string, at: { revision: number; compacted: number }): void {
  const { revision, compacted } = at;
  if (revision < compacted) {
    throw new StoreError('Compacted', prefix, `revision ${revision} has been compacted (oldest is ${compacted})`);
  }
}
