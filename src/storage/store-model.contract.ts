/**
 * @module A randomised check of a `Store` against a plain model (`runStoreModelCheck({ name, open })`,
 * run by every backend beside store.contract.ts): writes in batches (one event-loop turn, so
 * group commit makes them one transaction), lists at past and current revisions with `after` and
 * `limit`, lists paged across concurrent writes at the first page's revision, range-cache fills,
 * and watches from past revisions, all under a short history so that compaction keeps running.
 * The model keeps every revision's state; each answer is compared with it. Seeded, bounded in
 * steps; a failure names its seed and step.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStoreError } from './errors.js';
import type { Store, StoredValue, StoreEvent, StoreWatch } from './store.js';
import { settle } from './testing/watch-recorder.js';
import { seededRandom } from './testing/seeded-random.js';

export interface StoreModelOptions {
  name: string;
  /** Opens a new, empty store with these LogStore-like options (a short history, short replay pages). */
  open(options: { historySize: number; watchPageSize: number }): Promise<Store>;
}

type State = Map<string, StoredValue>;

const PREFIXES = ['/', '/r/', '/r/a/', '/r/ab/', '/r/b/'];
const KEYS: string[] = [];
for (const dir of ['/r/a/', '/r/ab/', '/r/b/']) for (let i = 0; i < 7; i++) KEYS.push(`${dir}k${i}`);

function expectedList(state: State, prefix: string, after: string | undefined, limit: number): { items: StoredValue[]; remaining: number } {
  const all = [...state.values()].filter((v) => v.key.startsWith(prefix) && (after === undefined || v.key > after)).sort((a, b) => (a.key < b.key ? -1 : 1));
  const items = limit > 0 ? all.slice(0, limit) : all;
  return { items, remaining: all.length - items.length };
}

/** A watch under check: what it got, and what it should get. */
interface Watched {
  prefix: string;
  from: number;
  events: StoreEvent[];
  closed?: Error;
  handle: StoreWatch;
  lastProgress: number;
}

export function runStoreModelCheck(options: StoreModelOptions): void {
  describe(`Store model check: ${options.name}`, () => {
    for (const seed of [1, 2, 3, 4]) {
      test(`seed ${seed}: lists at revisions, pages across writes and watches agree with the model`, { timeout: 60_000 }, async () => {
        await check(options, seed, 400);
      });
    }
  });
}

