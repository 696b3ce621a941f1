import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childrenOf, contextTag, DerError, integer, namedBits, oid, readElement, sequence, time, tlv, utf8String } from './der.js';

test('lengths: short form below 128, long form from 128 on', () => {
  assert.deepEqual([...tlv(0x04, Buffer.alloc(127)).subarray(0, 2)], [0x04, 127]);
  assert.deepEqual([...tlv(0x04, Buffer.alloc(128)).subarray(0, 3)], [0x04, 0x81, 128]);
  assert.deepEqual([...tlv(0x04, Buffer.alloc(300)).subarray(0, 4)], [0x04, 0x82, 0x01, 0x2c]);
});

test('integers are minimal and positive', () => {
  assert.equal(integer(Buffer.from([0, 0, 5])).toString('hex'), '020105');
  assert.equal(integer(Buffer.from([0x80])).toString('hex'), '02020080');
  assert.equal(integer(Buffer.from([0, 0x80])).toString('hex'), '02020080');
  assert.equal(integer(Buffer.from([0])).toString('hex'), '020100');
});

test('OIDs: first two arcs in one byte, base-128 arcs after', () => {
  assert.equal(oid('2.5.4.3').toString('hex'), '0603550403');
  assert.equal(oid('1.2.840.10045.4.3.2').toString('hex'), '06082a8648ce3d040302');
  assert.throws(() => oid('1'), TypeError);
});

test('named bits drop trailing zero bits', () => {
  assert.equal(namedBits([0]).toString('hex'), '03020780');
  assert.equal(namedBits([0, 5]).toString('hex'), '03020284');
  assert.equal(namedBits([0, 2]).toString('hex'), '030205a0');
  assert.equal(namedBits([8]).toString('hex'), '0303070080');
});

test('times: UTCTime through 2049, GeneralizedTime from 2050', () => {
  assert.equal(time(new Date('2049-12-31T23:59:58Z')).toString('latin1').slice(2), '491231235958Z');
  assert.equal(time(new Date('2049-12-31T23:59:58Z'))[0], 0x17);
  assert.equal(time(new Date('2050-01-02T03:04:05Z')).toString('latin1').slice(2), '20500102030405Z');
  assert.equal(time(new Date('2050-01-02T03:04:05Z'))[0], 0x18);
});

test('what is written reads back, children in order', () => {
  const bytes = sequence(utf8String('a'), tlv(contextTag(3, true), sequence(utf8String('b'.repeat(200)))));
  const top = readElement(bytes);
  assert.equal(top.tag, 0x30);
  assert.equal(top.raw.length, bytes.length);
  const [first, wrapped] = childrenOf(top);
  assert.equal(first!.content.toString(), 'a');
  assert.equal(wrapped!.tag, 0xa3);
  assert.equal(childrenOf(childrenOf(wrapped!)[0]!)[0]!.content.toString(), 'b'.repeat(200));
});

test('truncated input is a DerError', () => {
  const bytes = sequence(utf8String('abc'));
  assert.throws(() => readElement(bytes.subarray(0, 3)), DerError);
  assert.throws(() => readElement(Buffer.from([0x30])), DerError);
});
