/** @module Wire-format reader and writer. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../errors.js';
import { Reader, WIRE, Writer } from './wire.js';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe('Writer and Reader', () => {
  it('write varints as protobuf does', () => {
    assert.equal(hex(new Writer().uvarint(0).finish()), '00');
    assert.equal(hex(new Writer().uvarint(127).finish()), '7f');
    assert.equal(hex(new Writer().uvarint(128).finish()), '8001');
    assert.equal(hex(new Writer().uvarint(300).finish()), 'ac02');
    assert.equal(hex(new Writer().int(-1).finish()), 'ffffffffffffffffff01');
    assert.equal(hex(new Writer().tag(17, WIRE.bytes).finish()), '8a01');
  });

  it('round-trips int32 and int64 values, negatives included', () => {
    const values = [0, 1, 127, 128, 2 ** 31 - 1, -1, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53) + 1, 68_000_000_000];
    const w = new Writer();
    for (const v of values) w.int(v);
    const r = new Reader(w.finish());
    for (const v of values) {
      if (Math.abs(v) < 2 ** 31 || v === -(2 ** 31)) assert.equal(new Reader(new Writer().int(v).finish()).int32(), v);
      assert.equal(r.int64(), v);
    }
    assert.ok(r.done);
  });

  it('reads bools, strings and bytes', () => {
    const w = new Writer().bool(true).bool(false).string('héllo ✓').bytes(Uint8Array.of(1, 2, 3));
    const r = new Reader(w.finish());
    assert.equal(r.bool(), true);
    assert.equal(r.bool(), false);
    assert.equal(r.string(), 'héllo ✓');
    assert.deepEqual([...r.bytes()], [1, 2, 3]);
    assert.ok(r.done);
  });

  it('grows its buffer past the initial size', () => {
    const big = new Uint8Array(10_000).fill(7);
    const r = new Reader(new Writer().bytes(big).bytes(big).finish());
    assert.equal(r.bytes().length, 10_000);
    assert.equal(r.bytes()[9_999], 7);
  });

  it('skips each wire type', () => {
    const w = new Writer()
      .tag(1, WIRE.varint)
      .int(-7)
      .tag(2, WIRE.fixed64)
      .raw(new Uint8Array(8))
      .tag(3, WIRE.bytes)
      .string('x')
      .tag(4, WIRE.fixed32)
      .raw(new Uint8Array(4))
      .tag(5, WIRE.startGroup)
      .tag(6, WIRE.varint)
      .int(1)
      .tag(5, WIRE.endGroup)
      .tag(9, WIRE.varint)
      .int(42);
    const r = new Reader(w.finish());
    for (let i = 0; i < 5; i++) r.skip(r.tag().wire);
    assert.deepEqual(r.tag(), { field: 9, wire: WIRE.varint });
    assert.equal(r.int32(), 42);
  });

  it('reports malformed input as BadRequest', () => {
    for (const [bytes, message] of [
      [[0x80], /unexpected EOF/],
      [[0x05, 0x01], /unexpected EOF/],
      [[0x00], /illegal tag 0/],
    ] as const) {
      const r = new Reader(Uint8Array.from(bytes));
      assert.throws(
        () => (bytes[0] === 0x05 ? r.bytes() : r.tag()),
        (err: unknown) => err instanceof StatusError && err.code === 400 && message.test(err.message),
      );
    }
    assert.throws(() => new Reader(Uint8Array.of(1, 2, 3)).skip(WIRE.fixed32), /unexpected EOF/);
    assert.throws(() => new Reader(Uint8Array.of(1)).skip(7), /illegal wireType 7/);
  });
});
