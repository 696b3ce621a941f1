/**
 * @module The one contract suite every `Store` backend runs (hono's `runTest({ newRouter })`,
 * kine's per-backend runs): `runStoreContract({ name, open })` from each backend's test file.
 * Each test opens a fresh, empty store and closes it. A backend may skip a test only with a
 * written reason.
 *
 * Keys follow the API server's layout; prefixes end in '/', so `/registry/services/` never
 * matches `/registry/servicesx/...`.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type StoreError, type StoreErrorCode, isStoreError } from './errors.js';
import type { Store } from './store.js';
import { type Recorder, record, settle } from './testing/watch-recorder.js';

export interface StoreContractOptions {
  name: string;
  /** Opens a new, empty store; `historySize` asks for a short history (compaction tests). */
  open(options?: { historySize?: number }): Promise<Store>;
  /** Test names to skip, each with the reason. */
  skip?: Record<string, string>;
}

const SVC = '/registry/services/';

/** Asserts that `promise` rejects with StoreError `code`, and returns that error. */
async function rejectsWith(promise: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isStoreError(err, code), `expected StoreError ${code}, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected StoreError ${code}, but it resolved`);
}

export function runStoreContract(options: StoreContractOptions): void {
  function it(name: string, body: (store: Store) => Promise<void>, historySize?: number): void {
    const reason = options.skip?.[name];
    test(name, { timeout: 10_000, skip: reason }, async () => {
      const store = await options.open(historySize === undefined ? {} : { historySize });
      try {
        await body(store);
      } finally {
        await store.close();
      }
    });
  }

  describe(`Store contract: ${options.name}`, () => {
    it('a new store is empty at revision 0', async (store) => {
      assert.equal(await store.currentRevision(), 0);
      assert.equal(await store.compactedRevision(), 0);
      assert.equal(await store.get(`${SVC}default/a`), undefined);
      assert.deepEqual(await store.list('/registry/'), { items: [], revision: 0, remaining: 0 });
      assert.equal(await store.count('/registry/'), 0);
    });

    it('create returns the value at a new revision, and get reads it back', async (store) => {
      const created = await store.create(`${SVC}default/a`, '{"a":1}');
      assert.deepEqual(created, { key: `${SVC}default/a`, value: '{"a":1}', createRevision: 1, modRevision: 1 });
      assert.deepEqual(await store.get(`${SVC}default/a`), created);
      assert.equal(await store.currentRevision(), 1);
    });

    it('create of an existing key rejects KeyExists and writes nothing', async (store) => {
      await store.create('/k/a', 'one');
      assert.equal((await rejectsWith(store.create('/k/a', 'two'), 'KeyExists')).key, '/k/a');
      assert.equal((await store.get('/k/a'))?.value, 'one');
      assert.equal(await store.currentRevision(), 1);
    });

    it('update replaces the value, keeps createRevision and moves modRevision', async (store) => {
      const created = await store.create('/k/a', 'one');
      await store.create('/k/b', 'other');
      const updated = await store.update('/k/a', 'two');
      assert.deepEqual(updated, { key: '/k/a', value: 'two', createRevision: created.createRevision, modRevision: 3 });
      assert.deepEqual(await store.get('/k/a'), updated);
    });

    it('update and delete of a missing or deleted key reject NotFound', async (store) => {
      assert.equal((await rejectsWith(store.update('/k/a', 'x'), 'NotFound')).key, '/k/a');
      assert.equal((await rejectsWith(store.delete('/k/a'), 'NotFound')).key, '/k/a');
      await store.create('/k/a', 'x');
      await store.delete('/k/a');
      assert.equal((await rejectsWith(store.update('/k/a', 'y'), 'NotFound')).key, '/k/a');
      assert.equal((await rejectsWith(store.delete('/k/a'), 'NotFound')).key, '/k/a');
    });

    it('expectedModRevision: a stale one rejects Conflict and writes nothing, the current one wins', async (store) => {
      const a = await store.create('/k/a', 'one');
      const b = await store.update('/k/a', 'two');
      assert.equal((await rejectsWith(store.update('/k/a', 'three', { expectedModRevision: a.modRevision }), 'Conflict')).key, '/k/a');
      assert.equal((await rejectsWith(store.delete('/k/a', { expectedModRevision: a.modRevision }), 'Conflict')).key, '/k/a');
      assert.deepEqual(await store.get('/k/a'), b);
      const c = await store.update('/k/a', 'three', { expectedModRevision: b.modRevision });
      assert.equal(c.value, 'three');
      const gone = await store.delete('/k/a', { expectedModRevision: c.modRevision });
      assert.equal(gone.value, 'three');
    });

    it('delete returns the last value at the delete revision, and the key is gone', async (store) => {
      const a = await store.create('/k/a', 'one');
      const gone = await store.delete('/k/a');
      assert.deepEqual(gone, { key: '/k/a', value: 'one', createRevision: a.createRevision, modRevision: 2 });
      assert.equal(await store.get('/k/a'), undefined);
      assert.equal(await store.count('/k/'), 0);
    });

    it('a key created again after a delete gets a fresh createRevision', async (store) => {
      await store.create('/k/a', 'one');
      await store.delete('/k/a');
      const again = await store.create('/k/a', 'two');
      assert.deepEqual(again, { key: '/k/a', value: 'two', createRevision: 3, modRevision: 3 });
    });

    it('revisions increase by one per write; failed writes take none', async (store) => {
      const seen: number[] = [];
      seen.push((await store.create('/k/a', '1')).modRevision);
      await rejectsWith(store.create('/k/a', '1'), 'KeyExists');
      seen.push((await store.update('/k/a', '2')).modRevision);
      await rejectsWith(store.update('/k/b', '2'), 'NotFound');
      seen.push((await store.create('/k/b', '1')).modRevision);
      seen.push((await store.delete('/k/a')).modRevision);
      assert.deepEqual(seen, [1, 2, 3, 4]);
      assert.equal(await store.currentRevision(), 4);
    });

    it('concurrent creates all commit, at distinct revisions', async (store) => {
      const keys = Array.from({ length: 50 }, (_, i) => `/k/${String(i).padStart(2, '0')}`);
      const results = await Promise.all(keys.map((key) => store.create(key, key)));
      assert.equal(new Set(results.map((r) => r.modRevision)).size, keys.length);
      assert.equal(await store.currentRevision(), keys.length);
      assert.deepEqual((await store.list('/k/')).items.map((i) => i.key), keys);
    });

    it('values round-trip exactly', async (store) => {
      const values = ['', 'ñandú 😀 \u0000 "quotes" \n', JSON.stringify({ big: 'x'.repeat(200_000) })];
      for (const [i, value] of values.entries()) await store.create(`/v/${i}`, value);
      for (const [i, value] of values.entries()) assert.equal((await store.get(`/v/${i}`))?.value, value);
    });

    it('list returns keys under a prefix, sorted; a prefix ending in / matches whole segments only', async (store) => {
      for (const key of [`${SVC}ns/b`, '/registry/servicesx/ns/c', `${SVC}ns/a`, '/registry/pods/ns/p', SVC.slice(0, -1)]) {
        await store.create(key, key);
      }
      const list = await store.list(SVC);
      assert.deepEqual(list.items.map((i) => i.key), [`${SVC}ns/a`, `${SVC}ns/b`]);
      assert.deepEqual(list.items[0], { key: `${SVC}ns/a`, value: `${SVC}ns/a`, createRevision: 3, modRevision: 3 });
      assert.equal(list.remaining, 0);
      assert.equal(await store.count(SVC), 2);
      assert.equal(await store.count('/registry/'), 5);
    });

    it('list pages with after and limit, and counts what remains', async (store) => {
      const keys = ['/p/a', '/p/b', '/p/c', '/p/d', '/p/e'];
      for (const key of [...keys].reverse()) await store.create(key, 'v');
      await store.create('/q/a', 'v');
      const pages: string[][] = [];
      const remaining: number[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.list('/p/', { after, limit: 2 });
        pages.push(page.items.map((i) => i.key));
        remaining.push(page.remaining);
        if (page.remaining === 0) break;
        after = page.items.at(-1)?.key;
      }
      assert.deepEqual(pages, [['/p/a', '/p/b'], ['/p/c', '/p/d'], ['/p/e']]);
      assert.deepEqual(remaining, [3, 1, 0]);
      assert.deepEqual((await store.list('/p/', { after: '/p/bb' })).items.map((i) => i.key), ['/p/c', '/p/d', '/p/e']);
      assert.deepEqual((await store.list('/p/', { after: '/a', limit: 1 })).items.map((i) => i.key), ['/p/a']);
      assert.equal((await store.list('/p/', { limit: 5 })).remaining, 0);
    });

    it('list is read at the current revision and leaves deleted keys out', async (store) => {
      await store.create('/k/a', '1');
      await store.create('/k/b', '1');
      await store.update('/k/a', '2');
      await store.delete('/k/b');
      const list = await store.list('/k/');
      assert.equal(list.revision, 4);
      assert.deepEqual(list.items, [{ key: '/k/a', value: '2', createRevision: 1, modRevision: 3 }]);
      assert.equal(await store.count('/k/'), 1);
    });

    it('list at a past revision returns the keys as they were then, paged alike', async (store) => {
      // A model of every revision's state, written alongside the store.
      const states: Map<string, { value: string; createRevision: number; modRevision: number }>[] = [new Map()];
      const model = new Map<string, { value: string; createRevision: number; modRevision: number }>();
      const note = (key: string, v: { key: string; value: string; createRevision: number; modRevision: number } | undefined): void => {
        if (v) model.set(key, { value: v.value, createRevision: v.createRevision, modRevision: v.modRevision });
        else model.delete(key);
        states.push(new Map(model));
      };
      note('/k/c', await store.create('/k/c', 'c1'));
      note('/k/a', await store.create('/k/a', 'a1'));
      assert.equal((await store.list('/k/')).items.length, 2); // fills a range cache where the backend has one
      note('/j/x', await store.create('/j/x', 'x'));
      note('/k/b', await store.create('/k/b', 'b1'));
      note('/k/a', await store.update('/k/a', 'a2'));
      await store.delete('/k/c');
      note('/k/c', undefined);
      note('/k/e', await store.create('/k/e', 'e1'));
      note('/k/c', await store.create('/k/c', 'c2'));
      await store.delete('/k/b');
      note('/k/b', undefined);
      note('/k/d', await store.create('/k/d', 'd1'));
      const current = await store.currentRevision();
      assert.equal(current, states.length - 1);
      for (let revision = 0; revision <= current; revision++) {
        const expected = [...states[revision]].filter(([key]) => key.startsWith('/k/')).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, v]) => ({ key, ...v }));
        const whole = await store.list('/k/', { revision });
        assert.deepEqual(whole, { items: expected, revision, remaining: 0 }, `at revision ${revision}`);
        const pages: typeof expected = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.list('/k/', { after, limit: 2, revision });
          assert.equal(page.revision, revision);
          pages.push(...page.items);
          assert.equal(page.remaining, expected.length - pages.length, `remaining at revision ${revision}`);
          if (page.remaining === 0) break;
          after = page.items.at(-1)?.key;
        }
        assert.deepEqual(pages, expected, `pages at revision ${revision}`);
        assert.deepEqual((await store.list('/k/', { after: '/k/bb', revision })).items, expected.filter((v) => v.key > '/k/bb'));
        // A prefix no list has read at the current revision (no range cache holds it), paged.
        const everything = [...states[revision]].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, v]) => ({ key, ...v }));
        const first = await store.list('/', { limit: 3, revision });
        assert.deepEqual(first, { items: everything.slice(0, 3), revision, remaining: Math.max(0, everything.length - 3) }, `/ at revision ${revision}`);
        if (first.remaining > 0) {
          assert.deepEqual((await store.list('/', { after: first.items.at(-1)?.key, limit: 3, revision })).items, everything.slice(3, 6));
        }
      }
      await rejectsWith(store.list('/k/', { revision: current + 1 }), 'FutureRevision');
    });

    it('list at a past revision orders keys as the list did then, whatever their characters', async (store) => {
      // Above U+D7FF, JavaScript's order (UTF-16 code units) and SQLite's (UTF-8 bytes) differ:
      // U+FF01 sorts after U+1F600 (a surrogate pair, D83D DE00) in one, before it in the other.
      // Core Events' names are path segments, so any character can be in a key.
      for (const name of ['\uff01a', '\u{1f600}b', 'zz', '\uff01\u{1f600}', '\u{1f600}\uff01']) await store.create(`/u/${name}`, 'v1');
      const revision = await store.currentRevision();
      const then = (await store.list('/u/')).items;
      const pagesThen: string[] = [];
      for (let after: string | undefined; ; ) {
        const page = await store.list('/u/', { after, limit: 1 });
        pagesThen.push(...page.items.map((v) => v.key));
        if (page.remaining === 0) break;
        after = page.items.at(-1)!.key;
      }
      assert.deepEqual(pagesThen, then.map((v) => v.key));
      for (const name of ['\uff01a', '\u{1f600}b', '\u{1f600}\uff01']) await store.update(`/u/${name}`, 'v2');
      assert.deepEqual(await store.list('/u/', { revision }), { items: then, revision, remaining: 0 });
      const pages: string[] = [];
      for (let after: string | undefined; ; ) {
        const page = await store.list('/u/', { after, limit: 1, revision });
        pages.push(...page.items.map((v) => v.key));
        assert.equal(page.remaining, then.length - pages.length);
        if (page.remaining === 0) break;
        after = page.items.at(-1)!.key;
      }
      assert.deepEqual(pages, pagesThen);
    });

    it('list at a compacted revision rejects Compacted; at the compacted revision it answers', async (store) => {
      for (let i = 0; i < 30; i++) await store.create(`/k/${String(i).padStart(2, '0')}`, 'v');
      const before = (await store.list('/k/')).items;
      for (let i = 0; i < 30; i++) await store.delete(`/k/${String(i).padStart(2, '0')}`);
      const compacted = await store.compactedRevision();
      assert.ok(compacted > 30, 'the store compacted past the creates');
      await rejectsWith(store.list('/k/', { revision: compacted - 1 }), 'Compacted');
      const at = await store.list('/k/', { revision: compacted });
      assert.deepEqual(at.items, before.slice(compacted - 30));
      assert.deepEqual((await store.list('/k/', { revision: await store.currentRevision() })).items, []);
    }, 10);

    it('watch from now delivers create, update and delete, with prev', async (store) => {
      await store.create('/k/old', 'x');
      const rec = await record(store, '/k/', { from: await store.currentRevision() });
      const a = await store.create('/k/a', '1');
      const b = await store.update('/k/a', '2');
      const c = await store.delete('/k/a');
      assert.deepEqual(await rec.next(3), [
        { type: 'create', key: '/k/a', value: a },
        { type: 'update', key: '/k/a', value: b, prev: a },
        { type: 'delete', key: '/k/a', value: c, prev: b },
      ]);
    });

    it('delete events carry the last value at the delete revision, and prev', async (store) => {
      const rec = await record(store, '/k/', { from: 0 });
      const a = await store.create('/k/a', 'last');
      await store.delete('/k/a');
      const [, del] = await rec.next(2);
      assert.deepEqual(del, {
        type: 'delete',
        key: '/k/a',
        value: { key: '/k/a', value: 'last', createRevision: a.createRevision, modRevision: 2 },
        prev: a,
      });
    });

    it('watch from the past replays, then goes live: in order, no gap, no duplicate', async (store) => {
      const live = await record(store, '/k/', { from: 0 });
      for (let i = 0; i < 30; i++) await store.create(`/k/${i}`, String(i));
      for (let i = 0; i < 30; i += 3) await store.update(`/k/${i}`, 'u');
      for (let i = 0; i < 30; i += 5) await store.delete(`/k/${i}`);
      const rec = await record(store, '/k/', { from: 7 });
      // Writes racing the replay must come after it, exactly once.
      await store.create('/k/late1', 'x');
      await store.update('/k/late1', 'y');
      await store.create('/k/late2', 'x');
      const total = (await store.currentRevision()) - 7;
      const events = await rec.next(total);
      assert.deepEqual(events.map((e) => e.value.modRevision), Array.from({ length: total }, (_, i) => i + 8));
      assert.deepEqual(events, live.events.slice(7));
      await store.create('/k/after', 'z');
      assert.equal((await rec.next(total + 1))[total].key, '/k/after');
    });

    it('watch of a prefix sees only keys under it', async (store) => {
      const rec = await record(store, SVC, { from: 0 });
      await store.create(`${SVC}ns/a`, '1');
      await store.create('/registry/servicesx/ns/a', '1');
      await store.create('/registry/pods/ns/a', '1');
      await store.create(`${SVC}ns/b`, '1');
      const replayed = await record(store, SVC, { from: 0 });
      assert.deepEqual((await rec.next(2)).map((e) => e.key), [`${SVC}ns/a`, `${SVC}ns/b`]);
      assert.deepEqual((await replayed.next(2)).map((e) => e.key), [`${SVC}ns/a`, `${SVC}ns/b`]);
      await settle();
      assert.equal(rec.events.length + replayed.events.length, 4);
    });

    it('watch from the current revision works; a later one rejects FutureRevision', async (store) => {
      await store.create('/k/a', '1');
      const rec = await record(store, '/k/', { from: 1 });
      await rejectsWith(store.watch('/k/', 2, { onEvent() {} }), 'FutureRevision');
      await store.create('/k/b', '1');
      assert.deepEqual((await rec.next(1)).map((e) => e.key), ['/k/b']);
    });

    it('a write made from a watch callback is delivered after the current event, to every watcher', async (store) => {
      const first = await record(store, '/k/', {
        from: 0,
        onEvent(event) {
          if (event.key === '/k/a') void store.create('/k/b', 'from callback');
        },
      });
      const second = await record(store, '/k/', { from: 0 });
      await store.create('/k/a', '1');
      await store.create('/k/c', '1');
      for (const rec of [first, second]) {
        assert.deepEqual((await rec.next(3)).map((e) => `${e.key}@${e.value.modRevision}`), ['/k/a@1', '/k/b@2', '/k/c@3']);
      }
    });

    it('history is bounded: older revisions reject Compacted, retained ones replay exactly', async (store) => {
      const live = await record(store, '/k/', { from: 0 });
      for (let round = 0; round < 8; round++) {
        await store.create('/k/a', `a${round}`);
        await store.update('/k/a', `a${round}+`);
        await (round % 2 ? store.delete('/k/a') : store.update('/k/a', `a${round}++`));
        if (round % 2 === 0) await store.delete('/k/a');
        await (round === 0 ? store.create('/k/b', 'b') : store.update('/k/b', `b${round}`));
      }
      const current = await store.currentRevision();
      const compacted = await store.compactedRevision();
      assert.ok(compacted > 0, 'the store compacted');
      assert.ok(current - compacted >= 10, `kept ${current - compacted} revisions, asked for 10`);
      await rejectsWith(store.watch('/k/', compacted - 1, { onEvent() {} }), 'Compacted');
      await rejectsWith(store.watch('/k/', 0, { onEvent() {} }), 'Compacted');
      const rec = await record(store, '/k/', { from: compacted });
      assert.deepEqual(await rec.next(current - compacted), live.events.slice(compacted));
      assert.deepEqual((await store.get('/k/b'))?.value, 'b7');
    }, 10);

    it('stop() ends delivery at once, is idempotent, and calls no onClose', async (store) => {
      let stopAfterOne: Recorder | undefined;
      stopAfterOne = await record(store, '/k/', { from: 0, onEvent: () => stopAfterOne?.watch.stop() });
      await store.create('/k/a', '1');
      const rec = await record(store, '/k/', { from: 0 });
      await rec.next(1);
      rec.watch.stop();
      rec.watch.stop();
      const replaying = await record(store, '/k/', { from: 0 });
      replaying.watch.stop();
      await store.create('/k/b', '1');
      await settle();
      assert.equal(stopAfterOne.events.length, 1);
      assert.equal(rec.events.length, 1);
      assert.equal(replaying.events.length, 0);
      assert.equal(rec.closed, undefined);
    });

    it('a callback that throws ends only its own watch, with onClose(err)', async (store) => {
      const boom = new Error('boom');
      const thrower = await record(store, '/k/', {
        from: 0,
        onEvent() {
          throw boom;
        },
      });
      const other = await record(store, '/k/', { from: 0 });
      await store.create('/k/a', '1');
      await store.create('/k/b', '1');
      assert.equal(await thrower.whenClosed(), boom);
      assert.equal(thrower.events.length, 1);
      assert.equal((await other.next(2)).length, 2);
      assert.equal(other.closed, undefined);
      assert.equal(await store.count('/k/'), 2);
    });

    it('close() ends watches with onClose() and later calls reject Closed', async (store) => {
      await store.create('/k/a', '1');
      const rec = await record(store, '/k/', { from: 1 });
      await store.close();
      assert.equal(await rec.whenClosed(), undefined);
      assert.equal(rec.closedCount, 1);
      const calls: Promise<unknown>[] = [
        store.currentRevision(),
        store.compactedRevision(),
        store.get('/k/a'),
        store.list('/k/'),
        store.count('/k/'),
        store.create('/k/b', '1'),
        store.update('/k/a', '2'),
        store.delete('/k/a'),
        store.watch('/k/', 1, { onEvent() {} }),
      ];
      for (const call of calls) await rejectsWith(call, 'Closed');
      await store.close(); // idempotent
    });
  });
}
