import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_MEMBERS_DEPTH, Members, hasDuplicateKeys, lastWins, parseMembers } from './json-members.js';

test('hasDuplicateKeys finds a key repeated in any object, and only there', () => {
  assert.equal(hasDuplicateKeys('{"a":1,"b":2}'), false);
  assert.equal(hasDuplicateKeys('{"a":1,"a":2}'), true);
  assert.equal(hasDuplicateKeys(' { "a" : { "b" : 1 } , "c" : [ { "b" : 2 } , { "b" : 3 } ] } '), false);
  assert.equal(hasDuplicateKeys('{"a":{"b":1,"c":{"b":2},"b":3}}'), true);
  // Values that look like keys, and keys inside strings, are not keys.
  assert.equal(hasDuplicateKeys('{"a":"a","b":"{\\"a\\":1,\\"a\\":2}","c":["a","a"]}'), false);
  // The same key written with an escape is the same key.
  assert.equal(hasDuplicateKeys('{"a":1,"\\u0061":2}'), true);
  assert.equal(hasDuplicateKeys('[{"a":1},{"a":1}]'), false);
});

test('parseMembers keeps every member in order; lastWins gives what JSON.parse gives', () => {
  const text = '{"a": 1, "b": {"c": [true, null, -1.5e3, "x\\"y"]}, "a": {"d": 2}, "__proto__": {"e": 3}}';
  const tree = parseMembers(text);
  assert.ok(tree instanceof Members);
  assert.deepEqual(tree.entries.map(([k]) => k), ['a', 'b', 'a', '__proto__']);
  assert.deepEqual(lastWins(tree), JSON.parse(text));
  assert.equal(Object.getPrototypeOf(lastWins(tree)), Object.prototype);
  assert.deepEqual(parseMembers('[]'), []);
  assert.deepEqual(parseMembers(' {} '), new Members([]));
});

test('past MAX_MEMBERS_DEPTH levels a body is not read for duplicates (its parse and walks recurse)', () => {
  const deep = (n: number) => `{"x":1,"x":${'['.repeat(n)}${']'.repeat(n)}}`;
  assert.equal(hasDuplicateKeys(deep(MAX_MEMBERS_DEPTH - 1)), true);
  assert.equal(hasDuplicateKeys(deep(MAX_MEMBERS_DEPTH)), false);
  // What the Members path reads at the limit, it reads without overflowing.
  assert.ok(parseMembers(deep(MAX_MEMBERS_DEPTH - 1)) instanceof Members);
});
