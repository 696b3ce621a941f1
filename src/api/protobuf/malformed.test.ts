/**
 * @module Malformed bodies: every one must end in a StatusError BadRequest with a clear
 * message, quickly; nothing else may escape, and nothing may loop.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../errors.js';
import { decodeProtobufObject } from './envelope.js';
import { envelope, MAGIC, msg } from './testdata/wire-bytes.js';
import { WIRE } from './wire.js';

/** kubectl 1.33's body for `kubectl create service clusterip nginx-service --tcp=80:80`. */
const SERVICE = Buffer.from(
  'azhzAAoNCgJ2MRIHU2VydmljZRKEAQozCg1uZ2lueC1zZXJ2aWNlEgAaACIAKgAyADgAQgBaFAoDYXBwEg1uZ2lueC1zZXJ2aWNlEkkKGAoFOD' +
    'AtODASA1RDUBhQIgYIABBQGgAoABIUCgNhcHASDW5naW54LXNlcnZpY2UaACIJQ2x1c3RlcklQOgBCAFIAWgBgAGgAGgIKABoAIgA=',
  'base64',
);
/** Asserts a 400 BadRequest whose message matches. */
function rejects(bytes: Uint8Array, message: RegExp): void {
  assert.throws(
    () => decodeProtobufObject(bytes),
    (err: unknown) => {
      assert.ok(err instanceof StatusError, `not a StatusError: ${String(err)}`);
      assert.equal(err.code, 400);
      assert.equal(err.reason, 'BadRequest');
      assert.match(err.status.message ?? '', message);
      return true;
    },
  );
}

