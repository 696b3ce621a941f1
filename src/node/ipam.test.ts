import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayOf, Ipam, parseCidr } from './ipam.js';
import { StartsInFlight } from './starts-in-flight.js';

test('lowest free address from .2, the same one for the same owner, freed on release', () => {
  const ipam = new Ipam(parseCidr('10.244.0.0/24'));
  assert.equal(gatewayOf(ipam.cidr), '10.244.0.1');
  assert.equal(ipam.allocate('a'), '10.244.0.2');
  assert.equal(ipam.allocate('b'), '10.244.0.3');
  assert.equal(ipam.allocate('a'), '10.244.0.2');
  ipam.release('a');
  assert.equal(ipam.allocate('c'), '10.244.0.2');
});

test('a full range throws; the table persists across instances and retain() drops the rest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-ipam-'));
  try {
    const file = join(dir, 'run', 'ipam.json');
    const small = new Ipam(parseCidr('10.244.1.0/30'), { file });
    assert.equal(small.allocate('x'), '10.244.1.2');
    assert.throws(() => small.allocate('y'), /no free address left in 10\.244\.1\.0\/30/);
    const again = new Ipam(parseCidr('10.244.1.0/30'), { file });
    assert.deepEqual(again.allocations(), { '10.244.1.2': 'x' });
    again.retain(new Set());
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('write-behind: a burst of changes reaches the file, the last state last', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-ipam-'));
  try {
    const file = join(dir, 'run', 'ipam.json');
    const ipam = new Ipam(parseCidr('10.244.0.0/24'), { file, writeBehind: true });
    for (const owner of ['a', 'b', 'c', 'd']) ipam.allocate(owner);
    await ipam.flushed();
    ipam.release('b');
    ipam.allocate('e');
    await ipam.flushed();
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { '10.244.0.2': 'a', '10.244.0.3': 'e', '10.244.0.4': 'c', '10.244.0.5': 'd' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('write-behind with `quiet`: nothing is written while pods are being started, all of it after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-ipam-'));
  try {
    const file = join(dir, 'run', 'ipam.json');
    const quiet = new StartsInFlight();
    const end = quiet.begin();
    const ipam = new Ipam(parseCidr('10.244.0.0/24'), { file, writeBehind: true, quiet });
    ipam.allocate('a');
    ipam.allocate('b');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(existsSync(file), false, 'held while a start is in flight');
    end();
    await ipam.flushed();
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { '10.244.0.2': 'a', '10.244.0.3': 'b' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CIDRs are checked', () => {
  assert.throws(() => parseCidr('10.244.0.0'), /invalid pod CIDR/);
  assert.throws(() => parseCidr('10.244.0.300/24'), /invalid IPv4/);
  assert.deepEqual(parseCidr('10.244.3.17/24'), { base: parseCidr('10.244.3.0/24').base, prefix: 24 });
});
