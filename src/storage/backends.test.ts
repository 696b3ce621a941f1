/** @module Tests for the backend table. */

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { backends, isStoreKind, openStore } from './backends.js';

test('the table lists each backend once, and only its own keys are kinds', () => {
  assert.deepEqual(Object.keys(backends), ['memory', 'sqlite']);
  assert.ok(isStoreKind('sqlite') && isStoreKind('memory'));
  assert.ok(!isStoreKind('etcd') && !isStoreKind('toString') && !isStoreKind(''));
});

test('openStore opens the named backend: sqlite in the data dir, memory without touching it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kubito-backends-'));
  try {
    const sqlite = await openStore('sqlite', { dataDir: join(root, 'sqlite') });
    await sqlite.create('/k/a', '1');
    await sqlite.close();
    assert.ok(existsSync(join(root, 'sqlite', 'state.db')));

    const memory = await openStore('memory', { dataDir: join(root, 'memory'), historySize: 5 });
    await memory.create('/k/a', '1');
    assert.equal((await memory.get('/k/a'))?.value, '1');
    await memory.close();
    assert.ok(!existsSync(join(root, 'memory')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
