/** @module Tests for prefix ranges. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareCodePoints, prefixEnd } from './key-range.js';

test('prefixEnd increments the last code point', () => {
  assert.equal(prefixEnd('/registry/services/'), '/registry/services0');
  assert.equal(prefixEnd('a'), 'b');
  assert.equal(prefixEnd('x\u{d7ff}'), 'x\u{e000}');
  assert.equal(prefixEnd('x😀'), 'x\u{1f601}');
});

test('prefixEnd drops code points that cannot grow, and the empty prefix has no end', () => {
  assert.equal(prefixEnd('a\u{10ffff}'), 'b');
  assert.equal(prefixEnd('\u{10ffff}'), undefined);
  assert.equal(prefixEnd(''), undefined);
});

test('the range holds exactly the keys with the prefix', () => {
  const prefix = '/registry/services/';
  const end = prefixEnd(prefix) ?? '';
  const keys = ['/registry/services/a', '/registry/services/', '/registry/servicesx/a', '/registry/services0', '/registry/service'];
  const inRange = keys.filter((k) => k >= prefix && k < end);
  assert.deepEqual(inRange, keys.filter((k) => k.startsWith(prefix)));
});

test('compareCodePoints orders strings as SQLite does (their UTF-8 bytes), unlike `<` above U+D7FF', () => {
  const words = ['', 'a', 'ab', 'b', '\u007f', '\u0080', '\ud7ff', '\ue000', '\uff01', '\uffff', '\u{10000}', '\u{1f600}', '\u{10ffff}', 'a\uff01', 'a\u{1f600}', '\u{1f600}a', '\uff01\u{1f600}'];
  const bytes = [...words].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  assert.deepEqual([...words].sort(compareCodePoints), bytes);
  assert.notDeepEqual([...words].sort(), bytes, '`<` differs (else this test shows nothing)');
  for (const a of words) for (const b of words) assert.equal(Math.sign(compareCodePoints(a, b)), Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))), `${a} vs ${b}`);
});
