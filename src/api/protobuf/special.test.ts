/** @module metav1.Time/MicroTime, Quantity, IntOrString and FieldsV1: wire <-> JSON. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../errors.js';
import type { SpecialType } from './descriptor.js';
import { decodeSpecial, encodeSpecial } from './special.js';
import { WIRE, Writer } from './wire.js';

/** A field of the given special type, named `x` in error messages. */
function at(type: SpecialType): { type: SpecialType; path: string } {
  return { type, path: 'x' };
}

function timestamp(seconds: number, nanos?: number): Uint8Array {
  const w = new Writer().tag(1, WIRE.varint).int(seconds);
  if (nanos !== undefined) w.tag(2, WIRE.varint).int(nanos);
  return w.finish();
}

function badRequest(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof StatusError && err.code === 400 && message.test(err.message));
}

describe('Time and MicroTime', () => {
  it('print RFC 3339 in UTC; Time drops the nanoseconds, MicroTime keeps microseconds', () => {
    const t = timestamp(1704164645, 123_456_789);
    assert.equal(decodeSpecial(t, at('time')), '2024-01-02T03:04:05Z');
    assert.equal(decodeSpecial(t, at('microtime')), '2024-01-02T03:04:05.123456Z');
    assert.equal(decodeSpecial(timestamp(1704164645), at('microtime')), '2024-01-02T03:04:05.000000Z');
  });

  it('treat an empty message and Go zero time as null, but seconds=0 as 1970', () => {
    assert.equal(decodeSpecial(new Uint8Array(0), at('time')), null);
    assert.equal(decodeSpecial(timestamp(-62135596800, 0), at('time')), null);
    assert.equal(decodeSpecial(timestamp(0, 0), at('time')), '1970-01-01T00:00:00Z');
  });

  it('encode as Go does (seconds and nanos always written) and accept offsets', () => {
    assert.deepEqual(encodeSpecial('2024-01-02T03:04:05Z', at('time')), timestamp(1704164645, 0));
    assert.deepEqual(encodeSpecial('2024-01-02T05:04:05+02:00', at('time')), timestamp(1704164645, 0));
    assert.deepEqual(encodeSpecial('2024-01-02T03:04:05.5Z', at('microtime')), timestamp(1704164645, 500_000_000));
    assert.deepEqual(encodeSpecial(null, at('time')), new Uint8Array(0));
    assert.throws(() => encodeSpecial('yesterday', at('time')), /expected an RFC 3339 time/);
  });

  it('reject timestamps outside years 1..9999', () => {
    badRequest(() => decodeSpecial(timestamp(253402300800), { type: 'time', path: 'f' }), /f: timestamp 253402300800 is out of range/);
    badRequest(() => decodeSpecial(timestamp(-62135596801), { type: 'time', path: 'f' }), /out of range/);
  });
});

describe('Quantity', () => {
  it('passes valid quantities through and prints a zero one as "0"', () => {
    for (const q of ['0', '500m', '1.5', '256Mi', '1Gi', '1e3', '2E', '-1k', '+3', '.5']) {
      assert.equal(decodeSpecial(encodeSpecial(q, at('quantity')), at('quantity')), q);
    }
    assert.equal(decodeSpecial(new Uint8Array(0), at('quantity')), '0');
  });

  it('rejects what resource.ParseQuantity rejects', () => {
    for (const q of ['', 'lots', '1.2.3', '5 Mi', '1Qi', 'Mi']) {
      badRequest(() => decodeSpecial(new Writer().tag(1, WIRE.bytes).string(q).finish(), at('quantity')), /quantities must match/);
    }
  });
});

describe('IntOrString', () => {
  it('is a number for type 0 and a string for type 1', () => {
    assert.equal(decodeSpecial(encodeSpecial(8080, at('intstr')), at('intstr')), 8080);
    assert.equal(decodeSpecial(encodeSpecial('25%', at('intstr')), at('intstr')), '25%');
    assert.equal(decodeSpecial(new Uint8Array(0), at('intstr')), 0);
    assert.equal(Buffer.from(encodeSpecial(80, at('intstr'))).toString('hex'), '080010501a00');
  });

  it('rejects other types', () => {
    badRequest(() => decodeSpecial(new Writer().tag(1, WIRE.varint).int(2).finish(), { type: 'intstr', path: 'p' }), /p: impossible IntOrString.Type 2/);
    assert.throws(() => encodeSpecial(1.5, at('intstr')), /expected an int32 or a string/);
  });
});

describe('FieldsV1', () => {
  it('holds JSON', () => {
    const value = { 'f:metadata': { 'f:labels': { '.': {} } } };
    assert.deepEqual(decodeSpecial(encodeSpecial(value, at('fieldsv1')), at('fieldsv1')), value);
    assert.equal(decodeSpecial(new Uint8Array(0), at('fieldsv1')), null);
  });
});
