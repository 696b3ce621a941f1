/** @module turnWriter joins one turn's writes and never holds them past it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { turnWriter } from './turn-writer.js';

function target(): { writes: (string | Buffer)[]; ended: boolean; write(c: string | Buffer): void; end(): void } {
  return {
    writes: [],
    ended: false,
    write(c) {
      this.writes.push(c);
    },
    end() {
      this.ended = true;
    },
  };
}

test('writes of one turn become one write, flushed when the turn ends', () => {
  const t = target();
  const turns: (() => void)[] = [];
  const w = turnWriter(t, { schedule: (f) => turns.push(f) });
  w.write('a\n');
  w.write('b\n');
  w.write('c\n');
  assert.deepEqual(t.writes, []);
  assert.equal(turns.length, 1);
  turns.shift()!();
  assert.deepEqual(t.writes, ['a\nb\nc\n']);
  w.write(Buffer.from('d'));
  w.write('e');
  turns.shift()!();
  assert.equal(Buffer.concat(t.writes.slice(1) as Buffer[]).toString(), 'de');
});

test('end writes what is pending first; nothing is written after it', () => {
  const t = target();
  const turns: (() => void)[] = [];
  const w = turnWriter(t, { schedule: (f) => turns.push(f) });
  w.write('x');
  w.end();
  assert.deepEqual(t.writes, ['x']);
  assert.equal(t.ended, true);
  w.write('y');
  for (const f of turns) f();
  assert.deepEqual(t.writes, ['x']);
});

test('the default schedule flushes within the same loop iteration (setImmediate)', async () => {
  const t = target();
  const w = turnWriter(t);
  w.write('1');
  w.write('2');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(t.writes, ['12']);
});
