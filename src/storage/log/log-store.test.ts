/**
 * @module Tests for LogStore's group commit: the writes of one turn share one driver
 * transaction, each keeps its own outcome, events and acknowledgements follow the commit, and a
 * batch the driver refuses is retried write by write. The Store contract runs on the memory
 * driver with group commit too.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStoreError, StoreError } from '../errors.js';
import { MemoryLog } from '../memory/memory-log.js';
import type { StoreEvent } from '../store.js';
import { runStoreContract } from '../store.contract.js';
import type { LogRow } from './log.js';
import { LogStore } from './log-store.js';

runStoreContract({ name: 'memory, group commit', open: async (options) => new LogStore(new MemoryLog(), { ...options, groupCommit: true }) });
runStoreContract({ name: 'memory, group commit, range cache', open: async (options) => new LogStore(new MemoryLog(), { ...options, groupCommit: true, cacheRanges: true }) });

/** A memory log that counts transactions and can be told to fail appends of some keys. */
class CountingLog extends MemoryLog {
  transactions = 0;
  failKeys = new Set<string>();
  /** Set while a transaction runs (what a reader would see mid-batch). */
  inTransaction = false;

  override transaction<T>(fn: () => T): T {
    this.transactions++;
    this.inTransaction = true;
    try {
      return super.transaction(fn);
    } finally {
      this.inTransaction = false;
    }
  }

  reads = 0;

  override range(...args: Parameters<MemoryLog['range']>): LogRow[] {
    this.reads++;
    return super.range(...args);
  }

  override get(key: string): LogRow | undefined {
    if (!this.inTransaction) this.reads++;
    return super.get(key);
  }

  override append(row: LogRow): void {
    if (this.failKeys.has(row.key)) throw new Error(`disk on fire at ${row.key}`);
    super.append(row);
  }
}

/** A store whose batches run when the test says so. */
function manualStore(options: { cacheRanges?: boolean } = {}): { store: LogStore; log: CountingLog; runBatch(): void } {
  const log = new CountingLog();
  const queued: (() => void)[] = [];
  const store = new LogStore(log, { groupCommit: true, schedule: (fn) => queued.push(fn), ...options });
  return {
    store,
    log,
    runBatch() {
      const fns = queued.splice(0);
      assert.ok(fns.length > 0, 'a batch was scheduled');
      for (const fn of fns) fn();
    },
  };
}

describe('LogStore group commit', () => {
  test('writes of one turn commit in one transaction, in the order they were requested', async () => {
    const { store, log, runBatch } = manualStore();
    const before = log.transactions;
    const writes = [store.create('/k/a', '1'), store.create('/k/b', '2'), store.create('/k/c', '3')];
    assert.equal(log.transactions, before, 'nothing runs before the batch');
    runBatch();
    const values = await Promise.all(writes);
    assert.equal(log.transactions, before + 1);
    assert.deepEqual(values.map((v) => [v.key, v.modRevision]), [['/k/a', 1], ['/k/b', 2], ['/k/c', 3]]);
  });

  test('a refused write fails alone; later writes in the batch see the earlier ones', async () => {
    const { store, runBatch } = manualStore();
    const first = store.create('/k/a', '1');
    const again = store.create('/k/a', 'dup');
    const update = store.update('/k/a', '2', { expectedModRevision: 1 });
    const stale = store.update('/k/a', '3', { expectedModRevision: 1 });
    runBatch();
    assert.equal((await first).modRevision, 1);
    await assert.rejects(again, (err) => isStoreError(err, 'KeyExists'));
    assert.equal((await update).modRevision, 2, 'the refused create took no revision');
    await assert.rejects(stale, (err) => isStoreError(err, 'Conflict'));
    assert.equal((await store.get('/k/a'))?.value, '2');
  });

  test('events are published after the commit, in revision order, before the writes resolve', async () => {
    const { store, log, runBatch } = manualStore();
    const events: StoreEvent[] = [];
    const seenInTransaction: boolean[] = [];
    await store.watch('/k/', 0, {
      onEvent: (ev) => {
        events.push(ev);
        seenInTransaction.push(log.inTransaction);
      },
    });
    let resolvedWithEvents = -1;
    const a = store.create('/k/a', '1');
    const b = store.create('/k/b', '2').then((v) => {
      resolvedWithEvents = events.length;
      return v;
    });
    assert.equal(events.length, 0, 'no event before the commit');
    runBatch();
    await Promise.all([a, b]);
    assert.deepEqual(events.map((e) => e.value.modRevision), [1, 2]);
    assert.deepEqual(seenInTransaction, [false, false]);
    assert.equal(resolvedWithEvents, 2);
  });

  test('a write from inside a watch callback goes into the next batch', async () => {
    const { store, log, runBatch } = manualStore();
    let echoed: Promise<unknown> | undefined;
    await store.watch('/k/', 0, {
      onEvent: (ev) => {
        if (ev.key === '/k/a') echoed = store.create('/k/echo', ev.value.value);
      },
    });
    const before = log.transactions;
    const a = store.create('/k/a', '1');
    runBatch();
    await a;
    assert.ok(echoed);
    runBatch();
    await echoed;
    assert.equal(log.transactions, before + 2);
    assert.equal((await store.get('/k/echo'))?.modRevision, 2);
  });

  test('a batch the driver fails is rolled back and retried write by write: only the bad write fails', async () => {
    const { store, log, runBatch } = manualStore();
    log.failKeys.add('/k/bad');
    const good1 = store.create('/k/good1', '1');
    const bad = store.create('/k/bad', 'x');
    const good2 = store.create('/k/good2', '2');
    runBatch();
    assert.deepEqual([(await good1).modRevision, (await good2).modRevision], [1, 2]);
    await assert.rejects(bad, /disk on fire/);
    assert.equal(await store.get('/k/bad'), undefined);
    assert.equal(await store.currentRevision(), 2);
  });

  test('close commits what is queued; writes after it reject with Closed', async () => {
    const { store } = manualStore();
    const queued = store.create('/k/a', '1');
    await store.close();
    assert.equal((await queued).modRevision, 1);
    await assert.rejects(store.create('/k/b', '2'), (err) => err instanceof StoreError && err.code === 'Closed');
  });
});

