import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriLogWriter, openLogFile, parseCriLine, parseTimeNanos, rfc3339Nano } from './cri-log.js';

test('RFC3339Nano drops trailing zeros, as Go does', () => {
  assert.equal(rfc3339Nano(1_700_000_000_123_456_789n), '2023-11-14T22:13:20.123456789Z');
  assert.equal(rfc3339Nano(1_700_000_000_120_000_000n), '2023-11-14T22:13:20.12Z');
  assert.equal(rfc3339Nano(1_700_000_000_000_000_000n), '2023-11-14T22:13:20Z');
  assert.equal(parseTimeNanos('2023-11-14T22:13:20.12Z'), 1_700_000_000_120_000_000n);
});

test('the writer: one F record per line, P for over-long pieces, the rest at close', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-cri-'));
  try {
    let t = 1_700_000_000_000_000_000n;
    const w = new CriLogWriter(join(dir, '0.log'), { maxLine: 8, clock: () => (t += 1_000_000n) });
    w.write('stdout', Buffer.from('hello\nwor'));
    w.write('stderr', Buffer.from('oops\r\n'));
    w.write('stdout', Buffer.from('ld\n0123456789'));
    w.write('stdout', Buffer.from('tail'));
    w.close();
    const lines = readFileSync(join(dir, '0.log'), 'utf8').trimEnd().split('\n');
    assert.deepEqual(lines, [
      '2023-11-14T22:13:20.001Z stdout F hello',
      '2023-11-14T22:13:20.002Z stderr F oops',
      '2023-11-14T22:13:20.003Z stdout F world',
      '2023-11-14T22:13:20.004Z stdout P 0123456789',
      '2023-11-14T22:13:20.005Z stdout F tail',
    ]);
    const rec = parseCriLine(Buffer.from(lines[3]))!;
    assert.equal(rec.full, false);
    assert.equal(rec.stream, 'stdout');
    assert.equal(rec.message.toString(), '0123456789');
    assert.equal(parseCriLine(Buffer.from('garbage')), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('openLogFile opens for appending (created if missing) a descriptor the writer then owns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-cri-'));
  try {
    const path = join(dir, '1.log');
    const first = new CriLogWriter(path, { fd: await openLogFile(path), clock: () => 1_700_000_000_000_000_000n });
    first.write('stdout', Buffer.from('one\n'));
    first.close();
    const second = new CriLogWriter(path, { fd: await openLogFile(path), clock: () => 1_700_000_000_000_000_000n });
    second.write('stderr', Buffer.from('two\n'));
    second.close();
    assert.equal(readFileSync(path, 'utf8'), '2023-11-14T22:13:20Z stdout F one\n2023-11-14T22:13:20Z stderr F two\n');
    await assert.rejects(openLogFile(join(dir, 'missing', 'x.log')), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
