import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { constants, inflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';
import { decodeHeaderBlock, encodeHeaderBlock, encodeSpdyFrame, SpdyFrameDecoder, SpdyProtocolError, type SpdyFrame } from './spdy-frame.js';
import { HeaderCompressor, HeaderDecompressor } from './spdy-zlib.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('the dictionary is the 1423 bytes of moby/spdystream spdy/dictionary.go', () => {
  assert.equal(SPDY3_DICTIONARY.length, 1423);
  // sha256 and adler32 of the bytes in dictionary.go
  assert.equal(createHash('sha256').update(SPDY3_DICTIONARY).digest('hex'), '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
  assert.deepEqual(SPDY3_DICTIONARY.subarray(0, 15), Buffer.from('\0\0\0\x07options\0\0\0\x04', 'latin1'));
  assert.deepEqual(SPDY3_DICTIONARY.subarray(-7), Buffer.from(',enq=0.'));
});

test('control and data frames encode to the SPDY/3 layout', () => {
  assert.deepEqual(encodeSpdyFrame({ type: 'ping', id: 1 }), hex('8003 0006 00 000004 00000001'));
  assert.deepEqual(encodeSpdyFrame({ type: 'rstStream', streamId: 3, status: 5 }), hex('8003 0003 00 000008 00000003 00000005'));
  assert.deepEqual(encodeSpdyFrame({ type: 'goAway', lastGoodStreamId: 7, status: 0 }), hex('8003 0007 00 000008 00000007 00000000'));
  assert.deepEqual(encodeSpdyFrame({ type: 'windowUpdate', streamId: 1, delta: 65536 }), hex('8003 0009 00 000008 00000001 00010000'));
  assert.deepEqual(encodeSpdyFrame({ type: 'data', streamId: 1, flags: 1, data: Buffer.from('hi') }), hex('00000001 01 000002 6869'));
  assert.deepEqual(encodeSpdyFrame({ type: 'synReply', streamId: 1, flags: 0, headerBlock: hex('aabb') }), hex('8003 0002 00 000006 00000001 aabb'));
  assert.deepEqual(encodeSpdyFrame({ type: 'synStream', streamId: 5, associatedId: 0, priority: 7, flags: 1, headerBlock: hex('cc') }), hex('8003 0001 01 00000b 00000005 00000000 e0 00 cc'));
  assert.deepEqual(encodeSpdyFrame({ type: 'settings', flags: 0, entries: [{ flags: 1, id: 7, value: 65536 }] }), hex('8003 0004 00 00000c 00000001 01000007 00010000'));
});

test('the decoder splits frames fed byte by byte and reads every type back', () => {
  const frames: SpdyFrame[] = [
    { type: 'synStream', streamId: 1, associatedId: 0, priority: 0, flags: 0, headerBlock: hex('0102') },
    { type: 'data', streamId: 1, flags: 0, data: Buffer.from('stdin bytes') },
    { type: 'data', streamId: 1, flags: 1, data: Buffer.alloc(0) },
    { type: 'ping', id: 9 },
    { type: 'settings', flags: 0, entries: [{ flags: 0, id: 4, value: 100 }] },
    { type: 'headers', streamId: 1, flags: 1, headerBlock: hex('03') },
    { type: 'rstStream', streamId: 1, status: 5 },
    { type: 'goAway', lastGoodStreamId: 1, status: 0 },
    { type: 'windowUpdate', streamId: 0, delta: 1000 },
    { type: 'unknown', controlType: 0x42, flags: 0, payload: hex('ff') },
  ];
  const wire = Buffer.concat(frames.map(encodeSpdyFrame));
  const decoder = new SpdyFrameDecoder();
  const out: SpdyFrame[] = [];
  for (const byte of wire) out.push(...decoder.push(Buffer.from([byte])));
  assert.deepEqual(out, frames);
});

test('the decoder refuses other SPDY versions and data on stream 0', () => {
  assert.throws(() => new SpdyFrameDecoder().push(hex('8002 0006 00 000004 00000001')), SpdyProtocolError);
  assert.throws(() => new SpdyFrameDecoder().push(hex('00000000 00 000000')), /stream 0/);
});

test('header blocks: lower-case names, NUL-joined values, golden bytes', () => {
  assert.deepEqual(encodeHeaderBlock({ streamtype: 'error' }), Buffer.concat([hex('00000001 0000000a'), Buffer.from('streamtype'), hex('00000005'), Buffer.from('error')]));
  const block = encodeHeaderBlock({ StreamType: 'data', port: '80', requestid: '0', multi: ['a', 'b'] });
  assert.deepEqual(decodeHeaderBlock(block), { streamtype: ['data'], port: ['80'], requestid: ['0'], multi: ['a', 'b'] });
  assert.throws(() => decodeHeaderBlock(hex('00000001 000000ff 61')), SpdyProtocolError);
});

test('header compression is one zlib stream per direction, seeded with the dictionary, sync-flushed', async () => {
  const compressor = new HeaderCompressor();
  const blocks = [{ streamtype: 'error', port: '80', requestid: '0' }, { streamtype: 'data', port: '80', requestid: '0' }, { streamtype: 'error', port: '80', requestid: '1' }].map(encodeHeaderBlock);
  const compressed = [];
  for (const b of blocks) compressed.push(await compressor.compress(b));
  // zlib header with FDICT and the dictionary's adler32 (e3c6a7c2), only on the first block.
  assert.equal(compressed[0][0], 0x78);
  assert.equal(compressed[0][1] & 0x20, 0x20);
  assert.deepEqual(compressed[0].subarray(2, 6), hex('e3c6a7c2'));
  for (const c of compressed) assert.deepEqual(c.subarray(-4), hex('0000ffff'));
  // Later blocks refer back to earlier ones, so they are shorter.
  assert.ok(compressed[2].length < compressed[0].length);
  // An independent inflater reading the whole stream gets the blocks back in order.
  const all = inflateSync(Buffer.concat(compressed), { dictionary: SPDY3_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
  assert.deepEqual(all, Buffer.concat(blocks));
  // ... and so does our decompressor, block by block.
  const decompressor = new HeaderDecompressor();
  for (let i = 0; i < blocks.length; i++) assert.deepEqual(await decompressor.decompress(compressed[i]), blocks[i]);
  compressor.close();
  decompressor.close();
});

test('decompresses a header block compressed by another zlib (Python zlib, same dictionary)', async () => {
  const decompressor = new HeaderDecompressor();
  const block = await decompressor.decompress(hex('78bbe3c6a7c202a62346703a2b294a4dcc851625aca9a08006000000ffff'));
  assert.deepEqual(decodeHeaderBlock(block), { streamtype: ['error'] });
  await assert.rejects(decompressor.decompress(hex('ffffffffffff')));
  decompressor.close();
});
