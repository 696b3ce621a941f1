import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GENERATE_NAME_ALPHABET,
  generateName,
  generateNameSuffix,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  maskTrailingDash,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  regexError,
  validatePathSegmentName,
} from './names.js';

// The exact texts kube-apiserver 1.33 prints.
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_REGEX = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const MAX63 = 'must be no more than 63 characters';
const MAX253 = 'must be no more than 253 characters';

function table(name: string, fn: (v: string) => string[], cases: Array<[string, string[]]>): void {
  describe(name, () => {
    for (const [value, want] of cases) {
      it(JSON.stringify(value.length > 40 ? `${value.slice(0, 20)}…(${value.length})` : value), () => assert.deepEqual(fn(value), want));
    }
  });
}

table('isDNS1123Label', isDNS1123Label, [
  ['a', []],
  ['my-name', []],
  ['123-abc', []],
  ['a'.repeat(63), []],
  ['a'.repeat(64), [MAX63]],
  ['', [LABEL]],
  ['-a', [LABEL]],
  ['a-', [LABEL]],
  ['My-Name', [LABEL]],
  ['a_b', [LABEL]],
  ['a.b', ['must not contain dots']],
  ['a.b-', [LABEL]],
  [`${'a'.repeat(62)}.b`, [MAX63, 'must not contain dots']],
]);

table('isDNS1123Subdomain', isDNS1123Subdomain, [
  ['example.com', []],
  ['a', []],
  ['1.2.3.4', []],
  ['a..b', [SUBDOMAIN]],
  ['.a', [SUBDOMAIN]],
  ['a.', [SUBDOMAIN]],
  ['Example.com', [SUBDOMAIN]],
  ['under_score', [SUBDOMAIN]],
  ['a'.repeat(253), []],
  ['a'.repeat(254), [MAX253]],
  [`${'a'.repeat(253)}_`, [MAX253, SUBDOMAIN]],
  ['héllo', [SUBDOMAIN]],
]);

table('isDNS1035Label', isDNS1035Label, [
  ['my-service', []],
  ['a1', []],
  ['1abc', [DNS1035]],
  ['abc-', [DNS1035]],
  ['a.b', [DNS1035]],
  ['a'.repeat(64), [MAX63]],
  ['', [DNS1035]],
]);

table('isQualifiedName', isQualifiedName, [
  ['app', []],
  ['MyName', []],
  ['my.name', []],
  ['example.com/MyName', []],
  ['app.kubernetes.io/name', []],
  ['', ['name part must be non-empty', `name part ${QNAME_REGEX}`]],
  ['/a', ['prefix part must be non-empty']],
  ['a/', ['name part must be non-empty', `name part ${QNAME_REGEX}`]],
  ['Example.com/a', [`prefix part ${SUBDOMAIN}`]],
  ['-a', [`name part ${QNAME_REGEX}`]],
  ['a'.repeat(64), [`name part ${MAX63}`]],
  ['a/b/c', [`a qualified name ${QNAME_REGEX} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
  ['bad value', [`name part ${QNAME_REGEX}`]],
]);

table('isValidLabelValue', isValidLabelValue, [
  ['', []],
  ['MyValue', []],
  ['my_value', []],
  ['12345', []],
  ['a.b-c_d', []],
  ['bad value', [LABEL_VALUE]],
  ['-a', [LABEL_VALUE]],
  ['a'.repeat(64), [MAX63]],
  [`${'a'.repeat(63)}-`, [MAX63, LABEL_VALUE]],
]);

table('validatePathSegmentName (name)', (v) => validatePathSegmentName(v, false), [
  ['ok.name', []],
  ['UPPER_case', []],
  ['.', ["may not be '.'"]],
  ['..', ["may not be '..'"]],
  ['a/b', ["may not contain '/'"]],
  ['a%b', ["may not contain '%'"]],
  ['a/%', ["may not contain '/'", "may not contain '%'"]],
]);

describe('name functions with prefix (generateName)', () => {
  it('regexError has upstream double space between examples', () => {
    assert.equal(regexError('m', 'f', 'a', 'b'), "m (e.g. 'a',  or 'b', regex used for validation is 'f')");
    assert.equal(regexError('m', 'f'), "m (regex used for validation is 'f')");
  });
  it('maskTrailingDash cuts two bytes, bug for bug', () => {
    assert.equal(maskTrailingDash('foo-'), 'foa');
    assert.equal(maskTrailingDash('a-'), 'a');
    assert.equal(maskTrailingDash('-'), '-');
    assert.equal(maskTrailingDash('foo'), 'foo');
  });
  const cases: Array<[string, (n: string, p: boolean) => string[], string, boolean, string[]]> = [
    ['subdomain prefix with dash', nameIsDNSSubdomain, 'web-', true, []],
    ['subdomain name with dash', nameIsDNSSubdomain, 'web-', false, [SUBDOMAIN]],
    ['subdomain prefix "a.-" masks to "aa"', nameIsDNSSubdomain, 'a.-', true, []],
    ['subdomain prefix upper', nameIsDNSSubdomain, 'Web-', true, [SUBDOMAIN]],
    ['label prefix', nameIsDNSLabel, 'ns-', true, []],
    ['label name with dot', nameIsDNSLabel, 'a.b', false, ['must not contain dots']],
    ['1035 prefix', nameIsDNS1035Label, 'svc-', true, []],
    ['1035 name starting with digit', nameIsDNS1035Label, '1svc', false, [DNS1035]],
    ['path segment prefix ignores exact . check', validatePathSegmentName, '.', true, []],
    ['path segment prefix with slash', validatePathSegmentName, 'a/', true, ["may not contain '/'"]],
  ];
  for (const [name, fn, value, prefix, want] of cases) {
    it(name, () => assert.deepEqual(fn(value, prefix), want));
  }
});

describe('generateName', () => {
  it('draws five characters from the no-vowel alphabet', () => {
    assert.equal(GENERATE_NAME_ALPHABET, 'bcdfghjklmnpqrstvwxz2456789');
    const seq = [0, 0.999999, 0.5, 0.04, 0.1];
    let i = 0;
    assert.equal(generateNameSuffix(() => seq[i++]), 'b9rcd');
    const s = generateNameSuffix();
    assert.match(s, /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
  it('cuts the base to 58 bytes', () => {
    const name = generateName('x'.repeat(70), () => 0);
    assert.equal(name, `${'x'.repeat(58)}bbbbb`);
    assert.equal(generateName('web-', () => 0), 'web-bbbbb');
  });
});
