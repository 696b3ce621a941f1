/**
 * @module The SQLite schema and its SQL: a kine-like `log` table, one row per revision.
 *
 * `id` is the revision. `AUTOINCREMENT` is there for `sqlite_sequence`, which remembers the
 * largest id ever inserted even after compaction deletes that row, so a reopened store resumes
 * above every earlier revision. A key's current row is its row with the largest id; a delete
 * row (deleted = 1) repeats the last value. The (key, id, deleted) index serves get, list and
 * count (which it covers, halving its cost); history replay walks the primary key.
 */

export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  key             TEXT    NOT NULL,
  created         INTEGER NOT NULL,
  deleted         INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision   INTEGER NOT NULL,
  value           TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS log_key_id ON log (key, id, deleted);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('compact_revision', 0);
`;

/** A `log` row as SQLite returns it. */
export interface SqlRow {
  id: number;
  key: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string;
}

const COLUMNS = 'id, key, created, deleted, create_revision, prev_revision, value';

export const SQL = {
  revision: `SELECT seq FROM sqlite_sequence WHERE name = 'log'`,
  compactRevision: `SELECT value FROM meta WHERE name = 'compact_revision'`,
  setCompactRevision: `UPDATE meta SET value = ? WHERE name = 'compact_revision'`,
  get: `SELECT ${COLUMNS} FROM log WHERE key = ? ORDER BY id DESC LIMIT 1`,
  row: `SELECT ${COLUMNS} FROM log WHERE id = ?`,
  /** Positional parameters, in COLUMNS' order: binding by name costs a lookup per column per row. */
  append: `INSERT INTO log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  /** Rows superseded by a write in (from, to], then delete rows in (from, to]: order matters. */
  compactSuperseded: `DELETE FROM log WHERE id IN (SELECT prev_revision FROM log WHERE id > ? AND id <= ? AND prev_revision > 0)`,
  compactDeletes: `DELETE FROM log WHERE deleted = 1 AND id > ? AND id <= ?`,
};

/** The shape of a key range: with an upper bound or not, and a strict lower bound (`after`) or not. */
export interface RangeShape {
  bounded: boolean;
  strict: boolean;
}

function keyRange(shape: RangeShape, column = 'key'): string {
  const lower = `${column} ${shape.strict ? '>' : '>='} @lower`;
  return shape.bounded ? `${lower} AND ${column} < @upper` : lower;
}

/** Live keys in the range, by key; bind @lower, @upper (if bounded), @limit (-1: all). Walks the
 * (key, id) index in order and keeps a row when no later row has its key, so a page stops early. */
export function rangeSql(shape: RangeShape): string {
  return `SELECT ${COLUMNS} FROM log AS l WHERE ${keyRange(shape)} AND deleted = 0
    AND NOT EXISTS (SELECT 1 FROM log AS n WHERE n.key = l.key AND n.id > l.id)
    ORDER BY key LIMIT @limit`;
}

/** How many live keys are in the range: each key's newest row (the bare columns of a MAX(id)
 * aggregate come from that row, in SQLite), not a delete. */
export function countSql(shape: RangeShape): string {
  return `SELECT COUNT(*) AS n FROM (SELECT MAX(id), deleted FROM log WHERE ${keyRange(shape)} GROUP BY key)
    WHERE deleted = 0`;
}

/**
 * Rows after @after in the range, by revision. `+key` keeps the planner on the primary key: a
 * watch usually resumes close to the head of the log.
 */
export function sinceSql(shape: RangeShape): string {
  return `SELECT ${COLUMNS} FROM log WHERE id > @after AND ${keyRange(shape, '+key')} ORDER BY id LIMIT @limit`;
}
