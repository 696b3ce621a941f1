/**
 * @module The Store and LogDriver contracts run against SQLite, plus what only a file can show: reopening keeps
 * data and revisions, the file is locked to one process, and acknowledged writes survive SIGKILL.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runLogDriverContract } from '../log/log-driver.contract.js';
import { runStoreContract } from '../store.contract.js';
import { runStoreModelCheck } from '../store-model.contract.js';
import { record } from '../testing/watch-recorder.js';
import { SqliteLog } from './sqlite-log.js';
import { openSqliteStore, sqliteFile } from './sqlite-store.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-sqlite-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

runStoreContract({ name: 'sqlite', open: (options) => openSqliteStore({ ...options, dataDir: tempDir() }) });
runLogDriverContract({ name: 'sqlite', open: () => SqliteLog.open(sqliteFile(tempDir())) });
runStoreModelCheck({ name: 'sqlite', open: (options) => openSqliteStore({ ...options, dataDir: tempDir() }) });
runStoreModelCheck({ name: 'sqlite, no range cache', open: (options) => openSqliteStore({ ...options, dataDir: tempDir(), cacheRanges: false }) });

describe('sqlite store on disk', () => {
  test('reopening keeps keys, revisions and history; new revisions go above the old ones', async () => {
    const dataDir = tempDir();
    const first = await openSqliteStore({ dataDir, historySize: 5 });
    for (let i = 0; i < 12; i++) await first.create(`/k/${i}`, String(i));
    await first.delete('/k/11');
    const compacted = await first.compactedRevision();
    assert.ok(compacted > 0);
    await first.close();
    assert.ok(existsSync(sqliteFile(dataDir)));

    const second = await openSqliteStore({ dataDir, historySize: 5 });
    try {
      assert.equal(await second.currentRevision(), 13);
      assert.equal(await second.compactedRevision(), compacted);
      assert.equal(await second.count('/k/'), 11);
      assert.deepEqual(await second.get('/k/3'), { key: '/k/3', value: '3', createRevision: 4, modRevision: 4 });
      const rec = await record(second, '/k/', { from: 11 });
      const created = await second.create('/k/11', 'again');
      assert.deepEqual(created, { key: '/k/11', value: 'again', createRevision: 14, modRevision: 14 });
      assert.deepEqual(
        (await rec.next(3)).map((e) => `${e.type} ${e.key}@${e.value.modRevision}`),
        ['create /k/11@12', 'delete /k/11@13', 'create /k/11@14'],
      );
    } finally {
      await second.close();
    }
  });

  test('a second open of the same data dir fails while the first holds it', async () => {
    const dataDir = tempDir();
    const store = await openSqliteStore({ dataDir });
    try {
      await assert.rejects(openSqliteStore({ dataDir, lockTimeoutMs: 20 }), /in use by another process/);
      await store.create('/k/a', '1');
    } finally {
      await store.close();
    }
    const again = await openSqliteStore({ dataDir });
    assert.equal((await again.get('/k/a'))?.value, '1');
    await again.close();
  });

  test('every acknowledged write survives SIGKILL of the writer', { timeout: 30_000 }, async () => {
    const dataDir = tempDir();
    const acked = await runWriterUntilKilled(dataDir, 300);
    assert.ok(acked.length >= 300, `the writer acknowledged ${acked.length} writes`);

    const store = await openSqliteStore({ dataDir });
    try {
      const current = await store.currentRevision();
      for (const { key, revision } of acked) assert.equal((await store.get(key))?.modRevision, revision, key);
      const newest = Math.max(...acked.map((a) => a.revision));
      assert.ok(current >= newest, `current ${current} >= acknowledged ${newest}`);
      const next = await store.create('/after-crash', '1');
      assert.equal(next.modRevision, current + 1);
    } finally {
      await store.close();
    }
  });
});

/**
 * Runs `crash-writer` in a child Node (the same loader as this process: tsx from source, plain
 * node from dist/), SIGKILLs it by PID once it has acknowledged `count` writes, and returns
 * every write it acknowledged (complete lines only).
 */
async function runWriterUntilKilled(dataDir: string, count: number): Promise<{ key: string; revision: number }[]> {
  const here = fileURLToPath(import.meta.url);
  const script = join(dirname(here), `crash-writer${extname(here)}`);
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--test'));
  const child = spawn(process.execPath, [...execArgv, script, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (child.exitCode === null && child.pid !== undefined && out.split('\n').length > count) {
      process.kill(child.pid, 'SIGKILL');
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  assert.equal(signal, 'SIGKILL', `the writer exited on its own (code ${code}): ${err}`);
  const lines = out.split('\n').slice(0, -1); // the last piece is an unfinished line, or ''
  return lines.map((line) => {
    const [key, revision] = line.split(' ');
    return { key, revision: Number(revision) };
  });
}

test('once writes pause, the WAL is checkpointed into the database file', async () => {
  const file = sqliteFile(tempDir());
  const log = SqliteLog.open(file);
  try {
    const { statSync } = await import('node:fs');
    const value = 'v'.repeat(1000);
    for (let i = 1; i <= 300; i++) log.transaction(() => log.append({ revision: i, key: `/k/${i}`, value, createRevision: i, prevRevision: 0, created: true, deleted: false }));
    const before = statSync(file).size;
    // 300 rows of 1 KB live in the WAL until a checkpoint copies them into the file.
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(statSync(file).size > before + 200_000, `state.db ${before} -> ${statSync(file).size} bytes`);
  } finally {
    log.close();
  }
});
