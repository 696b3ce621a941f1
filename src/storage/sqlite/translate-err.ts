/**
 * @module The SQLite driver's error translation, at its edge (kine's `TranslateErr`).
 *
 * - A constraint violation on write means another writer took the revision (the store holds an
 *   exclusive lock, so only a second process forcing its way in can cause it): 'Conflict', so
 *   the caller re-reads and retries as for any optimistic-concurrency failure.
 * - SQLITE_BUSY / SQLITE_LOCKED means another process holds the database: an Error that says so.
 * - Anything else (I/O errors, a corrupt file) passes through unchanged.
 */

import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';

export function translateSqliteError(err: unknown, key: string): unknown {
  if (!(err instanceof Database.SqliteError)) return err;
  if (err.code.startsWith('SQLITE_CONSTRAINT')) {
    return new StoreError('Conflict', key, `Conflict: ${key} was written concurrently (${err.message})`);
  }
  if (err.code.startsWith('SQLITE_BUSY') || err.code.startsWith('SQLITE_LOCKED')) {
    return new Error(`the store's database is in use by another process (${err.message})`, { cause: err });
  }
  return err;
}