describe('LogStore range cache', () => {
  const keysOf = (items: { key: string }[]): string[] => items.map((i) => i.key);

  test('a listed range follows every committed write; its lists, pages, counts and gets skip the driver', async () => {
    const { store, log, runBatch } = manualStore({ cacheRanges: true });
    const seed = ['/k/b', '/k/d', '/x/z'].map((k) => store.create(k, k));
    runBatch();
    await Promise.all(seed);
    assert.deepEqual(keysOf((await store.list('/k/')).items), ['/k/b', '/k/d']);
    const reads = log.reads;
    const writes = [store.create('/k/a', 'a'), store.create('/k/c', 'c'), store.update('/k/d', 'd2'), store.delete('/k/b'), store.create('/x/y', 'y')];
    runBatch();
    await Promise.all(writes);
    const all = await store.list('/k/');
    assert.deepEqual(keysOf(all.items), ['/k/a', '/k/c', '/k/d']);
    assert.equal(all.revision, 8);
    assert.equal(all.items[2]!.value, 'd2');
    assert.equal(all.items[2]!.modRevision, 6);
    const page = await store.list('/k/', { after: '/k/a', limit: 1 });
    assert.deepEqual([keysOf(page.items), page.remaining], [['/k/c'], 1]);
    assert.equal(await store.count('/k/'), 3);
    assert.equal((await store.get('/k/c'))?.value, 'c');
    assert.equal(await store.get('/k/b'), undefined);
    assert.equal(log.reads, reads, 'answered from the cache');
    // Outside the cached range: the driver answers.
    assert.equal((await store.get('/x/y'))?.value, 'y');
    assert.equal(log.reads, reads + 1);
  });

  test('a paged first list (an informer\'s) fills the range: its next pages and a namespace inside it come from memory', async () => {
    const { store, log, runBatch } = manualStore({ cacheRanges: true });
    const seed = ['/s/a/1', '/s/a/2', '/s/b/1', '/s/b/2', '/s/c/1'].map((k) => store.create(k, k));
    runBatch();
    await Promise.all(seed);
    const first = await store.list('/s/', { limit: 2 });
    assert.deepEqual([keysOf(first.items), first.remaining], [['/s/a/1', '/s/a/2'], 3]);
    const reads = log.reads;
    const second = await store.list('/s/', { after: '/s/a/2', limit: 2 });
    assert.deepEqual([keysOf(second.items), second.remaining], [['/s/b/1', '/s/b/2'], 1]);
    assert.deepEqual(keysOf((await store.list('/s/b/')).items), ['/s/b/1', '/s/b/2']);
    assert.equal(await store.count('/s/c/'), 1);
    assert.equal(log.reads, reads, 'answered from the cache');
  });

  test('a write the driver refuses leaves the cached range as the driver has it', async () => {
    const { store, log, runBatch } = manualStore({ cacheRanges: true });
    await store.list('/k/');
    log.failKeys.add('/k/bad');
    const writes = [store.create('/k/good', '1'), store.create('/k/bad', 'x')];
    runBatch();
    await writes[0];
    await assert.rejects(writes[1]!, /disk on fire/);
    assert.deepEqual(keysOf((await store.list('/k/')).items), ['/k/good']);
    assert.equal(await store.get('/k/bad'), undefined);
  });

  test('a watcher that reads in its handler sees the whole committed batch', async () => {
    const { store, runBatch } = manualStore({ cacheRanges: true });
    await store.list('/k/');
    const seen: number[] = [];
    await store.watch('/k/', 0, { onEvent: () => void store.list('/k/').then((l) => seen.push(l.items.length)) });
    const writes = [store.create('/k/a', '1'), store.create('/k/b', '2')];
    runBatch();
    await Promise.all(writes);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, [2, 2]);
  });
});
