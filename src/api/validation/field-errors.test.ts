import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  aggregateMessage,
  child,
  duplicate,
  fieldErrorString,
  forbidden,
  formatBadValue,
  formatErrorList,
  goRendered,
  index,
  internalError,
  invalid,
  invalidMessage,
  key,
  notSupported,
  required,
  tooLong,
  tooMany,
  typeInvalid,
} from './field-errors.js';
import { goFloat, goQuote, goStringSlice, goTime } from './go-format.js';

describe('formatBadValue (ErrorBody value printing)', () => {
  const cases: Array<[string, Parameters<typeof formatBadValue>[0], string]> = [
    ['string is %q', 'bad value', '"bad value"'],
    ['empty string', '', '""'],
    ['quotes and backslashes escaped', 'a"b\\c', '"a\\"b\\\\c"'],
    ['newline and tab', 'a\nb\tc', '"a\\nb\\tc"'],
    ['bell, NUL and DEL', '\x07\x00\x7f', '"\\a\\x00\\x7f"'],
    ['printable unicode kept', 'héllo ☃', '"héllo ☃"'],
    ['non-breaking space escaped', 'a\u00a0b', '"a\\u00a0b"'],
    ['emoji kept (a symbol)', '😀', '"😀"'],
    ['unassigned plane-15 rune escaped', '\u{f0000}', '"\\U000f0000"'],
    ['int', 0, '0'],
    ['negative int', -1, '-1'],
    ['float', 1.5, '1.5'],
    ['boolean', true, 'true'],
    ['null is nil', null, 'null'],
    ['undefined is nil', undefined, 'null'],
    ['pre-rendered', goRendered('[]string{"a"}'), '[]string{"a"}'],
  ];
  for (const [name, value, want] of cases) {
    it(name, () => assert.equal(formatBadValue(value), want));
  }
});

describe('go-format helpers', () => {
  it('goFloat uses %g with shortest digits', () => {
    assert.deepEqual([0.5, 1e-5, 1234567.5, 123456.5, 0.0001, 2.5e21].map(goFloat), ['0.5', '1e-05', '1.2345675e+06', '123456.5', '0.0001', '2.5e+21']);
  });
  it('goStringSlice distinguishes nil and empty', () => {
    assert.equal(goStringSlice(null), '[]string(nil)');
    assert.equal(goStringSlice([]), '[]string{}');
    assert.equal(goStringSlice(['a', 'b"c']), '[]string{"a", "b\\"c"}');
  });
  it('goTime prints time.Time.String in UTC', () => {
    assert.equal(goTime('2024-01-02T03:04:05Z'), '2024-01-02 03:04:05 +0000 UTC');
    assert.equal(goTime('2024-01-02T05:04:05+02:00'), '2024-01-02 03:04:05 +0000 UTC');
    assert.equal(goTime(null), '0001-01-01 00:00:00 +0000 UTC');
  });
  it('goQuote matches strconv.Quote on a mixed string', () => {
    assert.equal(goQuote('x\r\f\v\by'), '"x\\r\\f\\v\\by"');
  });
});

describe('field error constructors (exact field.Error.Error() text)', () => {
  const cases: Array<[string, ReturnType<typeof invalid>, string, string]> = [
    ['invalid', invalid('metadata.labels', 'bad value', 'msg'), 'FieldValueInvalid', 'metadata.labels: Invalid value: "bad value": msg'],
    ['invalid with int', invalid('spec.ports[0].port', 0, 'must be between 1 and 65535, inclusive'), 'FieldValueInvalid', 'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
    ['invalid without detail', invalid('f', 'v', ''), 'FieldValueInvalid', 'f: Invalid value: "v"'],
    ['invalid with nil', invalid('f', null, 'd'), 'FieldValueInvalid', 'f: Invalid value: null: d'],
    ['typeInvalid', typeInvalid('spec.replicas', 'x', 'must be of type integer'), 'FieldValueTypeInvalid', 'spec.replicas: Invalid value: "x": must be of type integer'],
    ['required', required('metadata.namespace'), 'FieldValueRequired', 'metadata.namespace: Required value'],
    ['required with detail', required('metadata.name', 'name or generateName is required'), 'FieldValueRequired', 'metadata.name: Required value: name or generateName is required'],
    ['forbidden', forbidden('metadata.namespace', 'not allowed on this type'), 'FieldValueForbidden', 'metadata.namespace: Forbidden: not allowed on this type'],
    ['duplicate', duplicate('spec.ports[1].name', 'http'), 'FieldValueDuplicate', 'spec.ports[1].name: Duplicate value: "http"'],
    ['duplicate int', duplicate('spec.ports[1].port', 80), 'FieldValueDuplicate', 'spec.ports[1].port: Duplicate value: 80'],
    [
      'notSupported',
      notSupported('spec.type', 'Foo', ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']),
      'FieldValueNotSupported',
      'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ],
    ['notSupported without list', notSupported('f', 'x', []), 'FieldValueNotSupported', 'f: Unsupported value: "x"'],
    ['tooLong', tooLong('metadata.annotations', 262144), 'FieldValueTooLong', 'metadata.annotations: Too long: may not be more than 262144 bytes'],
    ['tooLong unbounded', tooLong('f', -1), 'FieldValueTooLong', 'f: Too long: value is too long'],
    ['tooMany', tooMany('spec.items', 5, 3), 'FieldValueTooMany', 'spec.items: Too many: 5: must have at most 3 items'],
    ['tooMany count omitted', tooMany('spec.items', -1, 3), 'FieldValueTooMany', 'spec.items: Too many: must have at most 3 items'],
    ['internalError', internalError('spec', 'boom'), 'InternalError', 'spec: Internal error: boom'],
  ];
  for (const [name, err, type, text] of cases) {
    it(name, () => {
      assert.equal(err.type, type);
      assert.equal(fieldErrorString(err), text);
    });
  }
});

describe('paths', () => {
  it('builds Go field.Path strings', () => {
    assert.equal(child('metadata', 'name'), 'metadata.name');
    assert.equal(child(null, 'key'), 'key');
    assert.equal(child('spec', 'template', 'spec'), 'spec.template.spec');
    assert.equal(index(child('spec', 'ports'), 0), 'spec.ports[0]');
    assert.equal(key(index('values', 0), 'app'), 'values[0][app]');
    assert.equal(key('metadata.labels', 'a.b/c'), 'metadata.labels[a.b/c]');
  });
});

describe('aggregate formatting (utilerrors.Aggregate / errors.NewInvalid)', () => {
  it('one message is bare, several are bracketed, repeats dropped', () => {
    assert.equal(aggregateMessage([]), '');
    assert.equal(aggregateMessage(['a']), 'a');
    assert.equal(aggregateMessage(['a', 'a']), 'a');
    assert.equal(aggregateMessage(['a', 'b', 'a']), '[a, b]');
  });
  it('formats an ErrorList and an Invalid message', () => {
    const errs = [required('metadata.name', 'name or generateName is required'), forbidden('metadata.namespace', 'not allowed on this type')];
    assert.equal(formatErrorList(errs), '[metadata.name: Required value: name or generateName is required, metadata.namespace: Forbidden: not allowed on this type]');
    assert.equal(
      invalidMessage({ group: '', kind: 'Service' }, 'Bad', [invalid('metadata.name', 'Bad', 'x')]),
      'Service "Bad" is invalid: metadata.name: Invalid value: "Bad": x',
    );
    assert.equal(invalidMessage({ group: 'apps', kind: 'Deployment' }, 'd', []), 'Deployment.apps "d" is invalid');
  });
});
