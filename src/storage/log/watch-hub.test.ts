/**
 * @module Tests for the watch fan-out, over a fake history and a hand-cranked scheduler, so the
 * replay's paging and its hand-over to live delivery can be stepped through one turn at a time.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreError, isStoreError } from '../errors.js';
import type { StoreEvent } from '../store.js';
import { WatchHub } from './watch-hub.js';

/** A log of events plus a compacted revision, a hub over it, and the scheduler's queue. */
function setup(pageSize = 3) {
  const log: StoreEvent[] = [];
  const turns: (() => void)[] = [];
  const state = { compacted: 0, reads: 0 };
  const hub = new WatchHub({
    pageSize,
    schedule: (fn) => turns.push(fn),
    currentRevision: () => log.length,
    readHistory(prefix, { after, limit }) {
      state.reads++;
      if (after < state.compacted) throw new StoreError('Compacted', prefix);
      return log.filter((e) => e.value.modRevision > after && e.key.startsWith(prefix)).slice(0, limit);
    },
  });
  function write(key: string): StoreEvent {
    const revision = log.length + 1;
    const event: StoreEvent = { type: 'create', key, value: { key, value: '', createRevision: revision, modRevision: revision } };
    log.push(event);
    hub.publish(event);
    return event;
  }
  function turn(): void {
    const fn = turns.shift();
    assert.ok(fn, 'a turn was scheduled');
    fn();
  }
  return { hub, log, state, write, turn, turns };
}

function watcher() {
  const seen: number[] = [];
  const closes: (Error | undefined)[] = [];
  return {
    seen,
    closes,
    options: { onEvent: (e: StoreEvent) => void seen.push(e.value.modRevision), onClose: (err?: Error) => void closes.push(err) },
  };
}

test('with nothing to replay a watch is live at once and delivers synchronously', () => {
  const { hub, write, turns } = setup();
  write('/a/1');
  const w = watcher();
  hub.watch('/a/', 1, w.options);
  assert.equal(turns.length, 0);
  write('/a/2');
  write('/b/3');
  assert.deepEqual(w.seen, [2]);
});

test('a watch started from inside a callback gets only what follows its start revision', () => {
  const { hub, write } = setup();
  const late = watcher();
  hub.watch('/a/', 0, {
    onEvent(e) {
      if (e.value.modRevision === 1) hub.watch('/a/', 1, late.options);
    },
  });
  write('/a/1');
  write('/a/2');
  assert.deepEqual(late.seen, [2]);
});

test('replay goes a page per turn, then hands over to live delivery without gap or repeat', () => {
  const { hub, write, turn, turns } = setup(3);
  for (let i = 0; i < 7; i++) write(`/a/${i}`);
  const w = watcher();
  hub.watch('/a/', 0, w.options);
  assert.deepEqual(w.seen, []); // the first page is delivered on a later turn
  write('/a/late'); // published while replaying: read back from the log, not delivered twice
  turn();
  assert.deepEqual(w.seen, [1, 2, 3]);
  turn();
  assert.deepEqual(w.seen, [1, 2, 3, 4, 5, 6]);
  turn(); // 7 and 8 make a short page; the next read is empty, so the watch goes live
  assert.deepEqual(w.seen, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(turns.length, 0);
  write('/a/live');
  assert.deepEqual(w.seen, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('progress: a replaying watch is complete up to its cursor, a live one up to the current revision', () => {
  const { hub, write, turn } = setup(2);
  for (const key of ['/a/1', '/a/2', '/a/3', '/b/4', '/a/5']) write(key);
  const w = watcher();
  const watch = hub.watch('/a/', 0, w.options);
  assert.equal(watch.progress(), 0); // the first page goes out on a later turn
  turn();
  // A full page (revisions 1, 2): revisions 3 and 5 are still to come.
  assert.deepEqual(w.seen, [1, 2]);
  assert.equal(watch.progress(), 2);
  turn();
  assert.deepEqual(w.seen, [1, 2, 3, 5]);
  assert.equal(watch.progress(), 5);
  turn(); // another full page: the next read finds nothing, so the watch goes live
  assert.equal(watch.progress(), 5);
  // Writes under other prefixes move a live watch's progress without an event for it.
  write('/b/6');
  write('/b/7');
  assert.deepEqual(w.seen, [1, 2, 3, 5]);
  assert.equal(watch.progress(), 7);
});

test('a replaying watch whose position is compacted away ends with Compacted', () => {
  const { hub, write, turn, state } = setup(2);
  for (let i = 0; i < 6; i++) write(`/a/${i}`);
  const w = watcher();
  hub.watch('/a/', 0, w.options);
  turn();
  assert.deepEqual(w.seen, [1, 2]);
  state.compacted = 4;
  turn();
  assert.equal(w.closes.length, 1);
  assert.ok(isStoreError(w.closes[0], 'Compacted'));
  write('/a/x');
  assert.deepEqual(w.seen, [1, 2]);
  assert.equal(hub.size, 0);
});

test('stop() during replay cancels the remaining pages; during delivery, the rest of the page', () => {
  const { hub, write, turn, turns, state } = setup(3);
  for (let i = 0; i < 7; i++) write(`/a/${i}`);
  const early = watcher();
  hub.watch('/a/', 0, early.options).stop();
  const seen: number[] = [];
  const handle = hub.watch('/a/', 0, {
    onEvent(e) {
      seen.push(e.value.modRevision);
      if (seen.length === 2) handle.stop();
    },
  });
  const reads = state.reads; // each watch read its first page
  while (turns.length > 0) turn();
  assert.deepEqual(early.seen, []);
  assert.deepEqual(seen, [1, 2]);
  assert.equal(state.reads, reads, 'no page is read after stop()');
  assert.deepEqual(early.closes, []);
});

test('a throwing onEvent ends that watch with onClose(err); a throwing onClose is contained', () => {
  const { hub, write } = setup();
  const boom = new Error('boom');
  let closed: Error | undefined;
  hub.watch('/a/', 0, {
    onEvent() {
      throw boom;
    },
    onClose(err) {
      closed = err;
      throw new Error('onClose fails too');
    },
  });
  const other = watcher();
  hub.watch('/a/', 0, other.options);
  write('/a/1');
  write('/a/2');
  assert.equal(closed, boom);
  assert.deepEqual(other.seen, [1, 2]);
  assert.equal(hub.size, 1);
});

test('closeAll() ends every watch once, with onClose()', () => {
  const { hub, write } = setup();
  const a = watcher();
  const b = watcher();
  hub.watch('/a/', 0, a.options);
  hub.watch('/b/', 0, b.options);
  hub.closeAll();
  hub.closeAll();
  write('/a/1');
  assert.deepEqual([a.closes, b.closes], [[undefined], [undefined]]);
  assert.deepEqual(a.seen, []);
  assert.equal(hub.size, 0);
});
