import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriLogWriter, parseCriLine, parseTimeNanos, rfc3339Nano } from './cri-log.js';

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
