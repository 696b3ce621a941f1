/**
 * @module Codec tests: round trips, compression, truncation, and every kind of malformed
 * message the parser must refuse with WireFormatError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readName, WireFormatError } from './names.js';
import { CLASS_IN, parseMessage, RCODE, serializeMessage, ttlOffsets, TYPE, type Message } from './wire.js';

function msg(): Message {
  return {
    header: { id: 0x1234, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: RCODE.NOERROR },
    question: [{ name: 'Nginx.default.svc.cluster.local.', type: TYPE.SRV, class: CLASS_IN }],
    answer: [
      { name: 'Nginx.default.svc.cluster.local.', type: TYPE.SRV, class: CLASS_IN, ttl: 5, data: { priority: 0, weight: 100, port: 80, target: 'nginx.default.svc.cluster.local.' } },
      { name: 'a.example.', type: TYPE.AAAA, class: CLASS_IN, ttl: 5, data: { address: 'fd00::1' } },
      { name: 'a.example.', type: TYPE.TXT, class: CLASS_IN, ttl: 5, data: { texts: ['1.1.0', ''] } },
      { name: 'a.example.', type: 99, class: CLASS_IN, ttl: 5, data: { raw: Buffer.from([1, 2, 3]) } },
    ],
    authority: [{ name: 'cluster.local.', type: TYPE.SOA, class: CLASS_IN, ttl: 5, data: { mname: 'ns.dns.cluster.local.', rname: 'hostmaster.cluster.local.', serial: 7, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 } }],
    additional: [{ name: 'nginx.default.svc.cluster.local.', type: TYPE.A, class: CLASS_IN, ttl: 5, data: { address: '10.96.0.20' } }],
    edns: { udpSize: 1232, version: 0, dnssecOk: true, options: [{ code: 10, data: Buffer.from('abcdefgh') }] },
  };
}

test('round trip with compression and EDNS', () => {
  const m = msg();
  const wire = serializeMessage(m);
  assert.deepEqual(parseMessage(wire), m);
  // Compression: the SOA names point at the question's suffix.
  assert.ok(wire.length < 280, `${wire.length} octets`);
  assert.ok(wire.includes(Buffer.from([0xc0, 30])), 'SOA names point at cluster.local. in the question');
  const layout = ttlOffsets(wire);
  assert.equal(layout.offsets.length, 6);
  for (const off of layout.offsets) assert.equal(wire.readUInt32BE(off), 5);
});

test('truncation: additional first, then whole answers with TC', () => {
  const m = msg();
  m.edns = undefined;
  m.answer = Array.from({ length: 40 }, (_, i) => ({ name: 'x.cluster.local.', type: TYPE.A, class: CLASS_IN, ttl: 5, data: { address: `10.0.0.${i}` } }));
  const cut = parseMessage(serializeMessage(m, { maxSize: 512 }));
  assert.equal(cut.header.tc, true);
  assert.ok(cut.answer.length > 10 && cut.answer.length < 40);
  assert.equal(cut.additional.length, 0);
  m.answer = m.answer.slice(0, 5);
  const full = parseMessage(serializeMessage(m, { maxSize: 512 }));
  assert.equal(full.header.tc, false);
  assert.equal(full.answer.length, 5);
});

test('TC is set whenever a record is left out, glue included (miekg/dns Truncate, CoreDNS Scrub)', () => {
  const m = msg();
  m.edns = undefined;
  m.question[0] = { name: '_http._tcp.big.ns.svc.cluster.local.', type: TYPE.SRV, class: CLASS_IN };
  const target = (i: number): string => `10-244-1-${i}.big.ns.svc.cluster.local.`;
  m.answer = Array.from({ length: 8 }, (_, i) => ({ name: m.question[0].name, type: TYPE.SRV, class: CLASS_IN, ttl: 5, data: { priority: 0, weight: 12, port: 80, target: target(i) } }));
  m.additional = Array.from({ length: 8 }, (_, i) => ({ name: target(i), type: TYPE.A, class: CLASS_IN, ttl: 5, data: { address: `10.244.1.${i}` } }));
  m.authority = [];
  const cut = parseMessage(serializeMessage(m, { maxSize: 512 }));
  assert.equal(cut.answer.length, 8, 'every SRV fits');
  assert.ok(cut.additional.length < 8, `${cut.additional.length} glue records fit`);
  assert.equal(cut.header.tc, true, 'the client retries over TCP for the rest');
});

test('names: escapes survive a round trip', () => {
  const m = msg();
  m.question[0].name = 'a\\.b.c\\\\d.\\000x.';
  assert.equal(parseMessage(serializeMessage(m)).question[0].name, 'a\\.b.c\\\\d.\\000x.');
});

const header = (qd: number, an = 0, ns = 0, ar = 0): number[] => [0, 1, 0, 0, 0, qd, 0, an, 0, ns, 0, ar];

test('malformed messages are refused with WireFormatError', () => {
  const bad: Array<[string, number[]]> = [
    ['short header', [0, 1, 0]],
    ['question count larger than questions', header(2).concat([0, 0, 1, 0, 1])],
    ['name runs past the end', header(1).concat([5, 97, 98])],
    ['pointer to itself', header(1).concat([0xc0, 12, 0, 1, 0, 1])],
    ['pointer forwards', header(1).concat([0xc0, 20, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0])],
    ['label type 01', header(1).concat([0x41, 0, 0, 1, 0, 1])],
    ['name over 255 octets', header(1).concat([...Array.from({ length: 5 }, () => [63, ...new Array(63).fill(97)]).flat(), 0, 0, 1, 0, 1])],
    ['trailing bytes', header(1).concat([0, 0, 1, 0, 1, 9])],
    ['A rdata of 3 octets', header(0, 1).concat([0, 0, 1, 0, 1, 0, 0, 0, 5, 0, 3, 1, 2, 3])],
    ['rdata past the end', header(0, 1).concat([0, 0, 1, 0, 1, 0, 0, 0, 5, 0, 9, 1, 2, 3])],
    ['OPT in the answer section', header(0, 1).concat([0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0])],
    ['two OPT records', header(0, 0, 0, 2).concat([0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0])],
    ['EDNS option past the OPT', header(0, 0, 0, 1).concat([0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 4, 0, 10, 0, 9])],
    ['CNAME rdata longer than its name', header(0, 1).concat([0, 0, 5, 0, 1, 0, 0, 0, 5, 0, 3, 0, 0, 0])],
  ];
  for (const [what, bytes] of bad) assert.throws(() => parseMessage(Buffer.from(bytes)), WireFormatError, what);
});

test('a chain of backward pointers ends; loops cannot be built', () => {
  // name at 12: "a" + pointer to 12 would be a loop (points at itself's start): refused.
  const loop = Buffer.from([1, 97, 0xc0, 0]);
  assert.throws(() => readName(loop, 0), WireFormatError);
  const ok = Buffer.from([1, 97, 0, 1, 98, 0xc0, 0]);
  assert.equal(readName(ok, 3).name, 'b.a.');
});
