/**
 * @module A seeded check of the registry's lists and watches against a model of every revision,
 * on each backend under a short history: label-selected lists paged by continue tokens across
 * concurrent writes (one snapshot: the first page's), Exact lists at past revisions (410 once
 * compacted), and informer-like list-then-watch and watch-from-a-revision caches, which must end
 * equal to the selected current state (no event lost or doubled at the list/watch boundary; an
 * object leaving or entering the selector is DELETED or ADDED).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNotFound, isAlreadyExists, isConflict, StatusError } from '../../api/errors.js';
import { RESOURCES } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.js';
import type { Store } from '../../storage/store.js';
import { RestStorage } from './rest-storage.js';
import type { ObjectFilter, RegistryWatch } from './rest-types.js';
import { seededRandom } from '../../storage/testing/seeded-random.js';

const CONFIGMAPS = RESOURCES.find((r) => r.group === '' && r.resource === 'configmaps')!;

/** What the model keeps of an object: enough to compare. */
type Seen = string;
/** Objects by `namespace/name`. */
type State = Map<string, KubeObject>;

const NAMESPACES = ['ns1', 'ns2'];
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];
const SELECTORS: { text: string; filter?: ObjectFilter }[] = [
  { text: '' },
  { text: 'app=x', filter: (o) => o.metadata.labels?.app === 'x' },
  { text: 'app!=x', filter: (o) => o.metadata.labels?.app !== 'x' },
];

