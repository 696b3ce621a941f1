import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../errors.js';
import { parseLabelSelector } from './label-parser.js';
import { isEmptySelector, parsedSelectorToString } from './labels.js';

const QNAME = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const OPS = 'in, notin, =, ==, !=, gt, lt';

/** input → the selector's String() after parsing (sorted by key, values sorted). */
const valid: Array<[string, string]> = [
  ['', ''],
  ['   ', ''],
  ['a=b', 'a=b'],
  ['a==b', 'a==b'],
  ['a!=b', 'a!=b'],
  ['a=', 'a='],
  ['a==', 'a=='],
  ['a', 'a'],
  ['!a', '!a'],
  [' ! a ', '!a'],
  ['a>1', 'a>1'],
  ['a<10', 'a<10'],
  ['a in (x,y)', 'a in (x,y)'],
  ['a in (y,x,y)', 'a in (x,y)'],
  ['a notin (x)', 'a notin (x)'],
  ['a in ()', 'a in ()'],
  ['a in (,x)', 'a in (,x)'],
  ['a in (x,)', 'a in (,x)'],
  ['a in (x,,y)', 'a in (,x,y)'],
  ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
  ['b=2,a=1', 'a=1,b=2'],
  ['a=1,a=2', 'a=1,a=2'],
  ['  a = b ,  c ', 'a=b,c'],
  ['a\t=\tb\n,\rc', 'a=b,c'],
  ['in in (in)', 'in in (in)'],
  ['notin notin (notin,in)', 'notin notin (in,notin)'],
  ['a in(x)', 'a in (x)'],
  ['app.kubernetes.io/name=web', 'app.kubernetes.io/name=web'],
  ['environment in (production, qa)', 'environment in (production,qa)'],
  ['tier notin (frontend, backend)', 'tier notin (backend,frontend)'],
  ['partition,!canary', '!canary,partition'],
  // A NUL where a token starts ends the input, as Go's lexer reads byte 0 as end of string.
  ['a=b \u0000 c=d', 'a=b'],
  ['a=b\u0000', 'a=b'],
];

/** input → the 400 BadRequest message kube-apiserver 1.33 answers. */
const invalid: Array<[string, string]> = [
  [',', "found ',', expected: !, identifier, or 'end of string'"],
  [',a', "found ',', expected: !, identifier, or 'end of string'"],
  ['=a', "found '=', expected: !, identifier, or 'end of string'"],
  ['a,', "found '', expected: identifier after ','"],
  ['a,,b', "found ',', expected: identifier after ','"],
  ['a=b c', "found 'c', expected: ',' or 'end of string'"],
  ['!a=b', "found '=', expected: ',' or 'end of string'"],
  // Inside a token a NUL only ends that token.
  ['a=b\u0000c=d', "found 'c', expected: ',' or 'end of string'"],
  ['a b', `unable to parse requirement: found 'b', expected: ${OPS}`],
  ['a!', `unable to parse requirement: found '!', expected: ${OPS}`],
  ['a (', `unable to parse requirement: found '(', expected: ${OPS}`],
  ['!', "unable to parse requirement: found '', expected: identifier"],
  ['!!a', "unable to parse requirement: found '!', expected: identifier"],
  ['a in', "unable to parse requirement: found '' expected: '('"],
  ['a in x', "unable to parse requirement: found 'x' expected: '('"],
  ['a in (', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
  ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
  ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
  ['a in (x,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
  // 1.33 consumes the second of two commas, then trips on ")" (fixed upstream in 1.35).
  ['a in (x,,)', "unable to parse requirement: found ')', expected: ',', or identifier"],
  ['a in (,,)', "unable to parse requirement: found ')', expected: ',', or identifier"],
  ['a=(', "unable to parse requirement: found '(', expected: identifier"],
  ['a===b', "unable to parse requirement: found '=', expected: identifier"],
  ['a=b=c', "found '=', expected: ',' or 'end of string'"],
  [
    'x/y/z',
    `unable to parse requirement: <nil>: Invalid value: "x/y/z": a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
  ],
  ['-a=b', `unable to parse requirement: <nil>: Invalid value: "-a": name part ${QNAME}`],
  ['/a', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
  [`${'k'.repeat(64)}=v`, 'unable to parse requirement: <nil>: Invalid value: "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk": name part must be no more than 63 characters'],
  ['a=-bad', `unable to parse requirement: values[0][a]: Invalid value: "-bad": ${LABEL_VALUE}`],
  [`a=${'v'.repeat(64)}`, `unable to parse requirement: values[0][a]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`],
  ['a in (ok,-no)', `unable to parse requirement: values[0][a]: Invalid value: "-no": ${LABEL_VALUE}`],
  ['a>', 'unable to parse requirement: values[0]: Invalid value: "": for \'Gt\', \'Lt\' operators, the value must be an integer'],
  ['a>x', 'unable to parse requirement: values[0]: Invalid value: "x": for \'Gt\', \'Lt\' operators, the value must be an integer'],
  ['a<99999999999999999999', 'unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for \'Gt\', \'Lt\' operators, the value must be an integer'],
  ['a>+5', `unable to parse requirement: values[0][a]: Invalid value: "+5": ${LABEL_VALUE}`],
  ['a>-1', `unable to parse requirement: values[0][a]: Invalid value: "-1": ${LABEL_VALUE}`],
  [
    'a>-x',
    `unable to parse requirement: [values[0]: Invalid value: "-x": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: "-x": ${LABEL_VALUE}]`,
  ],
];

describe('parseLabelSelector: valid selectors (golden String())', () => {
  for (const [input, want] of valid) {
    it(JSON.stringify(input), () => assert.equal(parsedSelectorToString(parseLabelSelector(input)), want));
  }
  it('an empty selector is Everything', () => assert.equal(isEmptySelector(parseLabelSelector('')), true));
});

describe('parseLabelSelector: errors (400 BadRequest, exact text)', () => {
  for (const [input, message] of invalid) {
    it(JSON.stringify(input.length > 40 ? `${input.slice(0, 30)}…` : input), () => {
      assert.throws(
        () => parseLabelSelector(input),
        (err: unknown) => {
          assert.ok(err instanceof StatusError);
          assert.equal(err.code, 400);
          assert.equal(err.reason, 'BadRequest');
          assert.equal(err.message, message);
          return true;
        },
      );
    });
  }
});
