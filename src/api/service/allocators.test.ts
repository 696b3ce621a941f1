import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceAllocators } from './allocators.js';
import { isValidCIDRSloppy, parseIP, parseIPv4, specialIPKind } from './net.js';

describe('ServiceAllocators', () => {
  const alloc = (): ServiceAllocators => new ServiceAllocators({ serviceCIDR: '10.96.0.0/12', nodePortRange: { first: 30000, last: 32767 }, random: () => 0 });

  test('the CIDR is canonical; the nth address; the range excludes network and broadcast', () => {
    const a = new ServiceAllocators({ serviceCIDR: '10.96.5.7/12', nodePortRange: { first: 30000, last: 32767 } });
    assert.equal(a.serviceCIDR, '10.96.0.0/12');
    assert.equal(a.nthIP(1), '10.96.0.1');
    assert.equal(a.nthIP(10), '10.96.0.10');
    assert.equal(a.inRange('10.96.0.0'), false);
    assert.equal(a.inRange('10.111.255.255'), false);
    assert.equal(a.inRange('10.111.255.254'), true);
  });

  test('dynamic addresses come from above the 256-address static band of a /12', () => {
    const a = alloc();
    const r = a.ips.allocateNext('o');
    assert.ok(r.ok);
    assert.equal(r.value, parseIPv4('10.96.1.1'));
  });

  test('dynamic node ports come from above the 86-port static band', () => {
    const r = alloc().ports.allocateNext('o');
    assert.deepEqual(r, { ok: true, value: 30086 });
  });

  test('address errors, as kube-apiserver 1.33 words them', () => {
    const a = alloc();
    a.ips.allocate(parseIPv4('10.96.0.5')!, 'x');
    const err = (ip: string): string => {
      const v = parseIPv4(ip)!;
      const r = a.ips.allocate(v, 'y');
      assert.equal(r.ok, false);
      return a.ipError(v, r as never);
    };
    assert.equal(err('10.96.0.5'), 'provided IP is already allocated');
    assert.equal(err('10.96.0.0'), 'the provided IP (10.96.0.0) is not in the valid range. The range of valid IPs is 10.96.0.0/12');
    assert.equal(err('10.111.255.255'), 'the provided IP (10.111.255.255) is not in the valid range. The range of valid IPs is 10.96.0.0/12');
    assert.equal(err('192.168.1.1'), 'the provided network does not match the current range');
  });

  test('port errors', () => {
    const a = alloc();
    a.ports.allocate(30001, 'x');
    assert.equal(a.portError({ ok: false, reason: 'taken' }), 'provided port is already allocated');
    assert.equal(a.portError({ ok: false, reason: 'out-of-range' }), 'provided port is not in the valid range. The range of valid ports is 30000-32767');
    assert.equal(a.portError({ ok: false, reason: 'full' }), 'range is full');
  });

  test('claim marks values and reports the ones another owner holds', () => {
    const a = alloc();
    assert.deepEqual(a.claim({ ips: [parseIPv4('10.96.0.1')!], ports: [30001] }, 'a'), { ips: [], ports: [] });
    assert.deepEqual(a.claim({ ips: [parseIPv4('10.96.0.1')!], ports: [30001, 30002] }, 'b'), { ips: [parseIPv4('10.96.0.1')], ports: [30001] });
    // Claiming again by the same owner is harmless; out-of-range stored values are ignored.
    assert.deepEqual(a.claim({ ips: [parseIPv4('10.96.0.1')!, parseIPv4('192.168.0.1')!], ports: [8080] }, 'a'), { ips: [], ports: [] });
    assert.deepEqual(a.ownedBy('b'), { ips: [], ports: [30002] });
  });
});

describe('IP parsing (ParseIPSloppy)', () => {
  test('IPv4 with leading zeros is accepted, as Go 1.16 did', () => {
    assert.equal(parseIPv4('010.096.000.001'), parseIPv4('10.96.0.1'));
    assert.equal(parseIPv4('10.96.0.256'), undefined);
    assert.equal(parseIPv4('10.96.0'), undefined);
  });
  test('IPv6, zones refused, IPv4-mapped counts as IPv4', () => {
    assert.deepEqual(parseIP('fd00::1'), { family: 'IPv6' });
    assert.equal(parseIP('fe80::1%eth0'), undefined);
    assert.deepEqual(parseIP('::ffff:10.0.0.1'), { family: 'IPv4', v4: parseIPv4('10.0.0.1') });
  });
  test('CIDRs', () => {
    assert.equal(isValidCIDRSloppy('10.0.0.0/8'), true);
    assert.equal(isValidCIDRSloppy('10.0.0.1/33'), false);
    assert.equal(isValidCIDRSloppy('2001:db8::/64'), true);
    assert.equal(isValidCIDRSloppy('10.0.0.0'), false);
  });
  test('special addresses', () => {
    assert.equal(specialIPKind('::'), 'unspecified');
    assert.equal(specialIPKind('fe80::5'), 'link-local');
    assert.equal(specialIPKind('ff02::1'), 'link-local-multicast');
    assert.equal(specialIPKind('::ffff:127.0.0.1'), 'loopback');
    assert.equal(specialIPKind('8.8.8.8'), undefined);
  });
});
