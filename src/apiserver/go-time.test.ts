import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goTimeParseError, RFC3339, RFC3339_MICRO } from './go-time.js';
import { decodeTypeError } from './typed-decode.js';

// Expected texts worked out from Go's src/time/format.go parse (Go 1.23): the element that failed
// with the value left at it, a range, extra text, the day checked last.
test('time.Parse(RFC3339): what parses, and Go\'s error for what does not', () => {
  const cases: Array<[string, string | undefined]> = [
    ['2026-11-29T16:27:17Z', undefined],
    ['2026-11-29T16:27:17.123Z', undefined],
    ['2026-11-29T16:27:17,5+01:00', undefined],
    ['2026-11-29T16:27:17-07:30', undefined],
    ['2026-11-29T6:27:17Z', undefined],
    ['2024-02-29T00:00:00Z', undefined],
    ['garbage', 'parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006"'],
    ['', 'parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006"'],
    ['2020-13-01T00:00:00Z', 'parsing time "2020-13-01T00:00:00Z": month out of range'],
    ['2020-1-01T00:00:00Z', 'parsing time "2020-1-01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1-01T00:00:00Z" as "01"'],
    ['2020-01-01 00:00:00Z', 'parsing time "2020-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T"'],
    ['2020-01-01T24:00:00Z', 'parsing time "2020-01-01T24:00:00Z": hour out of range'],
    ['2020-01-01T00:60:00Z', 'parsing time "2020-01-01T00:60:00Z": minute out of range'],
    ['2020-01-01T00:00:60Z', 'parsing time "2020-01-01T00:00:60Z": second out of range'],
    ['2020-01-01T00:00:00', 'parsing time "2020-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"'],
    ['2020-01-01T00:00:00+0100', 'parsing time "2020-01-01T00:00:00+0100" as "2006-01-02T15:04:05Z07:00": cannot parse "+0100" as "Z07:00"'],
    ['2020-01-01T00:00:00+25:00', 'parsing time "2020-01-01T00:00:00+25:00": time zone offset hour out of range'],
    ['2020-01-01T00:00:00Zjunk', 'parsing time "2020-01-01T00:00:00Zjunk": extra text: "junk"'],
    ['2023-02-29T00:00:00Z', 'parsing time "2023-02-29T00:00:00Z": day out of range'],
    ['2020-04-31T00:00:00Z', 'parsing time "2020-04-31T00:00:00Z": day out of range'],
    ['2020-01-00T00:00:00Z', 'parsing time "2020-01-00T00:00:00Z": day out of range'],
    ['2é20-01-01T00:00:00Z', 'parsing time "2\\xc3\\xa920-01-01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "2\\xc3\\xa920-01-01T00:00:00Z" as "2006"'],
    ['"x"', 'parsing time "\\"x\\"" as "2006-01-02T15:04:05Z07:00": cannot parse "\\"x\\"" as "2006"'],
  ];
  for (const [value, want] of cases) assert.equal(goTimeParseError(RFC3339, value), want, value);
});

test('time.Parse(RFC3339Micro): six digits of fraction, no fewer', () => {
  assert.equal(goTimeParseError(RFC3339_MICRO, '2026-11-29T16:27:17.123456Z'), undefined);
  assert.equal(goTimeParseError(RFC3339_MICRO, '2026-11-29T16:27:17.123456+02:00'), undefined);
  assert.equal(goTimeParseError(RFC3339_MICRO, '2026-11-29T16:27:17Z'), 'parsing time "2026-11-29T16:27:17Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"');
  assert.equal(goTimeParseError(RFC3339_MICRO, '2026-11-29T16:27:17.123Z'), 'parsing time "2026-11-29T16:27:17.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"');
  assert.equal(goTimeParseError(RFC3339_MICRO, '2026-11-29T16:27:17.1234567Z'), 'parsing time "2026-11-29T16:27:17.1234567Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "7Z" as "Z07:00"');
  assert.equal(goTimeParseError(RFC3339_MICRO, '2026-11-29T16:27:17.-12345Z'), 'parsing time "2026-11-29T16:27:17.-12345Z": fractional second out of range');
});

test('a body with a time Go cannot parse is a decode error, as kube-apiserver answers it', () => {
  assert.equal(decodeTypeError({ metadata: { creationTimestamp: 'garbage' } }, 'io.k8s.api.core.v1.ConfigMap'), 'parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006"');
  assert.equal(decodeTypeError({ status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-29 10:00:00' }] } }, 'io.k8s.api.core.v1.Pod'), 'parsing time "2026-11-29 10:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse " 10:00:00" as "T"');
  assert.equal(decodeTypeError({ eventTime: '2026-11-29T10:00:00Z' }, 'io.k8s.api.events.v1.Event'), 'parsing time "2026-11-29T10:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"');
  assert.equal(decodeTypeError({ eventTime: '2026-11-29T10:00:00.000001Z', metadata: { creationTimestamp: '2026-11-29T10:00:00Z' } }, 'io.k8s.api.events.v1.Event'), undefined);
});
