import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TurnMemo } from './turn-memo.js';

test('a value set in a turn is found in that turn and forgotten after it', async () => {
  const memo = new TurnMemo<object, string>();
  const key = {};
  assert.equal(memo.set(key, 'line'), 'line');
  assert.equal(memo.get(key), 'line');
  assert.equal(memo.get({}), undefined);
  await Promise.resolve();
  assert.equal(memo.get(key), undefined);
  // A later turn starts afresh and is forgotten in its turn too.
  memo.set(key, 'again');
  assert.equal(memo.get(key), 'again');
  await new Promise((r) => setImmediate(r));
  assert.equal(memo.get(key), undefined);
});
