import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRFC3339, humanDuration, parseTimestamp, since } from './duration.js';

const MS = 1;
const S = 1000 * MS;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

// The vectors of apimachinery's duration_test.go (TestHumanDuration and ...Boundaries).
const CASES: Array<[number, string]> = [
  [S, '1s'],
  [70 * S, '70s'],
  [190 * S, '3m10s'],
  [70 * M, '70m'],
  [47 * H, '47h'],
  [49 * H, '2d1h'],
  [(8 * 24 + 2) * H, '8d'],
  [367 * D, '367d'],
  [(365 * 2 * 24 + 25) * H, '2y1d'],
  [(365 * 8 * 24 + 2) * H, '8y'],
  [-2 * S, '<invalid>'],
  [-2 * S + 1, '0s'],
  [0, '0s'],
  [S - MS, '0s'],
  [2 * M - MS, '119s'],
  [2 * M, '2m'],
  [2 * M + S, '2m1s'],
  [10 * M - MS, '9m59s'],
  [10 * M, '10m'],
  [10 * M + S, '10m'],
  [3 * H - MS, '179m'],
  [3 * H, '3h'],
  [3 * H + M, '3h1m'],
  [8 * H - MS, '7h59m'],
  [8 * H, '8h'],
  [8 * H + 59 * M, '8h'],
  [2 * D - MS, '47h'],
  [2 * D, '2d'],
  [2 * D + H, '2d1h'],
  [8 * D - MS, '7d23h'],
  [8 * D, '8d'],
  [8 * D + 23 * H, '8d'],
  [2 * 365 * D - MS, '729d'],
  [2 * 365 * D, '2y'],
  [2 * 365 * D + 23 * H + 59 * M, '2y'],
  [2 * 365 * D + D - MS, '2y'],
  [2 * 365 * D + D, '2y1d'],
  [3 * 365 * D, '3y'],
  [7 * 365 * D, '7y'],
  [8 * 365 * D - MS, '7y364d'],
  [8 * 365 * D, '8y'],
  [8 * 365 * D + 364 * D, '8y'],
  [9 * 365 * D, '9y'],
  // The ages the Services chapter shows.
  [5 * S, '5s'],
  [3 * M + 36 * S, '3m36s'],
  [3 * H + 7 * M, '3h7m'],
  [2 * D + 3 * H, '2d3h'],
];

test('humanDuration matches apimachinery duration.HumanDuration', () => {
  for (const [ms, want] of CASES) assert.equal(humanDuration(ms), want, `${ms} ms`);
});

test('since: age at an injected clock, <unknown> for an unset timestamp, <invalid> in the future', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(since('2024-05-01T11:56:24Z', now), '3m36s');
  assert.equal(since('2024-05-01T11:59:59.500000Z', now), '0s'); // MicroTime
  assert.equal(since('2024-05-01T12:00:01Z', now), '0s'); // 1 s of skew is tolerated
  assert.equal(since('2024-05-01T12:00:02Z', now), '<invalid>');
  for (const unset of [undefined, null, '', '0001-01-01T00:00:00Z', 'garbage']) assert.equal(since(unset, now), '<unknown>');
});

test('parseTimestamp and formatRFC3339 treat Go zero time alike', () => {
  assert.equal(parseTimestamp('2024-05-01T12:00:00Z'), Date.UTC(2024, 4, 1, 12));
  assert.equal(parseTimestamp('0001-01-01T00:00:00Z'), null);
  assert.equal(formatRFC3339('2024-05-01T14:00:00.123456+02:00'), '2024-05-01T12:00:00Z');
  assert.equal(formatRFC3339(undefined), '0001-01-01T00:00:00Z');
});
