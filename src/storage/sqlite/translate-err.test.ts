/** @module Tests for the SQLite error translation. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { isStoreError } from '../errors.js';
import { translateSqliteError } from './translate-err.js';

test('constraint violations become Conflict on the key', () => {
  const err = translateSqliteError(new Database.SqliteError('UNIQUE constraint failed: log.id', 'SQLITE_CONSTRAINT_PRIMARYKEY'), '/a');
  assert.ok(isStoreError(err, 'Conflict'));
  assert.equal(err.key, '/a');
});

test('a locked database says another process holds it', () => {
  const cause = new Database.SqliteError('database is locked', 'SQLITE_BUSY');
  const err = translateSqliteError(cause, '');
  assert.ok(err instanceof Error && !isStoreError(err));
  assert.match(err.message, /in use by another process/);
  assert.equal(err.cause, cause);
});

test('other errors pass through unchanged', () => {
  const io = new Database.SqliteError('disk I/O error', 'SQLITE_IOERR');
  assert.equal(translateSqliteError(io, '/a'), io);
  const plain = new RangeError('x');
  assert.equal(translateSqliteError(plain, '/a'), plain);
});
