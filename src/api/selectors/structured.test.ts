import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../errors.js';
import { fieldErrorString } from '../validation/field-errors.js';
import { isEmptySelector, matches } from './labels.js';
import { formatLabelSelector, type LabelSelector, selectorFromLabelSelector, selectorToString, validateLabelSelector } from './structured.js';
import { parseLabelSelector } from './label-parser.js';

const QNAME = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('selectorFromLabelSelector + selectorToString', () => {
  const cases: Array<[string, LabelSelector, string]> = [
    ['matchLabels only', { matchLabels: { app: 'web', tier: 'fe' } }, 'app=web,tier=fe'],
    ['matchLabels sorted by key', { matchLabels: { z: '1', a: '2' } }, 'a=2,z=1'],
    ['In', { matchExpressions: [{ key: 'env', operator: 'In', values: ['qa', 'prod'] }] }, 'env in (prod,qa)'],
    ['NotIn', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }, 'env notin (dev)'],
    ['Exists', { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, 'gpu'],
    ['DoesNotExist', { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, '!canary'],
    [
      'mixed, sorted by key (stable for equal keys)',
      { matchLabels: { b: '1' }, matchExpressions: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'NotIn', values: ['2'] }] },
      'a,b=1,b notin (2)',
    ],
  ];
  for (const [name, ls, want] of cases) {
    it(name, () => {
      assert.equal(selectorToString(selectorFromLabelSelector(ls)), want);
      assert.equal(selectorToString(ls), want, 'accepts the structured form directly');
      // What the string form says must select the same as the structured form.
      const parsed = parseLabelSelector(want);
      const samples: Array<Record<string, string>> = [{}, { app: 'web', tier: 'fe' }, { env: 'qa' }, { gpu: '' }, { a: '', b: '1' }, { b: '2' }];
      for (const labels of samples) {
        assert.equal(matches(selectorFromLabelSelector(ls), labels), matches(parsed, labels));
      }
    });
  }
  it('null is Nothing and empty is Everything', () => {
    assert.equal(matches(selectorFromLabelSelector(null), {}), false);
    assert.equal(isEmptySelector(selectorFromLabelSelector({})), true);
    assert.equal(matches(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] }), { a: 'b' }), true);
  });
  it('formatLabelSelector says <none> and <error>', () => {
    assert.equal(formatLabelSelector({}), '<none>');
    assert.equal(formatLabelSelector(null), '<none>');
    assert.equal(formatLabelSelector({ matchLabels: { app: 'web' } }), 'app=web');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), '<error>');
  });
});

describe('selectorFromLabelSelector errors (400, upstream text)', () => {
  const cases: Array<[LabelSelector, string]> = [
    [{ matchExpressions: [{ key: 'a', operator: 'Foo' }] }, '"Foo" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist'],
    [{ matchLabels: { app: 'bad value' } }, `values[0][app]: Invalid value: "bad value": ${LABEL_VALUE}`],
    [
      { matchExpressions: [{ key: 'a/b/c', operator: 'DoesNotExist', values: ['x'] }] },
      `[key: Invalid value: "a/b/c": a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName'), values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist]`,
    ],
  ];
  for (const [ls, message] of cases) {
    it(message.slice(0, 60), () => {
      assert.throws(
        () => selectorFromLabelSelector(ls),
        (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === message,
      );
    });
  }
});

describe('validateLabelSelector (meta/v1/validation)', () => {
  const cases: Array<[string, LabelSelector | null, string[]]> = [
    ['nil is valid', null, []],
    ['valid', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['qa'] }] }, []],
    ['bad matchLabels value', { matchLabels: { app: '-x' } }, [`spec.selector.matchLabels: Invalid value: "-x": ${LABEL_VALUE}`]],
    ['bad matchLabels key', { matchLabels: { '-k': 'v' } }, [`spec.selector.matchLabels: Invalid value: "-k": name part ${QNAME}`]],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In' }] }, ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]],
    ['NotIn with empty values', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] }, ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"]],
    ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] }, ['spec.selector.matchExpressions[0].operator: Invalid value: "in": not a valid selector operator']],
    [
      'bad key and value in the second expression',
      { matchExpressions: [{ key: 'a', operator: 'Exists' }, { key: 'b/c/d', operator: 'In', values: ['ok', 'not ok'] }] },
      [
        `spec.selector.matchExpressions[1].key: Invalid value: "b/c/d": a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
        `spec.selector.matchExpressions[1].values[1]: Invalid value: "not ok": ${LABEL_VALUE}`,
      ],
    ],
  ];
  for (const [name, ls, want] of cases) {
    it(name, () => assert.deepEqual(validateLabelSelector(ls, 'spec.selector').map(fieldErrorString), want));
  }
  it('options relax values and operators', () => {
    const ls = { matchExpressions: [{ key: 'a', operator: 'Near', values: ['not ok'] }] };
    assert.deepEqual(validateLabelSelector(ls, 's', { allowInvalidLabelValueInSelector: true, allowUnknownOperatorInRequirement: true }), []);
  });
});
