import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../errors.js';
import {
  escapeFieldValue,
  fieldRequiresExactMatch,
  fieldSelectorToString,
  isEmptyFieldSelector,
  matchesFields,
  oneTermEqualSelector,
  parseFieldSelector,
  unescapeFieldValue,
} from './fields.js';

/** input → String() after parsing (terms sorted as raw text, `==` shown as `=`). */
const valid: Array<[string, string]> = [
  ['', ''],
  ['a=b', 'a=b'],
  ['a==b', 'a=b'],
  ['a!=b', 'a!=b'],
  ['a=', 'a='],
  ['=b', '=b'],
  ['b=1,a=2', 'a=2,b=1'],
  ['a=1,,b=2', 'a=1,b=2'],
  [',', ''],
  ['a=b\\,c', 'a=b\\,c'],
  ['a=b\\=c', 'a=b\\=c'],
  ['a=b\\\\c', 'a=b\\\\c'],
  ['a = b', 'a = b'],
  ['metadata.name=web,metadata.namespace!=kube-system', 'metadata.name=web,metadata.namespace!=kube-system'],
  ['involvedObject.name=nginx,involvedObject.namespace=default,involvedObject.kind=Pod', 'involvedObject.kind=Pod,involvedObject.name=nginx,involvedObject.namespace=default'],
];

const invalid: Array<[string, string]> = [
  ['a', "invalid selector: 'a'; can't understand 'a'"],
  ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
  ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
  ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
  ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ['a==b=c', 'invalid field selector: unescaped character in value: 61'],
  ['a!==b', 'invalid field selector: unescaped character in value: 61'],
  // Terms are sorted first, so the first failure is by sort order, not position.
  ['z=1\\,2,e', "invalid selector: 'z=1\\,2,e'; can't understand 'e'"],
  ['a=x,b=y\\,c=d', 'invalid field selector: unescaped character in value: 61'],
  ['a=b,c=1,2', 'invalid selector: \'a=b,c=1,2\'; can\'t understand \'2\''],
  ['a in (b)', "invalid selector: 'a in (b)'; can't understand 'a in (b)'"],
];

describe('parseFieldSelector (golden String())', () => {
  for (const [input, want] of valid) {
    it(JSON.stringify(input), () => assert.equal(fieldSelectorToString(parseFieldSelector(input)), want));
  }
  it('keeps the unescaped value and the operator', () => {
    assert.deepEqual(parseFieldSelector('a!=x\\,y').terms, [{ field: 'a', operator: '!=', value: 'x,y' }]);
    assert.deepEqual(parseFieldSelector(' a = b ').terms, [{ field: ' a ', operator: '=', value: ' b ' }]);
  });
});

describe('parseFieldSelector errors (400, upstream text)', () => {
  for (const [input, message] of invalid) {
    it(JSON.stringify(input), () => {
      assert.throws(
        () => parseFieldSelector(input),
        (err: unknown) => err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest' && err.message === message,
      );
    });
  }
});

describe('escaping', () => {
  const pairs: Array<[string, string]> = [
    ['plain', 'plain'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    ['a\\b', 'a\\\\b'],
    ['\\,=', '\\\\\\,\\='],
  ];
  for (const [raw, escaped] of pairs) {
    it(JSON.stringify(raw), () => {
      assert.equal(escapeFieldValue(raw), escaped);
      assert.equal(unescapeFieldValue(escaped), raw);
    });
  }
});

describe('matchesFields', () => {
  const attrs = { 'metadata.name': 'web', 'metadata.namespace': 'default', 'spec.nodeName': '' };
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['metadata.name=web', true],
    ['metadata.name==web', true],
    ['metadata.name=db', false],
    ['metadata.name!=db', true],
    ['metadata.name=web,metadata.namespace=default', true],
    ['metadata.name=web,metadata.namespace=other', false],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
    ['status.phase=', true],
    ['status.phase=Running', false],
    ['status.phase!=Running', true],
    ['constructor=', true],
  ];
  for (const [selector, want] of cases) {
    it(JSON.stringify(selector), () => assert.equal(matchesFields(parseFieldSelector(selector), attrs), want));
  }
});

describe('helpers', () => {
  it('fieldRequiresExactMatch finds the first = term', () => {
    const s = parseFieldSelector('metadata.name!=a,metadata.name=b,spec.x=1');
    assert.equal(fieldRequiresExactMatch(s, 'metadata.name'), 'b');
    assert.equal(fieldRequiresExactMatch(s, 'spec.y'), undefined);
    assert.equal(fieldRequiresExactMatch(oneTermEqualSelector('metadata.name', 'x'), 'metadata.name'), 'x');
  });
  it('isEmptyFieldSelector', () => {
    assert.equal(isEmptyFieldSelector(parseFieldSelector('')), true);
    assert.equal(isEmptyFieldSelector(parseFieldSelector('a=b')), false);
  });
});
