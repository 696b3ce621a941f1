import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJSON, computeHash, fnv32a, safeEncodeString } from './hash.js';

describe('pod-template-hash', () => {
  it('FNV-32a matches the reference vectors', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    assert.equal(fnv32a(enc('')), 0x811c9dc5);
    assert.equal(fnv32a(enc('a')), 0xe40c292c);
    assert.equal(fnv32a(enc('foobar')), 0xbf9cf968);
  });

  it('SafeEncodeString maps digits as rand.SafeEncodeString does', () => {
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  });

  it('is stable under key order, changes with the template and the collision count', () => {
    const a = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } };
    const b = { spec: { containers: [{ image: 'nginx:1.25', name: 'web' }] }, metadata: { labels: { app: 'web' } } };
    assert.equal(canonicalJSON(a), canonicalJSON(b));
    const h = computeHash(a);
    assert.equal(computeHash(b), h);
    assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.notEqual(computeHash({ ...a, spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] } }), h);
    assert.notEqual(computeHash(a, 1), h);
    assert.notEqual(computeHash(a, 1), computeHash(a, 2));
    // A collision count of 0 still feeds eight bytes: not the same as none.
    assert.notEqual(computeHash(a, 0), h);
  });
});
