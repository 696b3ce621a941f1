/** @module resource.Quantity's canonical text and comparison, against upstream's outputs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, compareQuantities, decodedQuantityText, parseQuantity, quantityText, quantityValue } from './quantity.js';

const CANONICAL: Array<[string | number, string]> = [
  ['0', '0'], ['-0', '0'], ['0Mi', '0'],
  ['500m', '500m'], ['0.5', '500m'], ['1.5', '1500m'], ['1000m', '1'], ['-0.5', '-500m'], [0.25, '250m'],
  ['10', '10'], ['1200', '1200'], ['1000', '1k'], ['12e2', '1200'], ['1e3', '1e3'], ['1.5e3', '1500'], ['2E-3', '2e-3'],
  ['1Gi', '1Gi'], ['1024Mi', '1Gi'], ['1536Mi', '1536Mi'], ['0.5Gi', '512Mi'], ['1.5Gi', '1536Mi'], ['1000Ki', '1000Ki'],
  ['512Ki', '512Ki'], ['0.1Ki', '102400m'], ['1023', '1023'], [' 128Mi ', '128Mi'], [134217728, '134217728'],
  ['1n', '1n'], ['0.1n', '1n'], ['-0.1n', '-1n'], ['1u', '1u'], ['1500u', '1500u'], ['1M', '1M'], ['1E', '1E'], ['+1k', '1k'],
];

for (const [input, want] of CANONICAL) {
  test(`Quantity ${JSON.stringify(input)} prints ${want}`, () => {
    const q = parseQuantity(input);
    assert.ok(q);
    assert.equal(canonicalQuantity(q), want);
  });
}

test('Quantity: Cmp across formats, Value rounds up, bad text is kept', () => {
  const cmp = (a: string, b: string): number => compareQuantities(parseQuantity(a)!, parseQuantity(b)!);
  assert.equal(cmp('1Gi', '1073741824'), 0);
  assert.equal(cmp('1G', '1Gi'), -1);
  assert.equal(cmp('1500m', '1.5'), 0);
  assert.equal(cmp('2', '1999m'), 1);
  assert.equal(quantityValue(parseQuantity('1.2')!), 2n);
  assert.equal(quantityValue(parseQuantity('-1.2')!), -2n);
  assert.equal(parseQuantity('abc'), undefined);
  assert.equal(parseQuantity('1Qi'), undefined);
  assert.equal(parseQuantity('1constructor'), undefined);
  assert.equal(quantityText('abc'), 'abc');
});

test("decodedQuantityText: ParseQuantity's fast path keeps text that looks canonical; the rest prints canonically", () => {
  const cases: Array<[unknown, string]> = [
    ['+1', '+1'],
    ['01', '01'],
    ['1e3', '1e3'],
    ['3Ki', '3Ki'],
    ['1k', '1k'],
    ['500m', '500m'],
    [' 2 ', '2'],
    ['0', '0'],
    ['00', '0'],
    [1000, '1k'],
    ['1000', '1k'],
    ['1024Ki', '1Mi'],
    ['8Ki', '8Ki'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1e2', '100'],
    ['1n', '1n'],
    ['0.1n', '1n'],
    ['-1', '-1'],
    ['12345678901234567890', '12345678901234567890'],
  ];
  for (const [input, text] of cases) assert.equal(decodedQuantityText(input), text, String(input));
  assert.equal(decodedQuantityText('1x'), undefined);
  // A binary quantity past int64 is capped at its largest (and printed as DecimalSI can).
  assert.equal(decodedQuantityText('16Ei'), '9223372036854775807');
});
