/** @module Go's encoding/json output for plain values: sorted keys, HTML-safe strings, also when a string is quoted again from memory. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goJson } from './go-format.js';

test('goJson: keys sorted, <, >, & and the line separators escaped; the same answer the second time', () => {
  const value = { b: 'x<y>&z\u2028', a: [1, true, null, 'plain'], 'f:name': {} };
  const want = '{"a":[1,true,null,"plain"],"b":"x\\u003cy\\u003e\\u0026z\\u2028","f:name":{}}';
  assert.equal(goJson(value), want);
  assert.equal(goJson(value), want, 'from the quoted-string memo');
  assert.equal(goJson('a"b\\c'), '"a\\"b\\\\c"');
  const long = `${'<'.repeat(100)}`;
  assert.equal(goJson(long), `"${'\\u003c'.repeat(100)}"`);
});
