import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../client/testing/fake-clock.js';
import { EXPECTATIONS_TIMEOUT_MS, Expectations } from './expectations.js';

describe('Expectations', () => {
  it('are satisfied once every creation was observed', () => {
    const e = new Expectations(new FakeClock());
    assert.equal(e.satisfied('ns/rs'), true);
    e.expectCreations('ns/rs', 2);
    assert.equal(e.satisfied('ns/rs'), false);
    e.creationObserved('ns/rs');
    assert.equal(e.satisfied('ns/rs'), false);
    e.creationObserved('ns/rs');
    assert.equal(e.satisfied('ns/rs'), true);
  });

  it('count a deletion once, and only for pods expected to go', () => {
    const e = new Expectations(new FakeClock());
    e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    e.deletionObserved('ns/rs', 'ns/a');
    e.deletionObserved('ns/rs', 'ns/a'); // seen again (deletionTimestamp, then gone)
    e.deletionObserved('ns/rs', 'ns/other');
    assert.deepEqual(e.pending('ns/rs'), { add: 0, del: 1 });
    e.deletionObserved('ns/rs', 'ns/b');
    assert.equal(e.satisfied('ns/rs'), true);
  });

  it('expire after five minutes', async () => {
    const clock = new FakeClock();
    const e = new Expectations(clock);
    e.expectCreations('ns/rs', 1);
    await clock.advance(EXPECTATIONS_TIMEOUT_MS);
    assert.equal(e.satisfied('ns/rs'), false);
    await clock.advance(1);
    assert.equal(e.satisfied('ns/rs'), true);
    e.delete('ns/rs');
    assert.equal(e.pending('ns/rs'), undefined);
  });
});
