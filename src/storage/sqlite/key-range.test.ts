/** @module Tests for prefix ranges. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prefixEnd } from './key-range.js';

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
