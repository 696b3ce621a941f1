/** @module json.Unmarshal into a map: encoding/json's error texts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goJSONMapError } from './go-json.js';

const CASES: Array<[string, string | undefined]> = [
  ['{"auths":{}}', undefined],
  ['null', undefined],
  [' { } ', undefined],
  ['', 'unexpected end of JSON input'],
  ['{', 'unexpected end of JSON input'],
  ['{"a":"b', 'unexpected end of JSON input'],
  ['x', "invalid character 'x' looking for beginning of value"],
  ['[]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ['"s"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
  ['1.5e3', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
  ['true', 'json: cannot unmarshal bool into Go value of type map[string]interface {}'],
  ['{"a" 1}', "invalid character '1' after object key"],
  ['{"a":1 "b":2}', 'invalid character \'"\' after object key:value pair'],
  ['{1:2}', "invalid character '1' looking for beginning of object key string"],
  ['{"a":[1 2]}', "invalid character '2' after array element"],
  ['{} x', "invalid character 'x' after top-level value"],
  ['-', "invalid character ' ' in numeric literal"],
  ['1.', "invalid character ' ' after decimal point in numeric literal"],
  ['1e+', "invalid character ' ' in exponent of numeric literal"],
  ['tru', "invalid character ' ' in literal true (expecting 'e')"],
  ['nul!', "invalid character '!' in literal null (expecting 'l')"],
  ['"a\nb"', "invalid character '\\n' in string literal"],
  ['"\\q"', "invalid character 'q' in string escape code"],
  ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
  ["'a'", "invalid character '\\'' looking for beginning of value"],
];

for (const [input, want] of CASES) {
  test(`json.Unmarshal(${JSON.stringify(input)}) into a map`, () => {
    assert.equal(goJSONMapError(Buffer.from(input)), want);
  });
}
