import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expand, mapping } from './expansion.js';

const vars = mapping(new Map([['VAR_A', 'A'], ['VAR_EMPTY', '']]), new Map([['VAR_B', 'B'], ['VAR_A', 'shadowed']]));

test('the upstream expansion vectors', () => {
  const cases: Array<[string, string]> = [
    ['$(VAR_A)', 'A'],
    ['___$(VAR_A)___', '___A___'],
    ['$(VAR_A)-$(VAR_B)', 'A-B'],
    ['$(VAR_EMPTY)', ''],
    ['$(UNDEFINED)', '$(UNDEFINED)'],
    ['$$(VAR_A)', '$(VAR_A)'],
    ['$$$(VAR_A)', '$A'],
    ['$(VAR_A', '$(VAR_A'],
    ['$VAR_A', '$VAR_A'],
    ['$', '$'],
    ['foo$', 'foo$'],
    ['$()', '$()'],
    ['$$', '$'],
  ];
  for (const [input, want] of cases) assert.equal(expand(input, vars), want, input);
});
