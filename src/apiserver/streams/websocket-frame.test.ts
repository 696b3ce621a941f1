import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloseCode,
  decodeClosePayload,
  encodeClosePayload,
  encodeFrame,
  FrameDecoder,
  MessageAssembler,
  Opcode,
  WebSocketProtocolError,
  type Frame,
} from './websocket-frame.js';
import { websocketAccept } from './websocket.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const server = (): FrameDecoder => new FrameDecoder({ expectMasked: true, maxPayload: 1 << 20 });
const client = (): FrameDecoder => new FrameDecoder({ expectMasked: false, maxPayload: 1 << 20 });

// RFC 6455 §5.7 examples.
test('encodes the RFC 6455 §5.7 frames byte for byte', () => {
  const hello = Buffer.from('Hello');
  assert.deepEqual(encodeFrame({ fin: true, opcode: Opcode.text, payload: hello }), hex('81 05 48656c6c6f'));
  assert.deepEqual(encodeFrame({ fin: true, opcode: Opcode.text, payload: hello }, { mask: hex('37fa213d') }), hex('81 85 37fa213d 7f9f4d5158'));
  assert.deepEqual(encodeFrame({ fin: false, opcode: Opcode.text, payload: Buffer.from('Hel') }), hex('01 03 48656c'));
  assert.deepEqual(encodeFrame({ fin: true, opcode: Opcode.continuation, payload: Buffer.from('lo') }), hex('80 02 6c6f'));
  assert.deepEqual(encodeFrame({ fin: true, opcode: Opcode.ping, payload: hello }), hex('89 05 48656c6c6f'));
  assert.deepEqual(encodeFrame({ fin: true, opcode: Opcode.pong, payload: hello }, { mask: hex('37fa213d') }), hex('8a 85 37fa213d 7f9f4d5158'));
  const b256 = encodeFrame({ fin: true, opcode: Opcode.binary, payload: Buffer.alloc(256, 7) });
  assert.deepEqual(b256.subarray(0, 4), hex('82 7e 0100'));
  assert.equal(b256.length, 260);
  const b64k = encodeFrame({ fin: true, opcode: Opcode.binary, payload: Buffer.alloc(65536, 7) });
  assert.deepEqual(b64k.subarray(0, 10), hex('82 7f 0000000000010000'));
  assert.equal(b64k.length, 65546);
});

test('computes Sec-WebSocket-Accept as RFC 6455 §1.3 shows', () => {
  assert.equal(websocketAccept('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('decodes a masked frame fed one byte at a time', () => {
  const decoder = server();
  const bytes = hex('81 85 37fa213d 7f9f4d5158');
  const frames: Frame[] = [];
  for (const byte of bytes) frames.push(...decoder.push(Buffer.from([byte])));
  assert.deepEqual(frames, [{ fin: true, opcode: Opcode.text, payload: Buffer.from('Hello') }]);
});

test('round-trips every length form with random masks, several frames per chunk', () => {
  const payloads = [0, 1, 125, 126, 65535, 65536, 70000].map((n) => Buffer.alloc(n, n % 251));
  const wire = Buffer.concat(payloads.map((p) => encodeFrame({ fin: true, opcode: Opcode.binary, payload: p }, { mask: 'random' })));
  const decoder = server();
  const frames = [...decoder.push(wire.subarray(0, 100_000)), ...decoder.push(wire.subarray(100_000))];
  assert.deepEqual(frames.map((f) => f.payload), payloads);
});

test('enforces masking by role', () => {
  assert.throws(() => server().push(hex('81 05 48656c6c6f')), (e: unknown) => e instanceof WebSocketProtocolError && e.code === CloseCode.protocolError);
  assert.throws(() => client().push(hex('81 85 37fa213d 7f9f4d5158')), WebSocketProtocolError);
});

test('rejects reserved bits, unknown opcodes, long or fragmented control frames, huge lengths', () => {
  assert.throws(() => client().push(hex('c1 00')), /reserved bits/);
  assert.throws(() => client().push(hex('83 00')), /unknown opcode 3/);
  assert.throws(() => client().push(hex('89 7e 007e')), /control frames/);
  assert.throws(() => client().push(hex('09 00')), /control frames/);
  assert.throws(() => client().push(hex('82 7f 8000000000000000')), /most significant bit/);
  assert.throws(() => new FrameDecoder({ expectMasked: false, maxPayload: 10 }).push(hex('82 0b')), (e: unknown) => e instanceof WebSocketProtocolError && e.code === CloseCode.tooBig);
});

test('reassembles a fragmented message with a ping in the middle', () => {
  const assembler = new MessageAssembler(1 << 20);
  const frames = client().push(Buffer.concat([hex('02 03 010203'), hex('89 02 6869'), hex('00 01 04'), hex('80 02 0506')]));
  const out = frames.map((f) => assembler.push(f));
  assert.deepEqual(out, [
    undefined,
    { kind: 'control', opcode: Opcode.ping, payload: Buffer.from('hi') },
    undefined,
    { kind: 'message', binary: true, data: hex('010203040506') },
  ]);
});

test('rejects broken fragmentation, invalid UTF-8 text and oversized messages', () => {
  assert.throws(() => new MessageAssembler(100).push({ fin: true, opcode: Opcode.continuation, payload: Buffer.alloc(1) }), /continuation/);
  const a = new MessageAssembler(100);
  a.push({ fin: false, opcode: Opcode.binary, payload: Buffer.alloc(1) });
  assert.throws(() => a.push({ fin: true, opcode: Opcode.text, payload: Buffer.alloc(1) }), /inside a fragmented message/);
  assert.throws(() => new MessageAssembler(100).push({ fin: true, opcode: Opcode.text, payload: hex('c328') }), (e: unknown) => e instanceof WebSocketProtocolError && e.code === CloseCode.invalidPayload);
  const b = new MessageAssembler(4);
  b.push({ fin: false, opcode: Opcode.binary, payload: Buffer.alloc(3) });
  assert.throws(() => b.push({ fin: true, opcode: Opcode.continuation, payload: Buffer.alloc(3) }), (e: unknown) => e instanceof WebSocketProtocolError && e.code === CloseCode.tooBig);
});

test('close payloads: code and reason, empty, invalid codes, reasons cut on a character boundary', () => {
  assert.deepEqual(encodeClosePayload(1000, 'bye'), hex('03e8 627965'));
  assert.deepEqual(decodeClosePayload(hex('03f3 6f6f7073')), { code: 1011, reason: 'oops' });
  assert.deepEqual(decodeClosePayload(Buffer.alloc(0)), { code: CloseCode.noStatus, reason: '' });
  assert.throws(() => decodeClosePayload(hex('03')), /1 byte/);
  assert.throws(() => decodeClosePayload(hex('03ed')), /invalid close code 1005/);
  assert.throws(() => decodeClosePayload(hex('0bb7')), /invalid close code 2999/);
  const long = encodeClosePayload(1011, 'é'.repeat(100));
  assert.ok(long.length <= 125);
  assert.equal(decodeClosePayload(long).reason, 'é'.repeat(61));
});