async function check(options: StoreModelOptions, seed: number, steps: number): Promise<void> {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const store = await options.open({ historySize: 30, watchPageSize: 3 });
  /** states[r]: the keys at revision r. */
  const states: State[] = [new Map()];
  /** The event of each revision (the model's history). */
  const log: StoreEvent[] = [];
  const watches: Watched[] = [];
  const where = (step: number, what: string): string => `seed ${seed}, step ${step}: ${what}`;
  try {
    for (let step = 0; step < steps; step++) {
      const op = rnd();
      if (op < 0.45) {
        // A batch of writes in one turn; some conflict or miss, and take no revision.
        const head = states[states.length - 1];
        const n = 1 + Math.floor(rnd() * 4);
        const writes: Promise<Written | undefined>[] = [];
        for (let i = 0; i < n; i++) {
          const key = pick(KEYS);
          const value = `${key}@${step}.${i}`;
          const stale = rnd() < 0.1 ? { expectedModRevision: 1 } : {};
          const type = !head.get(key) ? 'create' : rnd() < 0.65 ? 'update' : 'delete';
          const w = type === 'create' ? store.create(key, value) : type === 'update' ? store.update(key, value, stale) : store.delete(key, stale);
          writes.push(w.then((stored) => ({ type, key, value, stored }), (err: unknown) => {
            if (isStoreError(err, 'KeyExists') || isStoreError(err, 'NotFound') || isStoreError(err, 'Conflict')) return undefined;
            throw err;
          }));
        }
        const done = (await Promise.all(writes)).filter((w) => w !== undefined).sort((a, b) => a.stored.modRevision - b.stored.modRevision);
        for (const w of done) apply(states, log, w, where(step, `write ${w.type} ${w.key}`));
        assert.equal(await store.currentRevision(), states.length - 1, where(step, 'revisions are the successful writes, one each'));
      } else if (op < 0.7) {
        // A list at a random retained revision (or the current one), after a key, with a limit.
        const current = states.length - 1;
        const compacted = await store.compactedRevision();
        const atCurrent = rnd() < 0.2;
        const revision = atCurrent ? current : compacted + Math.floor(rnd() * (current - compacted + 1));
        const prefix = pick(PREFIXES);
        const after = rnd() < 0.4 ? pick(KEYS) : undefined;
        const limit = Math.floor(rnd() * 5);
        const got = await store.list(prefix, { after, limit, ...(atCurrent && rnd() < 0.5 ? {} : { revision }) });
        const want = expectedList(states[revision], prefix, after, limit);
        assert.deepEqual({ items: got.items, remaining: got.remaining, revision: got.revision }, { ...want, revision }, where(step, `list ${prefix} after ${after} limit ${limit} at ${revision} (current ${current}, compacted ${compacted})`));
      } else if (op < 0.8) {
        // A paged list: the first page at the current revision, writes between pages, the
        // rest at the first page's revision (a continue token's read).
        const prefix = pick(PREFIXES);
        const limit = 1 + Math.floor(rnd() * 3);
        let page = await store.list(prefix, { limit });
        const revision = page.revision;
        const items = [...page.items];
        while (page.remaining > 0) {
          const key = pick(KEYS);
          const type = states[states.length - 1].has(key) ? 'delete' : 'create';
          const value = `page@${step}`;
          const stored = await (type === 'delete' ? store.delete(key) : store.create(key, value));
          apply(states, log, { type, key, value, stored }, where(step, `write ${type} ${key}`));
          try {
            page = await store.list(prefix, { after: items.at(-1)!.key, limit, revision });
          } catch (err) {
            if (isStoreError(err, 'Compacted')) break;
            throw err;
          }
          items.push(...page.items);
          if (page.remaining === 0) assert.deepEqual(items, expectedList(states[revision], prefix, undefined, 0).items, where(step, `pages of ${prefix} by ${limit} at ${revision}`));
        }
      } else if (op < 0.88) {
        // A watch from a random retained revision.
        const current = states.length - 1;
        const compacted = await store.compactedRevision();
        const from = compacted + Math.floor(rnd() * (current - compacted + 1));
        const prefix = pick(PREFIXES);
        const w: Watched = { prefix, from, events: [], handle: undefined!, lastProgress: 0 };
        w.handle = await store.watch(prefix, from, {
          onEvent: (ev) => w.events.push(ev),
          onClose: (err) => {
            w.closed = err ?? new Error('closed');
          },
        });
        watches.push(w);
      } else if (op < 0.95) {
        // Check every watch so far and its progress, some while they still replay.
        if (rnd() < 0.5) await settle(1 + Math.floor(rnd() * 3));
        const current = states.length - 1;
        for (const w of watches) {
          const p = w.handle.progress();
          if (!w.closed) {
            assert.ok(p >= w.lastProgress, where(step, `progress went back from ${w.lastProgress} to ${p}`));
            assert.ok(p <= current, where(step, `progress ${p} beyond the current revision ${current}`));
            const last = w.events.at(-1)?.value.modRevision ?? w.from;
            assert.ok(p >= last, where(step, `progress ${p} behind the last event ${last}`));
            w.lastProgress = p;
          }
          checkWatch(w, log, p, where(step, `watch ${w.prefix} from ${w.from}`));
        }
      } else {
        // Fill (or refresh) a range cache: a first page of a prefix.
        await store.list(pick(PREFIXES), { limit: rnd() < 0.5 ? 0 : 2 });
      }
    }
    await settle(20);
    for (const w of watches) checkWatch(w, log, w.closed ? w.handle.progress() : states.length - 1, `seed ${seed}, end: watch ${w.prefix} from ${w.from}`);
  } finally {
    for (const w of watches) w.handle.stop();
    await store.close();
  }
}

/** The watch got exactly the model's events under its prefix in (from, upTo] (or a prefix of them, if it was closed). */
function checkWatch(w: Watched, log: StoreEvent[], upTo: number, what: string): void {
  const want: StoreEvent[] = [];
  for (let r = w.from + 1; r < log.length; r++) if (log[r] && log[r].key.startsWith(w.prefix)) want.push(log[r]);
  const got = w.events.map(summary);
  if (w.closed) {
    assert.ok(isStoreError(w.closed, 'Compacted'), `${what}: closed with ${String(w.closed)}`);
    assert.deepEqual(got, want.slice(0, got.length).map(summary), `${what} (closed)`);
    return;
  }
  assert.deepEqual(got, want.filter((ev) => ev.value.modRevision <= upTo).map(summary), what);
}

function summary(ev: StoreEvent): string {
  return `${ev.type} ${ev.key} ${ev.value.modRevision}/${ev.value.createRevision} ${ev.value.value} prev ${ev.prev ? `${ev.prev.modRevision}/${ev.prev.createRevision} ${ev.prev.value}` : '-'}`;
}

interface Written {
  type: StoreEvent['type'];
  key: string;
  value: string;
  stored: StoredValue;
}

/** The model takes one acknowledged write: the next revision, its value and event as the contract says. */
function apply(states: State[], log: StoreEvent[], w: Written, what: string): void {
  const revision = states.length;
  const prev = states[revision - 1].get(w.key);
  const next = new Map(states[revision - 1]);
  let value: StoredValue;
  if (w.type === 'create') {
    assert.equal(prev, undefined, `${what}: created a key that exists`);
    value = { key: w.key, value: w.value, createRevision: revision, modRevision: revision };
    next.set(w.key, value);
  } else {
    assert.ok(prev, `${what}: ${w.type} of a missing key`);
    value = { key: w.key, value: w.type === 'delete' ? prev.value : w.value, createRevision: prev.createRevision, modRevision: revision };
    if (w.type === 'delete') next.delete(w.key);
    else next.set(w.key, value);
  }
  assert.deepEqual(w.stored, value, `${what}: the write's answer`);
  log[revision] = w.type === 'create' ? { type: w.type, key: w.key, value } : { type: w.type, key: w.key, value, prev };
  states.push(next);
}
