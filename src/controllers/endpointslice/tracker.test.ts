import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EndpointSliceTracker } from './tracker.js';
import type { EndpointSlice } from './types.js';

function slice(uid: string, rv: string): EndpointSlice {
  return { metadata: { namespace: 'd', name: `web-${uid}`, uid, resourceVersion: rv, labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4' };
}
const svc = { metadata: { namespace: 'd', name: 'web', uid: 's1' } };

describe('EndpointSliceTracker', () => {
  it('tells our own writes from newer changes', () => {
    const t = new EndpointSliceTracker();
    assert.equal(t.shouldSync(slice('a', '5')), true);
    t.update(slice('a', '5'));
    assert.equal(t.shouldSync(slice('a', '5')), false);
    assert.equal(t.shouldSync(slice('a', '4')), false);
    assert.equal(t.shouldSync(slice('a', '6')), true);
  });

  it('sees a cache behind our writes', () => {
    const t = new EndpointSliceTracker();
    t.update(slice('a', '5'));
    assert.equal(t.staleSlices(svc, []), true, 'written slice missing');
    assert.equal(t.staleSlices(svc, [slice('a', '4')]), true, 'older version');
    assert.equal(t.staleSlices(svc, [slice('a', '5')]), false);
    t.expectDeletion(slice('a', '5'));
    assert.equal(t.staleSlices(svc, [slice('a', '5')]), true, 'deleted slice still cached');
    assert.equal(t.staleSlices(svc, []), false);
    assert.equal(t.handleDeletion(slice('a', '5')), true);
    t.update(slice('b', '9'));
    assert.equal(t.handleDeletion(slice('b', '9')), false, 'someone else deleted it');
  });

  it('starts afresh for a recreated Service', () => {
    const t = new EndpointSliceTracker();
    assert.equal(t.staleSlices(svc, []), false);
    t.update(slice('a', '5'));
    assert.equal(t.staleSlices({ metadata: { ...svc.metadata, uid: 's2' } }, []), false);
  });
});
