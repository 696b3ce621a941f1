/**
 * @module The `sqlite` backend (the default): the shared log store over `<dataDir>/state.db`.
 * Revisions, history and data survive restarts; see `sqlite-log.ts` for durability.
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LogStore, type LogStoreOptions } from '../log/log-store.js';
import type { Store } from '../store.js';
import { SqliteLog } from './sqlite-log.js';

export interface SqliteStoreOptions extends LogStoreOptions {
  /** The directory holding `state.db` (and its `-wal`); created (mode 0700) if missing. */
  dataDir: string;
  /** How long open() waits for another process to let go of the database. Default 1000 ms. */
  lockTimeoutMs?: number;
}

/** The database file inside a data directory. */
export function sqliteFile(dataDir: string): string {
  return join(dataDir, 'state.db');
}

/**
 * Opens (or creates) the store in `options.dataDir`; fails if another process has it open.
 * Group commit is on unless `groupCommit: false`: a commit's write(2) of its WAL pages is the
 * largest part of a lone write's cost, and a batch pays it once (log-store.ts).
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 }); // it holds Secrets
  return new LogStore(SqliteLog.open(sqliteFile(options.dataDir), { lockTimeoutMs: options.lockTimeoutMs }), { groupCommit: true, cacheRanges: true, ...options });
}
