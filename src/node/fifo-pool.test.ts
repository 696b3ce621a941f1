import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './host-tools.js';
import { FifoPool } from './fifo-pool.js';
import { ExecRunner, FakeRunner } from './runner.js';

const mkfifo = findExecutable('mkfifo');

test('FIFOs come from the pool by rename; one mkfifo makes a batch; it refills when low', { skip: !mkfifo && 'no mkfifo' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-fifos-'));
  try {
    const pool = new FifoPool(join(dir, 'pool'), { runner: new ExecRunner(), mkfifo: mkfifo!, batch: 4 });
    await pool.fill();
    assert.equal(pool.size, 4);
    const out = [join(dir, 'a.stdout'), join(dir, 'a.stderr')];
    await pool.make(out);
    for (const p of out) assert.ok(lstatSync(p).isFIFO());
    assert.equal(pool.size, 2);
    // What is at a path is replaced (a restarted run's leftover file).
    writeFileSync(join(dir, 'b.stdout'), 'old');
    await pool.make([join(dir, 'b.stdout'), join(dir, 'b.stderr')]);
    assert.ok(lstatSync(join(dir, 'b.stdout')).isFIFO());
    // make() took the last two and started a refill of its own: wait for that one (a fill()
    // here would start a second batch if the first had already finished).
    await pool.whenFilled();
    assert.equal(pool.size, 4, 'refilled after running low');
    // Empty pool (or none made yet): made directly.
    const empty = new FifoPool(join(dir, 'pool2'), { runner: new ExecRunner(), mkfifo: mkfifo!, batch: 2 });
    await empty.make([join(dir, 'c.stdout')]);
    assert.ok(lstatSync(join(dir, 'c.stdout')).isFIFO());
    await empty.fill();
    assert.equal(readdirSync(join(dir, 'pool2')).length, empty.size);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed batch leaves the pool empty and FIFOs are made one run at a time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-fifos-'));
  try {
    const runner = new FakeRunner();
    runner.answer('mkfifo -m 600 ' + join(dir, 'pool', 'f0'), { code: 1, stderr: 'No space left on device' });
    const pool = new FifoPool(join(dir, 'pool'), { runner, mkfifo: 'mkfifo', batch: 2 });
    await pool.fill();
    assert.equal(pool.size, 0);
    await pool.make([join(dir, 'x.stdout'), join(dir, 'x.stderr')]);
    assert.ok(runner.lines().includes(`mkfifo -m 600 ${join(dir, 'x.stdout')} ${join(dir, 'x.stderr')}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