/** Decodes, accepting success or a BadRequest, failing on anything else. */
function decodesOrRejects(bytes: Uint8Array): void {
  try {
    decodeProtobufObject(bytes);
  } catch (err) {
    if (!(err instanceof StatusError) || err.code !== 400) throw err;
  }
}

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('malformed protobuf bodies', () => {
  it('rejects an empty body, a bad magic and a bare magic', () => {
    rejects(new Uint8Array(0), /^empty data$/);
    rejects(Buffer.from('{"kind":"Service"}'), /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/);
    rejects(Buffer.from('k8s'), /expected prefix/);
    rejects(MAGIC, /^empty body$/);
  });

  it('rejects a body truncated in the middle of a field', () => {
    rejects(SERVICE.subarray(0, SERVICE.length - 30), /unexpected EOF/);
    rejects(SERVICE.subarray(0, 8), /unexpected EOF/);
  });

  it('decodes or rejects every prefix and never throws anything else', () => {
    for (let n = 0; n <= SERVICE.length; n++) decodesOrRejects(SERVICE.subarray(0, n));
  });

  it('rejects a huge or negative length', () => {
    rejects(Buffer.concat([MAGIC, Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0x07])]), /unexpected EOF/);
    rejects(Buffer.concat([MAGIC, Buffer.from([0x12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])]), /negative length/);
    rejects(Buffer.concat([MAGIC, Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])]), /unexpected EOF/);
  });

  it('rejects a varint longer than ten bytes', () => {
    // An unknown field 9 of Unknown, as a varint.
    rejects(Buffer.concat([MAGIC, Buffer.from([0x48, ...new Array(10).fill(0xff), 0x01])]), /integer overflow/);
    rejects(Buffer.concat([MAGIC, Buffer.from([0x48, ...new Array(9).fill(0xff), 0x02])]), /integer overflow/);
  });

  it('rejects a known field with the wrong wire type, naming the field', () => {
    // Service.metadata (field 1) sent as a varint.
    rejects(envelope('v1', 'Service', Buffer.from([0x08, 0x01])), /wrong wireType = 0 for field Service\.metadata$/);
    // ServicePort.port (field 3) sent as bytes.
    const port = msg((w) => w.tag(3, WIRE.bytes).string('80'));
    const spec = msg((w) => w.tag(1, WIRE.bytes).bytes(port));
    rejects(envelope('v1', 'Service', msg((w) => w.tag(2, WIRE.bytes).bytes(spec))), /wrong wireType = 2 for field Service\.spec\.ports\[0\]\.port$/);
    rejects(Buffer.concat([MAGIC, Buffer.from([0x08, 0x01])]), /wrong wireType = 0 for field Unknown\.typeMeta/);
  });

  it('rejects illegal tags, wire types and group ends', () => {
    rejects(envelope('v1', 'Service', Buffer.from([0x00, 0x01])), /illegal tag 0/);
    rejects(envelope('v1', 'Service', Buffer.from([0xfe, 0x07, 0x00])), /illegal wireType 6/);
    rejects(envelope('v1', 'Service', Buffer.from([0xfc, 0x07])), /unexpected end of group/);
    rejects(envelope('v1', 'Service', Buffer.from([0xfb, 0x07])), /unexpected EOF/);
  });

  it('skips deeply nested unknown groups without recursion', () => {
    const deep = Buffer.alloc(200_000);
    for (let i = 0; i < deep.length; i += 2) deep.set([0xfb, 0x07], i);
    rejects(envelope('v1', 'Service', deep), /unexpected EOF/);
  });

  it('rejects a missing or unknown kind', () => {
    rejects(envelope('v1', '', new Uint8Array(0)), /Object 'Kind' is missing in 'runtime.TypeMeta\{APIVersion:"v1", Kind:""\}'/);
    rejects(envelope('', 'Service', new Uint8Array(0)), /Object 'apiVersion' is missing/);
    rejects(envelope('v1', 'Frobnicator', new Uint8Array(0)), /no kind "Frobnicator" is registered for version "v1"/);
    rejects(envelope('apps/v1', 'Service', new Uint8Array(0)), /no kind "Service" is registered for version "apps\/v1"/);
  });

  it('rejects values the special types cannot hold', () => {
    const badIntOrString = msg((w) => w.tag(1, WIRE.varint).int(7));
    const port = msg((w) => w.tag(4, WIRE.bytes).bytes(badIntOrString));
    const spec = msg((w) => w.tag(1, WIRE.bytes).bytes(port));
    rejects(envelope('v1', 'Service', msg((w) => w.tag(2, WIRE.bytes).bytes(spec))), /impossible IntOrString.Type 7/);

    const quantity = msg((w) => w.tag(1, WIRE.bytes).string('lots'));
    const limits = msg((w) => w.tag(1, WIRE.bytes).string('cpu').tag(2, WIRE.bytes).bytes(quantity));
    const status = msg((w) => w.tag(1, WIRE.bytes).bytes(limits));
    rejects(envelope('v1', 'Node', msg((w) => w.tag(3, WIRE.bytes).bytes(status))), /quantities must match the regular expression/);

    const fields = msg((w) => w.tag(1, WIRE.bytes).string('{not json'));
    const entry = msg((w) => w.tag(7, WIRE.bytes).bytes(fields));
    const meta = msg((w) => w.tag(17, WIRE.bytes).bytes(entry));
    rejects(envelope('v1', 'Node', msg((w) => w.tag(1, WIRE.bytes).bytes(meta))), /FieldsV1 does not hold JSON/);

    const time = msg((w) => w.tag(1, WIRE.varint).int(2 ** 50));
    rejects(envelope('v1', 'Node', msg((w) => w.tag(1, WIRE.bytes).bytes(msg((m) => m.tag(8, WIRE.bytes).bytes(time))))), /timestamp .* out of range/);
  });

  it('survives random bodies and random mutations of a real one', () => {
    const rand = prng(42);
    const byte = () => Math.floor(rand() * 256);
    for (let i = 0; i < 3000; i++) {
      const junk = Buffer.from(Array.from({ length: Math.floor(rand() * 64) }, byte));
      decodesOrRejects(Buffer.concat([MAGIC, junk]));
      decodesOrRejects(envelope('v1', 'Pod', junk));
      const mutated = Buffer.from(SERVICE);
      for (let k = 0; k < 3; k++) mutated[4 + Math.floor(rand() * (mutated.length - 4))] = byte();
      decodesOrRejects(mutated);
    }
  });
});
