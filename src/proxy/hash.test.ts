/** @module Tests of the base32/sha256 hash against RFC 4648 vectors and upstream chain names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32, sha256Base32 } from './hash.js';

test('base32 follows RFC 4648 section 10', () => {
  const cases: Array<[string, string]> = [['', ''], ['f', 'MY======'], ['fo', 'MZXQ===='], ['foo', 'MZXW6==='], ['foob', 'MZXW6YQ='], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI======']];
  for (const [input, want] of cases) assert.equal(base32(Buffer.from(input)), want, input);
});

test('sha256Base32 gives the prefixes of upstream chain names', () => {
  assert.equal(sha256Base32('ns1/svc1:p80tcp').slice(0, 16), 'XPGD46QRK7WJZT7O');
  assert.equal(sha256Base32('ns1/svc1/tcp/p80').slice(0, 8), 'ULMVA6XW');
});
