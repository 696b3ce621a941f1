/**
 * @module A benchmark of every backend through the `Store` API, for `bench/` to run:
 * `node --import tsx src/storage/store-bench.ts [keys]` (or `node dist/src/storage/store-bench.js`)
 * prints one JSON line per measure: `{"backend","measure","value","unit"}`.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StoreKind, backends, openStore } from './backends.js';

function emit(backend: StoreKind, measure: string, result: { value: number; unit: string }): void {
  process.stdout.write(`${JSON.stringify({ backend, measure, value: Math.round(result.value * 10) / 10, unit: result.unit })}\n`);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function bench(kind: StoreKind, keys: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubito-bench-'));
  const store = await openStore(kind, { dataDir });
  try {
    const key = (i: number) => `/registry/configmaps/default/cm-${String(i).padStart(6, '0')}`;
    const value = JSON.stringify({ kind: 'ConfigMap', data: { pad: 'x'.repeat(300) } });
    const create = await timed(async () => {
      for (let i = 0; i < keys; i++) await store.create(key(i), value);
    });
    emit(kind, 'create', { value: (keys / create) * 1000, unit: 'ops/s' });
    const update = await timed(async () => {
      for (let i = 0; i < keys; i++) await store.update(key(i), `${value} `);
    });
    emit(kind, 'update', { value: (keys / update) * 1000, unit: 'ops/s' });
    emit(kind, `list ${keys}`, { value: await timed(() => store.list('/registry/configmaps/')), unit: 'ms' });
    emit(kind, 'list page of 500', { value: await timed(() => store.list('/registry/configmaps/', { limit: 500 })), unit: 'ms' });
    emit(kind, `count ${keys}`, { value: await timed(() => store.count('/registry/configmaps/')), unit: 'ms' });
    const from = await store.compactedRevision();
    const events = (await store.currentRevision()) - from;
    let left = events;
    const replay = await timed(
      () =>
        new Promise<void>((resolve) => {
          void store.watch('/registry/', from, {
            onEvent() {
              if (--left === 0) resolve();
            },
          });
        }),
    );
    emit(kind, `replay ${events} events`, { value: replay, unit: 'ms' });
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const keys = Number(process.argv[2] ?? 10_000);
for (const kind of Object.keys(backends) as StoreKind[]) await bench(kind, keys);
