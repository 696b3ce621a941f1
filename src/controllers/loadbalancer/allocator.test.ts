/** @module Tests of the pool and the address allocation: ranges, requests, exhaustion, release, rebuild. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadBalancerIPAllocator, rebuildAllocations, type Allocation } from './allocator.js';
import { parsePool, PoolConfigError, poolRange, poolSize } from './pool.js';

function show(a: Allocation): string {
  return a.ok ? `${a.ip}${a.changed ? ' (new)' : ''}` : `${a.reason}${a.retryable ? ' (retryable)' : ''}: ${a.message}`;
}

test('pools: network and broadcast left out, normalised, loopback only', () => {
  const pool = parsePool('127.0.100.0/24');
  assert.deepEqual([pool.cidr, poolRange(pool), poolSize(pool)], ['127.0.100.0/24', '127.0.100.1-127.0.100.254', 254]);
  assert.equal(parsePool('127.0.100.77/24').cidr, '127.0.100.0/24');
  assert.equal(poolRange(parsePool('127.1.2.3/32')), '127.1.2.3-127.1.2.3');
  assert.equal(poolRange(parsePool('127.1.2.2/31')), '127.1.2.2-127.1.2.3');
  assert.equal(poolRange(parsePool('127.0.100.0/30')), '127.0.100.1-127.0.100.2');
  for (const bad of ['10.0.0.0/24', '0.0.0.0/0', '127.0.0.0/7', 'localhost/24', '127.0.100.0', '127.0.100.0/33', '::1/128']) {
    assert.throws(() => parsePool(bad), PoolConfigError, bad);
  }
});

test('the lowest free address; one per owner; released addresses are reused', () => {
  const a = new LoadBalancerIPAllocator(parsePool('127.0.100.0/24'));
  assert.equal(show(a.ensure('ns/a')), '127.0.100.1 (new)');
  assert.equal(show(a.ensure('ns/b')), '127.0.100.2 (new)');
  assert.equal(show(a.ensure('ns/a')), '127.0.100.1', 'idempotent');
  assert.equal(a.release('ns/a'), '127.0.100.1');
  assert.equal(a.release('ns/a'), undefined);
  assert.equal(show(a.ensure('ns/c')), '127.0.100.1 (new)');
  assert.deepEqual([a.ownerOf('127.0.100.1'), a.ownerOf('127.0.100.2'), a.used], ['ns/c', 'ns/b', 2]);
});

test('an exhausted pool says so and recovers when an address is released', () => {
  const a = new LoadBalancerIPAllocator(parsePool('127.0.100.0/30'));
  a.ensure('ns/a');
  a.ensure('ns/b');
  assert.equal(show(a.ensure('ns/c')), 'exhausted (retryable): no free IP in the load balancer pool 127.0.100.0/30: all 2 addresses are in use');
  assert.equal(a.ipOf('ns/c'), undefined);
  a.release('ns/a');
  assert.equal(show(a.ensure('ns/c')), '127.0.100.1 (new)');
});

test('spec.loadBalancerIP: honoured in the pool and free, refused otherwise; a refused request drops the old address', () => {
  const a = new LoadBalancerIPAllocator(parsePool('127.0.100.0/24'));
  assert.equal(show(a.ensure('ns/a', '127.0.100.50')), '127.0.100.50 (new)');
  assert.equal(show(a.ensure('ns/a', '127.0.100.50')), '127.0.100.50');
  assert.equal(show(a.ensure('ns/b')), '127.0.100.1 (new)', 'requests do not disturb the lowest-free order');
  assert.equal(show(a.ensure('ns/c', '127.0.100.50')), 'taken (retryable): spec.loadBalancerIP 127.0.100.50 is already used by Service ns/a');
  assert.equal(show(a.ensure('ns/c', '10.0.0.5')), 'out-of-pool: spec.loadBalancerIP 10.0.0.5 is not in the load balancer pool 127.0.100.0/24 (usable: 127.0.100.1-127.0.100.254)');
  assert.equal(a.ensure('ns/c', '127.0.100.255').ok, false, 'broadcast');
  assert.equal(a.ensure('ns/c', '127.0.100.0').ok, false, 'network');
  assert.equal(show(a.ensure('ns/c', 'a.b.c.d')), 'invalid: spec.loadBalancerIP "a.b.c.d" is not a valid IPv4 address');
  assert.equal(show(a.ensure('ns/a', '127.0.100.60')), '127.0.100.60 (new)', 'a changed request moves the owner');
  assert.equal(a.ownerOf('127.0.100.50'), undefined);
  assert.equal(a.ensure('ns/a', '10.1.1.1').ok, false);
  assert.equal(a.ipOf('ns/a'), undefined, 'an impossible request releases the old address');
});

test('rebuild: each Service keeps its stored address; on a clash the older one wins', () => {
  const a = new LoadBalancerIPAllocator(parsePool('127.0.100.0/24'));
  rebuildAllocations(a, [
    { owner: 'ns/young', ips: ['127.0.100.5'], createdAt: '2025-01-02T00:00:00Z' },
    { owner: 'ns/old', ips: ['127.0.100.5'], createdAt: '2025-01-01T00:00:00Z' },
    { owner: 'ns/other', ips: ['10.0.0.1', '127.0.100.7'], createdAt: '2025-01-01T00:00:00Z' },
    { owner: 'ns/none', ips: [], createdAt: '2025-01-01T00:00:00Z' },
  ]);
  assert.deepEqual([a.ipOf('ns/old'), a.ipOf('ns/young'), a.ipOf('ns/other'), a.ipOf('ns/none')], ['127.0.100.5', undefined, '127.0.100.7', undefined]);
  assert.equal(show(a.ensure('ns/young')), '127.0.100.1 (new)');
  assert.equal(a.claim('ns/old', '127.0.100.9'), false, 'one address per owner');
});
