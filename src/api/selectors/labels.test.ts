import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../errors.js';
import { fieldErrorString } from '../validation/field-errors.js';
import { parseLabelSelector } from './label-parser.js';
import {
  EVERYTHING,
  matches,
  newRequirement,
  NOTHING,
  parsedSelectorToString,
  parseGoInt64,
  requirementErrors,
  requiresExactMatch,
  selectorFromSet,
} from './labels.js';

/** selector, labels, matches? */
const matchCases: Array<[string, Record<string, string>, boolean]> = [
  ['', {}, true],
  ['', { a: 'b' }, true],
  ['a=b', { a: 'b' }, true],
  ['a=b', { a: 'c' }, false],
  ['a=b', {}, false],
  ['a==b', { a: 'b', c: 'd' }, true],
  ['a!=b', { a: 'c' }, true],
  ['a!=b', {}, true],
  ['a!=b', { a: 'b' }, false],
  ['a=', { a: '' }, true],
  ['a=', {}, false],
  ['a!=', {}, true],
  ['a', { a: '' }, true],
  ['a', { b: 'x' }, false],
  ['!a', { b: 'x' }, true],
  ['!a', { a: '' }, false],
  ['a in (x,y)', { a: 'y' }, true],
  ['a in (x,y)', { a: 'z' }, false],
  ['a in (x,y)', {}, false],
  ['a in ()', { a: '' }, true],
  ['a notin (x,y)', { a: 'z' }, true],
  ['a notin (x,y)', {}, true],
  ['a notin (x,y)', { a: 'x' }, false],
  ['a>1', { a: '2' }, true],
  ['a>1', { a: '1' }, false],
  ['a>1', { a: 'x' }, false],
  ['a>1', {}, false],
  ['a<10', { a: '9' }, true],
  ['a<10', { a: '-20' }, true],
  ['a<10', { a: '10' }, false],
  ['a>9007199254740992', { a: '9007199254740993' }, true],
  ['a=b,c=d', { a: 'b', c: 'd' }, true],
  ['a=b,c=d', { a: 'b' }, false],
  ['app=web,tier notin (db),!canary', { app: 'web', tier: 'fe' }, true],
  ['app=web,tier notin (db),!canary', { app: 'web', tier: 'fe', canary: 'true' }, false],
  ['hasOwnProperty', {}, false],
];

describe('matches', () => {
  for (const [selector, labels, want] of matchCases) {
    it(`${JSON.stringify(selector)} on ${JSON.stringify(labels)}`, () => assert.equal(matches(parseLabelSelector(selector), labels), want));
  }
  it('Nothing matches nothing, Everything everything', () => {
    assert.equal(matches(NOTHING, {}), false);
    assert.equal(matches(EVERYTHING, { a: 'b' }), true);
    assert.equal(matches(EVERYTHING, undefined), true);
  });
});

describe('requirementErrors (labels.NewRequirement)', () => {
  const cases: Array<[string, string, string[] | null, string[]]> = [
    ['a', 'in', [], ['values: Invalid value: []string{}: for \'in\', \'notin\' operators, values set can\'t be empty']],
    ['a', 'notin', null, ['values: Invalid value: []string(nil): for \'in\', \'notin\' operators, values set can\'t be empty']],
    ['a', '=', ['x', 'y'], ['values: Invalid value: []string{"x", "y"}: exact-match compatibility requires one single value']],
    ['a', 'exists', ['x'], ['values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist']],
    ['a', 'gt', ['1', '2'], ['values: Invalid value: []string{"1", "2"}: for \'Gt\', \'Lt\' operators, exactly one value is required']],
    ['a', 'lt', ['x'], ['values[0]: Invalid value: "x": for \'Gt\', \'Lt\' operators, the value must be an integer']],
    ['a', 'like', ['x'], ['operator: Unsupported value: "like": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"']],
    ['a b', '=', ['x'], ["key: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]],
    ['k', '=', ['ok'], []],
  ];
  for (const [key, op, values, want] of cases) {
    it(`${key} ${op} ${JSON.stringify(values)}`, () => assert.deepEqual(requirementErrors(key, op, values).map(fieldErrorString), want));
  }
  it('joins several key problems with "; " in one error', () => {
    const errs = requirementErrors('/', 'exists', []);
    assert.equal(errs.length, 1);
    assert.match(errs[0].detail, /^Invalid value: "\/": prefix part must be non-empty; name part must be non-empty; name part must consist/);
  });
  it('newRequirement throws the aggregate as a 400', () => {
    assert.throws(
      () => newRequirement('a', 'in', []),
      (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    );
  });
});

describe('helpers', () => {
  it('parseGoInt64 follows strconv.ParseInt', () => {
    assert.deepEqual(['0', '-5', '+7', '9223372036854775807', '9223372036854775808', '1_0', '', ' 1', '0x10'].map(parseGoInt64), [0n, -5n, 7n, 9223372036854775807n, null, null, null, null, null]);
  });
  it('requiresExactMatch looks at =, == and single-value in', () => {
    const s = parseLabelSelector('a=1,b in (2),c in (3,4),d!=5,e==6');
    assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => requiresExactMatch(s, k)), ['1', '2', undefined, undefined, '6', undefined]);
  });
  it('selectorFromSet builds k=v sorted by key', () => {
    assert.equal(parsedSelectorToString(selectorFromSet({ z: '1', a: '2' })), 'a=2,z=1');
    assert.equal(parsedSelectorToString(selectorFromSet(null)), '');
  });
});
