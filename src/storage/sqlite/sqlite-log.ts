/**
 * @module The SQLite log driver (better-sqlite3): the `log` table of `schema.ts`, prepared
 * statements, and the translation of SQLite's errors.
 *
 * Connection settings, and why:
 * - `locking_mode = EXCLUSIVE`, taken at open: one process owns the file, so the cached current
 *   revision cannot go stale and a second kubito on the same data dir fails fast at open.
 *   (It also keeps the WAL index in process memory: no `-shm` file.)
 * - `journal_mode = WAL` with `synchronous = NORMAL`: a commit appends its pages to the `-wal`
 *   file with write(2) before the statement returns, but does not fsync. Once write(2) returns
 *   the pages belong to the kernel's page cache, so an acknowledged write survives the process
 *   dying in any way (SIGKILL, OOM, a crash); the next open replays the WAL. Only a kernel
 *   crash or power loss can drop the last commits before a checkpoint, and even then the
 *   database stays consistent (WAL frames are checksummed). `sqlite-store.test.ts` SIGKILLs a
 *   writer to check the first claim.
 * - `wal_autocheckpoint = 8000` pages (32 MiB of WAL) instead of SQLite's 1000: under NORMAL
 *   the only fsyncs are a checkpoint's two, and they stall the event loop for as long as the
 *   disk takes (tens of ms on a busy one). A write makes about four pages, so the default
 *   checkpointed every ~250 writes; this does so every ~2000. What a commit guarantees does
 *   not change; a restart after a crash replays at most that much WAL, and a clean close
 *   checkpoints and removes it. Besides, a checkpoint runs once writes pause for 100 ms
 *   (idle-checkpoint.ts), so that bursts mostly start with an empty WAL and meet none.
 */

import Database from 'better-sqlite3';
import type { LogDriver, LogRow, RangeOptions } from '../log/log.js';
import { IdleCheckpointer } from './idle-checkpoint.js';
import { compareCodePoints, prefixEnd } from './key-range.js';
import { SCHEMA, SCHEMA_VERSION, SQL, type RangeShape, type SqlRow, countSql, rangeSql, sinceSql } from './schema.js';
import { translateSqliteError } from './translate-err.js';

type Params = Record<string, string | number>;

/** WAL pages between automatic checkpoints (see the module comment). */
const WAL_AUTOCHECKPOINT_PAGES = 8000;

export class SqliteLog implements LogDriver {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  /** Runs a function in a transaction; built once, as better-sqlite3 wraps functions. */
  readonly #transaction: (fn: () => unknown) => unknown;
  /** The one statement of every write, prepared once (no map lookup per row). */
  readonly #append: Database.Statement;
  /** Checkpoints once writes pause (idle-checkpoint.ts). */
  readonly #idleCheckpoint: IdleCheckpointer;
  #revision: number;
  #compacted: number;

  /** Opens (creating if needed) the database at `file` and takes its exclusive lock. */
  static open(file: string, options: { lockTimeoutMs?: number } = {}): SqliteLog {
    const db = new Database(file, { timeout: options.lockTimeoutMs ?? 1000 });
    try {
      return new SqliteLog(db);
    } catch (err) {
      db.close();
      throw translateSqliteError(err, '');
    }
  }

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#transaction = db.transaction((fn: () => unknown) => fn());
    db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`SQLite refused WAL mode for ${db.name} (got ${String(mode)})`);
    db.pragma('synchronous = NORMAL');
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    db.exec('BEGIN EXCLUSIVE; COMMIT'); // take the lock now, not at the first write
    const version = db.pragma('user_version', { simple: true });
    if (version !== 0 && version !== SCHEMA_VERSION) {
      throw new Error(`${db.name} has schema version ${String(version)}; this kubito knows ${SCHEMA_VERSION}`);
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.#append = this.#statement(SQL.append);
    this.#idleCheckpoint = new IdleCheckpointer({ checkpoint: () => db.pragma('wal_checkpoint(PASSIVE)') });
    this.#revision = this.#loadRevision();
    this.#compacted = this.#one<{ value: number }>(SQL.compactRevision)?.value ?? 0;
  }

  currentRevision(): number {
    return this.#revision;
  }

  compactedRevision(): number {
    return this.#compacted;
  }

  get(key: string): LogRow | undefined {
    const row = this.#one<SqlRow>(SQL.get, key);
    return row && !row.deleted ? toLogRow(row) : undefined;
  }

  row(revision: number): LogRow | undefined {
    const row = this.#one<SqlRow>(SQL.row, revision);
    return row && toLogRow(row);
  }

  compareKeys(a: string, b: string): number {
    return compareCodePoints(a, b);
  }

  range(prefix: string, options: RangeOptions): LogRow[] {
    const { shape, params } = keyRange(prefix, options.after);
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : -1;
    return this.#all<SqlRow>(rangeSql(shape), { ...params, limit }).map(toLogRow);
  }

  count(prefix: string, options: { after?: string }): number {
    const { shape, params } = keyRange(prefix, options.after);
    return this.#one<{ n: number }>(countSql(shape), params)?.n ?? 0;
  }

  since(prefix: string, options: { after: number; limit: number }): LogRow[] {
    const { shape, params } = keyRange(prefix, undefined);
    return this.#all<SqlRow>(sinceSql(shape), { ...params, ...options }).map(toLogRow);
  }

  append(row: LogRow): void {
    this.#append.run(row.revision, row.key, row.created ? 1 : 0, row.deleted ? 1 : 0, row.createRevision, row.prevRevision, row.value);
    this.#idleCheckpoint.wrote();
    this.#revision = row.revision;
  }

  compact(revision: number): void {
    if (revision <= this.#compacted) return;
    this.#statement(SQL.compactSuperseded).run(this.#compacted, revision);
    this.#statement(SQL.compactDeletes).run(this.#compacted, revision);
    this.#statement(SQL.setCompactRevision).run(revision);
    this.#compacted = revision;
  }

  /** Nested calls join the outer transaction (better-sqlite3 turns them into savepoints). */
  transaction<T>(fn: () => T): T {
    try {
      return this.#transaction(fn) as T;
    } catch (err) {
      // Rolled back: the cached revisions may be ahead of the file.
      this.#revision = this.#loadRevision();
      this.#compacted = this.#one<{ value: number }>(SQL.compactRevision)?.value ?? 0;
      throw err;
    }
  }

  translateError(err: unknown, key: string): unknown {
    return translateSqliteError(err, key);
  }

  close(): void {
    this.#idleCheckpoint.stop();
    this.#db.close();
  }

  #loadRevision(): number {
    return this.#one<{ seq: number }>(SQL.revision)?.seq ?? 0;
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #one<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.#statement(sql).get(...params) as T | undefined;
  }

  #all<T>(sql: string, params: Params): T[] {
    return this.#statement(sql).all(params) as T[];
  }
}

/** The statement shape and parameters selecting keys under `prefix`, after `after` if given. */
function keyRange(prefix: string, after: string | undefined): { shape: RangeShape; params: Params } {
  const upper = prefixEnd(prefix);
  const strict = after !== undefined && after >= prefix;
  const params: Params = { lower: strict ? after : prefix };
  if (upper !== undefined) params.upper = upper;
  return { shape: { bounded: upper !== undefined, strict }, params };
}

function toLogRow(row: SqlRow): LogRow {
  return {
    revision: row.id,
    key: row.key,
    value: row.value,
    createRevision: row.create_revision,
    prevRevision: row.prev_revision,
    created: row.created === 1,
    deleted: row.deleted === 1,
  };
}
