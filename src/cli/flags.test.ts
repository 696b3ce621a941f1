/** @module Tests for the kubito commands' flags. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAbsolute, resolve } from 'node:path';
import { parseCommonFlags, UsageError } from './flags.js';

test('a relative --data-dir is made absolute (the node agent and its launchers work from other directories)', () => {
  assert.equal(parseCommonFlags(['--data-dir', 'rel/d']).dataDir, resolve('rel/d'));
  assert.equal(parseCommonFlags(['--data-dir=/abs/d', '--name', 'x']).dataDir, '/abs/d');
  assert.ok(isAbsolute(parseCommonFlags([]).dataDir));
  assert.throws(() => parseCommonFlags(['--name', 'Bad_Name']), UsageError);
});
