/** @module loadBalancerPoolFor: the default cluster keeps 127.0.100.0/24; others get their own /24. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBalancerPoolFor, parsePool } from './pool.js';

test('the default cluster uses 127.0.100.0/24, other names a stable /24 of 127.0.101-255', () => {
  assert.equal(loadBalancerPoolFor('kubito'), '127.0.100.0/24');
  assert.equal(loadBalancerPoolFor('dev'), loadBalancerPoolFor('dev'));
  const pools = new Set<string>();
  for (const name of ['dev', 'ci', 'e2e1-1', 'e2e1-2', 'chapter', 'bench-api', 'a', 'b']) {
    const pool = loadBalancerPoolFor(name);
    const third = Number(pool.split('.')[2]);
    assert.ok(third >= 101 && third <= 255, pool);
    assert.equal(parsePool(pool).cidr, pool);
    pools.add(pool);
  }
  assert.ok(pools.size >= 7, 'names spread over the pools');
});
