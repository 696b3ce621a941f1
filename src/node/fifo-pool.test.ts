import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findExecutable } from './host-tools.js';
import { FifoPool } from './fifo-pool.js';
import { ExecRunner, FakeRunner } from './runner.js';
import { StartsInFlight } from './starts-in-flight.js';

const mkfifo = findExecutable('mkfifo');

test('FIFOs are handed out where the pool made them; one mkfifo makes a batch; it refills when low', { skip: !mkfifo && 'no mkfifo' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-fifos-'));
  try {
    const pool = new FifoPool(join(dir, 'pool'), { runner: new ExecRunner(), mkfifo: mkfifo!, batch: 4 });
    await pool.fill();
    assert.equal(pool.size, 4);
    const taken = await pool.take(2);
    assert.equal(taken.length, 2);
    for (const p of taken) {
      assert.ok(lstatSync(p).isFIFO());
      assert.equal(dirname(p), join(dir, 'pool'));
    }
    assert.equal(pool.size, 2);
    const more = await pool.take(2);
    assert.equal(new Set([...taken, ...more]).size, 4, 'each FIFO is handed out once');
    // take() took the last two and started a refill of its own: wait for that one (a fill()
    // here would start a second batch if the first had already finished).
    await pool.whenFilled();
    assert.equal(pool.size, 4, 'refilled after running low');
    // Empty pool (or none made yet): made directly, in the pool's directory.
    const empty = new FifoPool(join(dir, 'pool2'), { runner: new ExecRunner(), mkfifo: mkfifo!, batch: 2 });
    const direct = await empty.take(1);
    assert.ok(lstatSync(direct[0]).isFIFO());
    await empty.whenFilled();
    assert.equal(readdirSync(join(dir, 'pool2')).length, empty.size + 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a refill waits while pods are being started, unless the pool is nearly dry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-fifos-'));
  try {
    const runner = new FakeRunner();
    const quiet = new StartsInFlight();
    const pool = new FifoPool(join(dir, 'pool'), { runner, mkfifo: 'mkfifo', batch: 16, quiet });
    await pool.fill();
    assert.equal(pool.size, 16);
    const end = quiet.begin();
    await pool.take(10); // 6 left: below half, a start in flight
    await new Promise((r) => setImmediate(r));
    assert.equal(runner.lines().length, 1, 'no refill while a pod starts');
    await pool.take(5); // 1 left: below an eighth, refilled at once
    await pool.whenFilled();
    assert.equal(runner.lines().length, 2);
    assert.equal(pool.size, 17);
    await pool.take(10); // below half again, waiting
    await new Promise((r) => setImmediate(r));
    assert.equal(runner.lines().length, 2);
    end();
    await new Promise((r) => setImmediate(r));
    await pool.whenFilled();
    assert.equal(runner.lines().length, 3, 'refilled once the starts were done');
    assert.equal(pool.size, 23);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed batch leaves the pool empty; take() makes what it needs, and throws when it cannot', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-fifos-'));
  try {
    const runner = new FakeRunner();
    runner.answer('mkfifo -m 600 ' + join(dir, 'pool', 'f0') + ' ' + join(dir, 'pool', 'f1'), { code: 1, stderr: 'No space left on device' });
    const pool = new FifoPool(join(dir, 'pool'), { runner, mkfifo: 'mkfifo', batch: 2 });
    await pool.fill();
    assert.equal(pool.size, 0);
    const two = await pool.take(2);
    assert.equal(two.length, 2);
    assert.ok(runner.lines().includes(`mkfifo -m 600 ${two.join(' ')}`), 'made on demand, both by one mkfifo');
    await pool.whenFilled();
    const broken = new FakeRunner();
    broken.answer('mkfifo', { code: 1, stderr: 'No space left on device' });
    const dry = new FifoPool(join(dir, 'pool3'), { runner: broken, mkfifo: 'mkfifo', batch: 2 });
    await assert.rejects(dry.take(1));
    await dry.whenFilled();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
