import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodDirPool } from './pod-dirs.js';
import { StartsInFlight } from './starts-in-flight.js';

test('a pod takes a made-ahead directory with its first container\'s log directory and file, by renames', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-poddirs-'));
  try {
    const pool = new PodDirPool(join(dir, 'run', 'pod-dirs'), { size: 4, batch: 2 });
    await pool.fill();
    assert.equal(pool.size, 4);
    mkdirSync(join(dir, 'pods'));
    const target = join(dir, 'pods', 'default_web_u1');
    assert.equal(await pool.take(target, 'main', 0), true);
    assert.deepEqual(readdirSync(target), ['main']);
    assert.deepEqual(readdirSync(join(target, 'main')), ['0.log']);
    assert.equal(statSync(join(target, 'main', '0.log')).mode & 0o777, 0o640 & ~process.umask());
    assert.equal(statSync(join(target, 'main', '0.log')).size, 0);
    // A restarted agent's first run is numbered after the API's restartCount.
    const again = join(dir, 'pods', 'default_db_u2');
    assert.equal(await pool.take(again, 'db', 3), true);
    assert.deepEqual(readdirSync(join(again, 'db')), ['3.log']);
    // A directory that exists (logs of an earlier agent's runs) is left to the caller.
    writeFileSync(join(target, 'main', '0.log'), 'old\n');
    const before = pool.size;
    assert.equal(await pool.take(target, 'main', 1), false);
    assert.equal(pool.size, before, 'nothing taken for it');
    // Below half: refilled (no starts to wait for).
    assert.equal(await pool.take(join(dir, 'pods', 'default_x_u3'), 'x', 0), true);
    await pool.whenFilled();
    assert.equal(pool.size, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refills wait while pods are being started; an empty pool says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-poddirs-'));
  try {
    const quiet = new StartsInFlight();
    const end = quiet.begin();
    const pool = new PodDirPool(join(dir, 'pool'), { size: 2, quiet });
    const filling = pool.fill();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(pool.size, 0, 'nothing made while a pod starts');
    assert.equal(await pool.take(join(dir, 'p1'), 'c', 0), false);
    assert.equal(existsSync(join(dir, 'p1')), false);
    end();
    await filling;
    assert.equal(pool.size, 2);
    // A failed rename (the target's parent is missing) costs the entry, not the pod: false.
    assert.equal(await pool.take(join(dir, 'missing', 'p2'), 'c', 0), false);
    assert.equal(pool.size, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
