import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRow } from './log.js';
import { RangeCache } from './range-cache.js';

function row(key: string, revision: number, deleted = false): LogRow {
  return { key, revision, value: `${key}@${revision}`, createRevision: revision, prevRevision: 0, created: !deleted, deleted };
}

test('keys stay in order as they come and go; pages start strictly after `after`', () => {
  const cache = new RangeCache();
  cache.fill('/p/', [row('/p/b', 1), row('/p/d', 2)]);
  cache.apply(row('/p/c', 3));
  cache.apply(row('/p/a', 4));
  cache.apply(row('/p/e', 5));
  cache.apply(row('/p/d', 6, true));
  cache.apply(row('/q/a', 7));
  assert.deepEqual(cache.list('/p/', {})!.rows.map((r) => r.key), ['/p/a', '/p/b', '/p/c', '/p/e']);
  assert.deepEqual(cache.list('/p/', { after: '/p/b', limit: 1 }), { rows: [row('/p/c', 3)], remaining: 1 });
  assert.deepEqual(cache.list('/p/', { after: '/p/e' }), { rows: [], remaining: 0 });
  assert.equal(cache.count('/p/'), 4);
  assert.deepEqual(cache.get('/p/d'), { row: undefined });
  assert.equal(cache.get('/q/a'), undefined, 'no cached range holds it');
  assert.equal(cache.list('/q/', {}), undefined);
});

test('creates out of key order, deletes and lists interleaved keep the order a fresh fill would have', () => {
  const cache = new RangeCache();
  cache.fill('/p/', []);
  const live = new Set<string>();
  let revision = 0;
  // Names as a burst writes them (s0, s1, ... s10, ...: not in key order), with some deleted.
  for (let i = 0; i < 300; i++) {
    const key = `/p/${i % 2 ? 'a' : 'b'}/s${i}`;
    cache.apply(row(key, ++revision));
    live.add(key);
    if (i % 7 === 3) {
      const gone = `/p/${(i - 2) % 2 ? 'a' : 'b'}/s${i - 2}`;
      cache.apply(row(gone, ++revision, true));
      live.delete(gone);
    }
    if (i % 50 === 0) assert.deepEqual(cache.list('/p/', {})!.rows.map((r) => r.key), [...live].sort());
  }
  assert.deepEqual(cache.list('/p/', {})!.rows.map((r) => r.key), [...live].sort());
  const underA = [...live].filter((k) => k.startsWith('/p/a/')).sort();
  assert.equal(cache.count('/p/a/'), underA.length);
  assert.deepEqual(cache.list('/p/a/', { after: underA[9], limit: 5 })!.rows.map((r) => r.key), underA.slice(10, 15));
});

test('nested ranges each follow writes; the least recently used range goes first', () => {
  const cache = new RangeCache({ maxRanges: 2 });
  cache.fill('/p/', []);
  cache.fill('/p/ns/', []);
  cache.apply(row('/p/ns/a', 1));
  assert.equal(cache.count('/p/'), 1);
  assert.equal(cache.count('/p/ns/'), 1);
  cache.list('/p/', {});
  cache.fill('/r/', []);
  assert.equal(cache.size, 2, '/p/ns/ evicted');
  assert.equal(cache.count('/p/ns/'), 1, 'now read from /p/');
  cache.fill('/t/', []);
  assert.equal(cache.count('/r/'), undefined, 'evicted: /p/ was used since');
  assert.equal(cache.count('/p/'), 1);
});

test('keys outside the order JavaScript and SQLite share are never cached', () => {
  const cache = new RangeCache();
  cache.fill('/p/', [row('/p/\u{1F600}', 1)]);
  assert.equal(cache.size, 0);
  cache.fill('/p/', [row('/p/a', 1)]);
  cache.apply(row('/p/\uE000', 2));
  assert.equal(cache.size, 0, 'dropped');
});

test('a prefix inside a cached range is read from it: lists, pages, counts', () => {
  const cache = new RangeCache();
  cache.fill('/s/', [row('/s/a/x', 1), row('/s/b/x', 2), row('/s/b/y', 3), row('/s/bb/z', 4), row('/s/c/x', 5)]);
  assert.deepEqual(cache.list('/s/b/', {})!.rows.map((r) => r.key), ['/s/b/x', '/s/b/y']);
  assert.deepEqual(cache.list('/s/b/', { limit: 1 })!.remaining, 1);
  assert.deepEqual(cache.list('/s/b/', { after: '/s/b/x' }), { rows: [row('/s/b/y', 3)], remaining: 0 });
  assert.deepEqual(cache.list('/s/b/', { after: '/s/b/y' }), { rows: [], remaining: 0 });
  assert.deepEqual(cache.list('/s/b/', { after: '/s/a/zzz' })!.rows.length, 2);
  assert.equal(cache.count('/s/b/'), 2);
  assert.equal(cache.count('/s/d/'), 0);
  assert.deepEqual(cache.list('/s/d/', {}), { rows: [], remaining: 0 });
  cache.apply(row('/s/b/w', 6));
  assert.deepEqual(cache.list('/s/b/', {})!.rows.map((r) => r.key), ['/s/b/w', '/s/b/x', '/s/b/y']);
  assert.equal(cache.size, 1);
});