const seen = (o: KubeObject): Seen => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion} app=${o.metadata.labels?.app ?? '-'} v=${(o as unknown as { data: { v: string } }).data.v}`;
const keyOf = (o: KubeObject): string => `${o.metadata.namespace}/${o.metadata.name}`;

function select(state: State, namespace: string, filter: ObjectFilter | undefined): Seen[] {
  return [...state.values()]
    .filter((o) => (!namespace || o.metadata.namespace === namespace) && (!filter || filter(o)))
    .sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1))
    .map(seen);
}

/** An informer-like cache fed by a registry watch. */
interface Cache {
  namespace: string;
  selector: (typeof SELECTORS)[number];
  items: Map<string, KubeObject>;
  watch: RegistryWatch;
  closed?: Error;
  what: string;
}

const BACKENDS: { name: string; open(): Promise<{ store: Store; done(): void }> }[] = [
  { name: 'memory', open: async () => ({ store: await openMemoryStore({ historySize: 40 }), done() {} }) },
  {
    name: 'sqlite',
    open: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'kubito-lwmodel-'));
      return { store: await openSqliteStore({ dataDir, historySize: 40 }), done: () => rmSync(dataDir, { recursive: true, force: true }) };
    },
  },
];

for (const backend of BACKENDS) {
  for (const seed of [11, 12, 13]) {
    test(`${backend.name}, seed ${seed}: paged, Exact and watched ConfigMaps agree with a model of every revision`, { timeout: 60_000 }, async () => {
      const { store, done } = await backend.open();
      try {
        await check(new RestStorage(CONFIGMAPS, store), store, seed, 250);
      } finally {
        await store.close();
        done();
      }
    });
  }
}

async function check(storage: RestStorage, store: Store, seed: number, steps: number): Promise<void> {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const states: State[] = [new Map()];
  const caches: Cache[] = [];
  let counter = 0;
  const where = (step: number, what: string): string => `seed ${seed}, step ${step}: ${what}`;

  /** A few writes at once; the model takes the acknowledged ones in revision order. */
  async function writes(n: number, step: number): Promise<void> {
    const head = states[states.length - 1];
    const done: { rv: number; key: string; object?: KubeObject }[] = [];
    await Promise.all(Array.from({ length: n }, async () => {
      const namespace = pick(NAMESPACES);
      const name = pick(NAMES);
      const labels = rnd() < 0.5 ? { app: 'x' } : { app: 'y' };
      const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { v: String(++counter) } } as KubeObject;
      try {
        if (!head.has(`${namespace}/${name}`)) {
          const o = await storage.create(namespace, body);
          done.push({ rv: Number(o.metadata.resourceVersion), key: keyOf(o), object: o });
        } else if (rnd() < 0.7) {
          const o = await storage.update(namespace, name, body);
          done.push({ rv: Number(o.metadata.resourceVersion), key: keyOf(o), object: o });
        } else {
          const { object } = await storage.delete(namespace, name);
          done.push({ rv: Number(object.metadata.resourceVersion), key: keyOf(object) });
        }
      } catch (err) {
        if (!(isNotFound(err) || isAlreadyExists(err) || isConflict(err))) throw err;
      }
    }));
    done.sort((a, b) => a.rv - b.rv);
    for (const w of done) {
      assert.equal(w.rv, states.length, where(step, `revisions follow one another (${w.key})`));
      const next = new Map(states[states.length - 1]);
      if (w.object) next.set(w.key, w.object);
      else next.delete(w.key);
      states.push(next);
    }
    assert.equal(await store.currentRevision(), states.length - 1, where(step, 'every write is in the model'));
  }

  async function startCache(step: number, resourceVersion: string | 'list'): Promise<void> {
    const namespace = rnd() < 0.3 ? '' : pick(NAMESPACES);
    const selector = pick(SELECTORS);
    const items = new Map<string, KubeObject>();
    let from = resourceVersion;
    if (resourceVersion === 'list') {
      const list = await storage.list(namespace, { filter: selector.filter, limit: rnd() < 0.5 ? 2 : 0 });
      // A paged list: the rest of the pages, with a write between them.
      let page = list;
      for (const o of list.items) items.set(keyOf(o), o);
      while (page.metadata.continue) {
        await writes(1, step);
        page = await storage.list(namespace, { filter: selector.filter, limit: 2, continue: page.metadata.continue });
        assert.equal(page.metadata.resourceVersion, list.metadata.resourceVersion, where(step, 'a continued page is at the first page\'s revision'));
        for (const o of page.items) items.set(keyOf(o), o);
      }
      from = list.metadata.resourceVersion!;
      assert.deepEqual([...items.values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1)).map(seen), select(states[Number(from)], namespace, selector.filter), where(step, `the pages of ${namespace || 'all'} ${selector.text} at ${from}`));
    } else if (resourceVersion !== '0' && resourceVersion !== '') {
      for (const o of states[Number(resourceVersion)].values()) if ((!namespace || o.metadata.namespace === namespace) && (!selector.filter || selector.filter(o))) items.set(keyOf(o), o);
    }
    const cache: Cache = { namespace, selector, items, watch: undefined!, what: `cache of ${namespace || 'all'} ${selector.text} from ${resourceVersion === 'list' ? `a list at ${from}` : `rv ${JSON.stringify(resourceVersion)}`} (step ${step})` };
    cache.watch = await storage.watch(namespace, { filter: selector.filter, resourceVersion: from }, {
      onEvent: (ev) => {
        const key = keyOf(ev.object);
        if (ev.type === 'ADDED') assert.ok(!cache.items.has(key), `${cache.what}: ADDED ${key}, which it has`);
        else assert.ok(cache.items.has(key), `${cache.what}: ${ev.type} ${key}, which it lacks`);
        if (ev.type === 'DELETED') cache.items.delete(key);
        else cache.items.set(key, ev.object);
      },
      onClose: (err) => {
        cache.closed = err ?? new Error('closed');
      },
    });
    caches.push(cache);
  }

  try {
    for (let step = 0; step < steps; step++) {
      const op = rnd();
      if (op < 0.5) {
        await writes(1 + Math.floor(rnd() * 3), step);
      } else if (op < 0.65) {
        // Exact at a past revision: the state then, or 410 once compacted.
        const current = states.length - 1;
        if (current === 0) continue;
        const revision = 1 + Math.floor(rnd() * current);
        const namespace = rnd() < 0.3 ? '' : pick(NAMESPACES);
        const selector = pick(SELECTORS);
        const compacted = await store.compactedRevision();
        try {
          const list = await storage.list(namespace, { filter: selector.filter, resourceVersion: String(revision), resourceVersionMatch: 'Exact' });
          assert.ok(revision >= compacted, where(step, `Exact at ${revision} below the compacted ${compacted} answered`));
          assert.equal(list.metadata.resourceVersion, String(revision));
          assert.deepEqual(list.items.map(seen), select(states[revision], namespace, selector.filter), where(step, `Exact ${namespace || 'all'} ${selector.text} at ${revision}`));
        } catch (err) {
          if (!(err instanceof StatusError) || err.code !== 410) throw err;
          assert.ok(revision < compacted, where(step, `410 at ${revision}, compacted ${compacted}`));
        }
      } else if (op < 0.8) {
        await startCache(step, 'list');
      } else if (op < 0.9) {
        const compacted = await store.compactedRevision();
        const current = states.length - 1;
        await startCache(step, rnd() < 0.3 ? pick(['', '0']) : String(compacted + Math.floor(rnd() * (current - compacted + 1))));
      } else {
        await new Promise((r) => setImmediate(r));
      }
    }
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    const current = states[states.length - 1];
    for (const cache of caches) {
      if (cache.closed) continue; // overtaken by compaction while it replayed: an informer relists
      const got = [...cache.items.values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1)).map(seen);
      assert.deepEqual(got, select(current, cache.namespace, cache.selector.filter), `seed ${seed}: ${cache.what}`);
    }
  } finally {
    for (const cache of caches) cache.watch.stop();
  }
}
