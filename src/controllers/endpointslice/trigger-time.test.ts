import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makePod, makeService } from './fixtures.js';
import { formatRFC3339Nano, TriggerTimeTracker } from './trigger-time.js';

describe('TriggerTimeTracker', () => {
  it('formats like Go RFC3339Nano', () => {
    assert.equal(formatRFC3339Nano(Date.parse('2024-05-01T10:00:00Z')), '2024-05-01T10:00:00Z');
    assert.equal(formatRFC3339Nano(Date.parse('2024-05-01T10:00:00.120Z')), '2024-05-01T10:00:00.12Z');
    assert.equal(formatRFC3339Nano(Date.parse('2024-05-01T10:00:00.001Z')), '2024-05-01T10:00:00.001Z');
    assert.equal(formatRFC3339Nano(Date.parse('2024-05-01T10:00:00.500Z')), '2024-05-01T10:00:00.5Z');
  });

  it('first sync: the Service creation; then the earliest trigger that moved; else nothing', () => {
    const tracker = new TriggerTimeTracker();
    const svc = makeService('d', 'web');
    const pod = (name: string, at: string) => makePod('d', name, {}, (p) => (p.status!.conditions![0].lastTransitionTime = at));
    assert.equal(tracker.compute(svc, [pod('a', '2024-05-01T10:00:05Z')]), '2024-05-01T10:00:00Z');
    assert.equal(tracker.compute(svc, [pod('a', '2024-05-01T10:00:05Z')]), undefined);
    assert.equal(tracker.compute(svc, [pod('a', '2024-05-01T10:00:05Z'), pod('b', '2024-05-01T10:02:00Z'), pod('c', '2024-05-01T10:01:00Z')]), '2024-05-01T10:01:00Z');
    assert.equal(tracker.compute(svc, [pod('a', '2024-05-01T10:03:00Z')]), '2024-05-01T10:03:00Z');
    tracker.delete('d', 'web');
    assert.equal(tracker.compute(svc, []), '2024-05-01T10:00:00Z');
  });
});
