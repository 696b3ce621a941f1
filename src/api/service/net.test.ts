import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIP, isIPv6String, isStrictIP, isValidCIDRSloppy, mappedIPv4, parseIP, specialIPKind } from './net.js';

// Golden cases in Go's terms: what k8s.io/utils/net ParseIPSloppy (Go 1.16's parser) returns,
// the family IPFamilyOf / IsIPv6String give it (To4() != nil is IPv4), and net.IP.String().
// `undefined` is ParseIPSloppy's nil.
const CASES: Array<[text: string, family: 'IPv4' | 'IPv6' | undefined, goString?: string]> = [
  ['10.0.0.1', 'IPv4', '10.0.0.1'],
  ['010.000.000.001', 'IPv4', '10.0.0.1'],
  ['10.0.0.256', undefined],
  ['10.0.0', undefined],
  ['10.0.0.1:80', undefined],
  // IPv4-mapped IPv6, however written, is IPv4.
  ['::ffff:10.0.0.1', 'IPv4', '10.0.0.1'],
  ['::FFFF:10.0.0.1', 'IPv4', '10.0.0.1'],
  ['::ffff:a00:1', 'IPv4', '10.0.0.1'],
  ['::ffff:0a00:0001', 'IPv4', '10.0.0.1'],
  ['0:0:0:0:0:ffff:10.0.0.1', 'IPv4', '10.0.0.1'],
  ['0000:0000:0000:0000:0000:ffff:0a00:0001', 'IPv4', '10.0.0.1'],
  ['0::ffff:a00:1', 'IPv4', '10.0.0.1'],
  ['::ffff:010.000.000.001', 'IPv4', '10.0.0.1'],
  ['::ffff:0:0', 'IPv4', '0.0.0.0'],
  // Not mapped: IPv4-compatible, SIIT, the other prefix bytes.
  ['::10.0.0.1', 'IPv6', '::a00:1'],
  ['::ffff:0:10.0.0.1', 'IPv6', '::ffff:0:a00:1'],
  ['1::ffff:10.0.0.1', 'IPv6', '1::ffff:a00:1'],
  ['::fffe:10.0.0.1', 'IPv6', '::fffe:a00:1'],
  // Plain IPv6, Go 1.16's leniencies included.
  ['::', 'IPv6', '::'],
  ['::1', 'IPv6', '::1'],
  ['2001:DB8:0:0:1:0:0:1', 'IPv6', '2001:db8::1:0:0:1'],
  ['1:2:3:4:5:6:7::', 'IPv6', '1:2:3:4:5:6:7:0'],
  ['::000000001:2', 'IPv6', '::1:2'],
  ['1:2:3:4:5:6:1.2.3.4', 'IPv6', '1:2:3:4:5:6:102:304'],
  ['::10000', undefined],
  ['1:2:3:4:5:6:7:1.2.3.4', undefined],
  ['::1:2:3:4:5:6:7:8', undefined],
  ['1:2:3:4:5:6:7:8:9', undefined],
  ['1::2::3', undefined],
  [':::', undefined],
  ['1:', undefined],
  ['fe80::1%eth0', undefined],
  ['::ffff:10.0.0', undefined],
  ['', undefined],
];

test('parseIP reads as ParseIPSloppy and gives the family Go gives (mapped IPv6 is IPv4)', () => {
  for (const [text, family, goString] of CASES) {
    const ip = parseIP(text);
    assert.equal(ip?.family, family, text);
    assert.equal(isIPv6String(text), family === 'IPv6', text);
    assert.equal(formatIP(text), goString, text);
  }
});

test('mappedIPv4 finds the IPv4 address of a mapped literal only', () => {
  assert.equal(mappedIPv4('0:0:0:0:0:ffff:10.0.0.1'), 0x0a000001);
  assert.equal(mappedIPv4('::ffff:0a00:0001'), 0x0a000001);
  assert.equal(mappedIPv4('10.0.0.1'), undefined);
  assert.equal(mappedIPv4('::10.0.0.1'), undefined);
  assert.equal(mappedIPv4('::ffff:10.0.0.1%eth0'), undefined);
});

test('specialIPKind follows net.IP: a mapped address is judged as the IPv4 address it carries', () => {
  assert.equal(specialIPKind('::ffff:7f00:1'), 'loopback');
  assert.equal(specialIPKind('0:0:0:0:0:ffff:169.254.0.1'), 'link-local');
  assert.equal(specialIPKind('::ffff:224.0.0.1'), 'link-local-multicast');
  assert.equal(specialIPKind('::ffff:0.0.0.0'), 'unspecified');
  assert.equal(specialIPKind('::ffff:10.0.0.1'), undefined);
  assert.equal(specialIPKind('::7f00:1'), undefined);
  assert.equal(specialIPKind('0::1'), 'loopback');
  assert.equal(specialIPKind('FE80::1'), 'link-local');
  assert.equal(specialIPKind('ff02::2'), 'link-local-multicast');
});

test('isValidCIDRSloppy: the prefix length is checked against the literal (32 for IPv4, 128 for IPv6, mapped included)', () => {
  assert.equal(isValidCIDRSloppy('010.0.0.0/8'), true);
  assert.equal(isValidCIDRSloppy('10.0.0.0/33'), false);
  assert.equal(isValidCIDRSloppy('::ffff:10.0.0.0/104'), true);
  assert.equal(isValidCIDRSloppy('::ffff:a00:0/128'), true);
  assert.equal(isValidCIDRSloppy('::ffff:a00:0/129'), false);
  assert.equal(isValidCIDRSloppy('fe80::%eth0/64'), false);
  assert.equal(isValidCIDRSloppy('10.0.0.0'), false);
});

test('isStrictIP is what netip.ParseAddr also reads', () => {
  for (const text of ['10.0.0.1', '0.0.0.0', '::ffff:10.0.0.1', '::ffff:0a00:0001', '2001:db8::1', '::']) assert.equal(isStrictIP(text), true, text);
  for (const text of ['010.0.0.1', '::ffff:010.0.0.1', '::000000001:2', 'x']) assert.equal(isStrictIP(text), false, text);
});
