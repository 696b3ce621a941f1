import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointKey, EndpointPicker } from './picker.js';
import { ep } from './testing.js';

const A = ep('10.244.0.2', 80);
const B = ep('10.244.0.3', 80);
const C = ep('10.244.0.4', 80);

function keys(picker: EndpointPicker, client: string, n: number, now = 0): string[] {
  return Array.from({ length: n }, () => endpointKey(picker.pick(client, now)!));
}

describe('EndpointPicker', () => {
  test('round-robin over the endpoints, across clients', () => {
    const p = new EndpointPicker([A, B, C], { stickyMaxAgeSeconds: 0 });
    assert.deepEqual(keys(p, '10.0.0.1', 4), ['10.244.0.2:80', '10.244.0.3:80', '10.244.0.4:80', '10.244.0.2:80']);
    assert.equal(endpointKey(p.pick('10.0.0.9', 0)!), '10.244.0.3:80');
    assert.deepEqual(p.affinityEntries(), []);
  });

  test('nothing to pick without endpoints', () => {
    const p = new EndpointPicker([], { stickyMaxAgeSeconds: 10 });
    assert.equal(p.pick('10.0.0.1', 0), undefined);
  });

  test('ClientIP affinity keeps a client on its endpoint until the timeout, then moves on', () => {
    const p = new EndpointPicker([A, B, C], { stickyMaxAgeSeconds: 10 });
    assert.deepEqual(keys(p, '10.0.0.1', 3, 1000), ['10.244.0.2:80', '10.244.0.2:80', '10.244.0.2:80']);
    assert.equal(endpointKey(p.pick('10.0.0.2', 1000)!), '10.244.0.3:80');
    // Each use refreshes the entry: 9.9 s after the last use it still holds.
    assert.equal(endpointKey(p.pick('10.0.0.1', 10_900)!), '10.244.0.2:80');
    // 10 s unused: a new round-robin pick.
    assert.equal(endpointKey(p.pick('10.0.0.1', 20_900)!), '10.244.0.4:80');
    assert.equal(endpointKey(p.pick('10.0.0.1', 20_901)!), '10.244.0.4:80');
  });

  test('a retry resets the affinity and excludes endpoints that failed', () => {
    const p = new EndpointPicker([A, B, C], { stickyMaxAgeSeconds: 60 });
    assert.equal(endpointKey(p.pick('c', 0)!), '10.244.0.2:80');
    const failed = new Set(['10.244.0.2:80']);
    assert.equal(endpointKey(p.pick('c', 1, { resetAffinity: true, exclude: failed })!), '10.244.0.3:80');
    // The new endpoint is now the client's.
    assert.equal(endpointKey(p.pick('c', 2)!), '10.244.0.3:80');
    failed.add('10.244.0.3:80').add('10.244.0.4:80');
    assert.equal(p.pick('c', 3, { resetAffinity: true, exclude: failed }), undefined);
  });

  test('an excluded affinity endpoint is not returned', () => {
    const p = new EndpointPicker([A, B], { stickyMaxAgeSeconds: 60 });
    p.pick('c', 0);
    assert.equal(endpointKey(p.pick('c', 1, { exclude: new Set(['10.244.0.2:80']) })!), '10.244.0.3:80');
  });

  test('update keeps the position, drops affinity to endpoints that left, and off drops all', () => {
    const p = new EndpointPicker([A, B, C], { stickyMaxAgeSeconds: 60 });
    p.pick('x', 0); // A
    p.pick('y', 0); // B
    p.update([B, C], { stickyMaxAgeSeconds: 60 });
    assert.deepEqual(p.affinityEntries().map((e) => e.clientIP), ['y']);
    assert.equal(endpointKey(p.pick('y', 1)!), '10.244.0.3:80');
    assert.equal(endpointKey(p.pick('x', 1)!), '10.244.0.3:80', 'x moves to the next round-robin endpoint (position 0 of [B, C] after 2 mod 2)');
    p.update([B, C], { stickyMaxAgeSeconds: 0 });
    assert.deepEqual(p.affinityEntries(), []);
  });

  test('sweep drops expired entries only', () => {
    const p = new EndpointPicker([A, B], { stickyMaxAgeSeconds: 1 });
    p.pick('old', 0);
    p.pick('new', 900);
    p.sweep(1000);
    assert.deepEqual(p.affinityEntries().map((e) => e.clientIP), ['new']);
  });
});
