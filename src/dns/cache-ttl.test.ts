/** @module The cache plugin's TTLs: one value per reply, the lowest clamped to [5, 30]. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheTtl, withCacheTtl } from './cache-ttl.js';
import { CLASS_IN, RCODE, TYPE, type Message, type RR } from './wire.js';

function reply(rcode: number, answer: RR[], authority: RR[] = [], additional: RR[] = []): Message {
  return { header: { id: 1, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: false, ad: false, cd: false, rcode }, question: [{ name: 'x.', type: TYPE.A, class: CLASS_IN }], answer, authority, additional };
}
const a = (ttl: number, address = '192.0.2.1'): RR => ({ name: 'x.', type: TYPE.A, class: CLASS_IN, ttl, data: { address } });
const soa = (ttl: number): RR => ({ name: 'cluster.local.', type: TYPE.SOA, class: CLASS_IN, ttl, data: { mname: 'ns.dns.cluster.local.', rname: 'hostmaster.cluster.local.', serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 30 } });

test('the lowest TTL, clamped to [5, 30], for answers, NODATA and NXDOMAIN', () => {
  assert.equal(cacheTtl(reply(RCODE.NOERROR, [{ name: 'dns-version.cluster.local.', type: TYPE.TXT, class: CLASS_IN, ttl: 28800, data: { texts: ['1.1.0'] } }])), 30);
  assert.equal(cacheTtl(reply(RCODE.NOERROR, [a(30), a(12, '192.0.2.2')])), 12);
  assert.equal(cacheTtl(reply(RCODE.NOERROR, [a(0)])), 5);
  assert.equal(cacheTtl(reply(RCODE.NXDOMAIN, [], [soa(900)])), 30);
  assert.equal(cacheTtl(reply(RCODE.NOERROR, [], [soa(3)])), 5);
  assert.equal(cacheTtl(reply(RCODE.SERVFAIL, [])), 5);
  assert.equal(cacheTtl(reply(RCODE.NOERROR, [a(100)]), 3600), 100, 'another cap');
});

test('every record leaves with that one TTL: an ExternalName\'s CNAME and the upstream\'s addresses alike', () => {
  const m = withCacheTtl(reply(RCODE.NOERROR, [{ name: 'ext.ns.svc.cluster.local.', type: TYPE.CNAME, class: CLASS_IN, ttl: 30, data: { target: 'example.com.' } }, { ...a(300), name: 'example.com.' }], [], [a(60)]));
  assert.deepEqual([...m.answer, ...m.additional].map((r) => r.ttl), [30, 30, 30]);
  const low = withCacheTtl(reply(RCODE.NOERROR, [a(30), a(7, '192.0.2.2')]));
  assert.deepEqual(low.answer.map((r) => r.ttl), [7, 7]);
});
