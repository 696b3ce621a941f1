import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLabelSelector, formatLabels, labelSelectorString, type LabelSelector } from './selectors.js';

test('formatLabels sorts keys and says <none> when empty', () => {
  assert.equal(formatLabels({ tier: 'web', app: 'nginx' }), 'app=nginx,tier=web');
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels(undefined), '<none>');
});

test('label selectors print requirements sorted by key, values sorted', () => {
  const selector = {
    matchLabels: { app: 'nginx' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['web', 'cache'] },
      { key: 'env', operator: 'NotIn', values: ['prod'] },
      { key: 'canary', operator: 'DoesNotExist' },
      { key: 'example.com/owner', operator: 'Exists' },
    ],
  };
  assert.equal(labelSelectorString(selector), 'app=nginx,!canary,env notin (prod),example.com/owner,tier in (cache,web)');
  assert.equal(formatLabelSelector(selector), 'app=nginx,!canary,env notin (prod),example.com/owner,tier in (cache,web)');
});

test('empty and nil selectors print as empty; FormatLabelSelector says <none>', () => {
  assert.equal(labelSelectorString(undefined), '');
  assert.equal(labelSelectorString({}), '');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector(null), '<none>');
});

test('invalid selectors are errors', () => {
  const invalid: LabelSelector[] = [
    { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] },
    { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
    { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
    { matchLabels: { 'bad key!': 'x' } },
    { matchLabels: { app: 'not a value' } },
    // A requirement without its key (as stored before typed decoding and validation refused it).
    { matchExpressions: [{ operator: 'In', values: ['web'] }] } as unknown as LabelSelector,
  ];
  for (const bad of invalid) {
    assert.equal(labelSelectorString(bad), null, JSON.stringify(bad));
    assert.equal(formatLabelSelector(bad), '<error>');
  }
});
