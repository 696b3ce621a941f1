/**
 * @module The contract of `LogDriver`, below the Store contract: what compaction removes and
 * keeps, atomic transactions, and the history reads. Run by each log-backed backend's tests, so
 * a driver that keeps too much (or too little) history fails here even where the Store API
 * cannot tell.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LogDriver, LogRow } from './log.js';

export interface LogDriverContractOptions {
  name: string;
  /** A new, empty driver. */
  open(): LogDriver;
}

/** Appends a write to `key` the way the shared layer would (create, update or delete), and returns its row. */
function write(log: LogDriver, change: { key: string; value?: string; delete?: boolean }): LogRow {
  const { key, value = '' } = change;
  const deleted = change.delete === true;
  const revision = log.currentRevision() + 1;
  const current = log.get(key);
  const row: LogRow = current
    ? { ...current, revision, value: deleted ? current.value : value, prevRevision: current.revision, created: false, deleted }
    : { revision, key, value, createRevision: revision, prevRevision: 0, created: true, deleted: false };
  log.transaction(() => log.append(row));
  return row;
}

function revisions(rows: LogRow[]): number[] {
  return rows.map((r) => r.revision);
}

export function runLogDriverContract(options: LogDriverContractOptions): void {
  function it(name: string, body: (log: LogDriver) => void): void {
    test(name, () => {
      const log = options.open();
      try {
        body(log);
      } finally {
        log.close();
      }
    });
  }

  describe(`LogDriver contract: ${options.name}`, () => {
    it('range returns keys in compareKeys order, and after follows it, whatever their characters', (log) => {
      const names = ['zz', '\uff01a', '\u{1f600}b', '\ue000', '\ud7ff', 'a', '\u{10ffff}'];
      for (const name of names) write(log, { key: `/u/${name}`, value: '1' });
      const keys = log.range('/u/', {}).map((row) => row.key);
      assert.deepEqual(keys, names.map((n) => `/u/${n}`).sort((a, b) => log.compareKeys(a, b)));
      for (let i = 0; i < keys.length; i++) {
        assert.deepEqual(log.range('/u/', { after: keys[i] }).map((row) => row.key), keys.slice(i + 1));
        assert.equal(log.count('/u/', { after: keys[i] }), keys.length - i - 1);
      }
    });

    it('compaction drops superseded and delete rows at or below it, and keeps the rest', (log) => {
      write(log, { key: '/a', value: '1' }); // 1: superseded by 2
      write(log, { key: '/a', value: '2' }); // 2: current
      write(log, { key: '/b', value: '1' }); // 3: deleted by 4
      write(log, { key: '/b', delete: true }); // 4: delete row
      write(log, { key: '/c', value: '1' }); // 5: superseded by 6, above the compaction: kept as 6's prev
      write(log, { key: '/c', value: '2' }); // 6
      log.transaction(() => log.compact(4));
      assert.equal(log.compactedRevision(), 4);
      assert.equal(log.currentRevision(), 6);
      const present = [1, 2, 3, 4, 5, 6].filter((r) => log.row(r) !== undefined);
      assert.deepEqual(present, [2, 5, 6]);
      assert.deepEqual(revisions(log.since('/', { after: 4, limit: 10 })), [5, 6]);
      assert.equal(log.get('/a')?.value, '2');
      assert.equal(log.get('/b'), undefined);
    });

    it('compaction never lowers the current revision, even when it removes the newest row', (log) => {
      write(log, { key: '/a', value: '1' });
      write(log, { key: '/a', delete: true });
      log.transaction(() => log.compact(2));
      assert.equal(log.row(2), undefined);
      assert.equal(log.currentRevision(), 2);
    });

    it('a transaction that throws leaves nothing behind', (log) => {
      write(log, { key: '/a', value: '1' });
      assert.throws(
        () =>
          log.transaction(() => {
            log.append({ revision: 2, key: '/a', value: '2', createRevision: 1, prevRevision: 1, created: false, deleted: true });
            log.append({ revision: 3, key: '/b', value: '1', createRevision: 3, prevRevision: 0, created: true, deleted: false });
            log.compact(2);
            throw new Error('abort');
          }),
        /abort/,
      );
      assert.equal(log.currentRevision(), 1);
      assert.equal(log.compactedRevision(), 0);
      assert.equal(log.get('/a')?.value, '1');
      assert.equal(log.get('/b'), undefined);
      assert.deepEqual(revisions(log.range('/', {})), [1]);
      assert.equal(write(log, { key: '/c' }).revision, 2);
    });

    it('range, count and since select by prefix, after and limit', (log) => {
      for (const key of ['/p/b', '/p/a', '/px/a', '/p/c', '/q/a']) write(log, { key });
      write(log, { key: '/p/b', delete: true });
      assert.deepEqual(log.range('/p/', {}).map((r) => r.key), ['/p/a', '/p/c']);
      assert.deepEqual(log.range('/p/', { after: '/p/a', limit: 1 }).map((r) => r.key), ['/p/c']);
      assert.deepEqual(log.range('', { limit: 2 }).map((r) => r.key), ['/p/a', '/p/c']);
      assert.equal(log.count('/p/', {}), 2);
      assert.equal(log.count('/p/', { after: '/p/a' }), 1);
      assert.equal(log.count('', {}), 4);
      assert.deepEqual(revisions(log.since('/p/', { after: 1, limit: 2 })), [2, 4]);
      assert.deepEqual(revisions(log.since('/p/', { after: 4, limit: 10 })), [6]);
    });

    it('range and count keep key order whatever order keys come in, across deletes, re-creates and a rolled-back transaction', (log) => {
      // A seeded walk: creates in and out of order (s9 then s10), deletes, re-creates, a list
      // now and then, checked against a sorted model.
      const live = new Set<string>();
      let seed = 7;
      const next = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const check = (): void => {
        const sorted = [...live].sort();
        assert.deepEqual(log.range('/k/', {}).map((r) => r.key), sorted);
        assert.equal(log.count('/k/', {}), sorted.length);
        const from = sorted[Math.floor(sorted.length / 2)];
        if (from !== undefined) assert.deepEqual(log.range('/k/', { after: from, limit: 3 }).map((r) => r.key), sorted.filter((k) => k > from).slice(0, 3));
      };
      for (let i = 0; i < 400; i++) {
        const key = `/k/s${next(60)}`;
        if (live.has(key) && next(3) === 0) {
          write(log, { key, delete: true });
          live.delete(key);
        } else {
          write(log, { key });
          live.add(key);
        }
        if (next(10) === 0) check();
        if (i === 200) {
          const revision = log.currentRevision();
          assert.throws(() =>
            log.transaction(() => {
              log.append({ revision: revision + 1, key: '/k/zz', value: 'x', createRevision: revision + 1, prevRevision: 0, created: true, deleted: false });
              log.append({ revision: revision + 2, key: '/k/a', value: 'x', createRevision: revision + 2, prevRevision: 0, created: true, deleted: false });
              throw new Error('abort');
            }),
          );
          check();
        }
      }
      check();
    });
  });
}
