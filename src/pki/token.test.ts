import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearerTokenChecker, checkBearerToken, isWellFormedToken, newBearerToken, parseBearerToken } from './token.js';

test('newBearerToken: 32 random bytes as base64url', () => {
  const a = newBearerToken();
  const b = newBearerToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(a, 'base64url').length, 32);
  assert.notEqual(a, b);
  assert.ok(isWellFormedToken(a));
  assert.ok(!isWellFormedToken('short'));
  assert.ok(!isWellFormedToken('has space in it, long enough'));
});

test('parseBearerToken reads the header like kube-apiserver', () => {
  const cases: [string | string[] | undefined, string | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['  Bearer abc  ', 'abc'],
    ['Bearer abc def', 'abc'],
    ['Bearer  abc', undefined],
    ['Bearer', undefined],
    ['Basic abc', undefined],
    ['Bearerabc', undefined],
    [['Bearer first', 'Bearer second'], 'first'],
  ];
  for (const [header, want] of cases) assert.equal(parseBearerToken(header), want, JSON.stringify(header));
});

test('checkBearerToken accepts only the exact token', () => {
  const token = newBearerToken();
  assert.equal(checkBearerToken(`Bearer ${token}`, token), true);
  assert.equal(checkBearerToken(`bearer ${token}`, token), true);
  assert.equal(checkBearerToken(`Bearer ${token}x`, token), false);
  assert.equal(checkBearerToken(`Bearer ${token.slice(0, -1)}`, token), false);
  assert.equal(checkBearerToken(`Bearer ${newBearerToken()}`, token), false);
  assert.equal(checkBearerToken(undefined, token), false);
  assert.equal(checkBearerToken(token, token), false);
  // Same length, one character off; same number of characters in more bytes.
  assert.equal(checkBearerToken(`Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, token), false);
  assert.equal(checkBearerToken(`Bearer ${token.slice(0, -1)}é`, token), false);
  // An unset server token must never match an empty or absent credential.
  assert.equal(checkBearerToken('Bearer ', ''), false);
  assert.equal(checkBearerToken('Bearer x', ''), false);
});

test('bearerTokenChecker made once answers every header as checkBearerToken does', () => {
  const token = newBearerToken();
  const matches = bearerTokenChecker(token);
  for (const header of [`Bearer ${token}`, `bearer ${token}`, `Bearer ${token}x`, `Bearer ${newBearerToken()}`, undefined, token, 'Bearer ']) {
    assert.equal(matches(header), checkBearerToken(header, token), String(header));
  }
  assert.equal(matches(`Bearer ${token}`), true);
  assert.equal(bearerTokenChecker('')('Bearer '), false);
});
