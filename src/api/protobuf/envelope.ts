/**
 * @module The Kubernetes protobuf envelope (`application/vnd.kubernetes.protobuf`): the
 * 4-byte magic `k8s\0`, then a runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw,
 * 3 contentEncoding, 4 contentType} whose `raw` holds the object's own message.
 * Decoding gives the JSON object kube-apiserver would print for the same Go object.
 */
import { StatusError, newBadRequest } from '../errors.js';
import type { KubeObject } from '../types.js';
import { decodeMessage } from './decode.js';
import { encodeMessage } from './encode.js';
import { messageForKind } from './kinds.js';
import { encodeError } from './special.js';
import { Reader, WIRE, Writer, protoError } from './wire.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** True for a Content-Type (or one Accept entry) naming the protobuf media type, parameters aside. */
export function isProtobufContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0].trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;
}

export interface DecodeOptions {
  /** Filled in where the envelope leaves apiVersion or kind empty (the request path's, as upstream does). */
  defaults?: { apiVersion?: string; kind?: string };
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

/**
 * Decodes a protobuf request body into a KubeObject (`kind` and `apiVersion` first).
 * Throws only StatusError: BadRequest for malformed bytes, a missing or unknown kind.
 */
export function decodeProtobufObject(bytes: Uint8Array, options: DecodeOptions = {}): KubeObject {
  try {
    const env = readEnvelope(bytes);
    const apiVersion = env.apiVersion || options.defaults?.apiVersion || '';
    const kind = env.kind || options.defaults?.kind || '';
    const typeMeta = `runtime.TypeMeta{APIVersion:${JSON.stringify(env.apiVersion)}, Kind:${JSON.stringify(env.kind)}}`;
    if (!kind) throw newBadRequest(`Object 'Kind' is missing in '${typeMeta}'`);
    if (!apiVersion) throw newBadRequest(`Object 'apiVersion' is missing in '${typeMeta}'`);
    const desc = messageForKind(apiVersion, kind);
    if (!desc) throw newBadRequest(`no kind "${kind}" is registered for version "${apiVersion}"`);
    const body = decodeMessage(desc, env.raw, { path: kind, depth: 0 });
    return { kind, apiVersion, ...body } as KubeObject;
  } catch (err) {
    if (err instanceof StatusError) throw err;
    // Nothing else is expected; a RangeError from some pathological input still must not escape as a 500.
    throw newBadRequest(`malformed protobuf body: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function readEnvelope(bytes: Uint8Array): Envelope {
  if (bytes.length === 0) throw protoError('empty data');
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw protoError(`provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(' ')}]`);
  }
  if (bytes.length === MAGIC.length) throw protoError('empty body');
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(0) };
  const r = new Reader(bytes.subarray(MAGIC.length));
  // contentEncoding (3) and contentType (4) are skipped: upstream ignores them when decoding.
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 || field === 2) {
      if (wire !== WIRE.bytes) throw protoError(`proto: wrong wireType = ${wire} for field Unknown.${field === 1 ? 'typeMeta' : 'raw'}`);
      if (field === 1) readTypeMeta(r.bytes(), env);
      else env.raw = r.bytes();
    } else r.skip(wire);
  }
  return env;
}

function readTypeMeta(bytes: Uint8Array, env: Envelope): void {
  const r = new Reader(bytes);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 || field === 2) {
      if (wire !== WIRE.bytes) throw protoError(`proto: wrong wireType = ${wire} for field TypeMeta.${field === 1 ? 'apiVersion' : 'kind'}`);
      if (field === 1) env.apiVersion = r.string();
      else env.kind = r.string();
    } else r.skip(wire);
  }
}

/**
 * Encodes an object (which must carry apiVersion and kind of a kind with a table) as a
 * protobuf body, byte for byte as client-go would. Throws StatusError InternalError otherwise.
 */
export function encodeProtobufObject(obj: KubeObject): Uint8Array {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) {
    throw encodeError('object', { expected: 'apiVersion and kind', got: { apiVersion, kind } });
  }
  const desc = messageForKind(apiVersion, kind);
  if (!desc) throw encodeError(`${apiVersion} ${kind}`, { expected: 'a kind with a protobuf table', got: kind });
  const raw = encodeMessage(desc, obj as Record<string, unknown>, { path: kind });
  const typeMeta = new Writer().tag(1, WIRE.bytes).string(apiVersion).tag(2, WIRE.bytes).string(kind).finish();
  return new Writer()
    .raw(MAGIC)
    .tag(1, WIRE.bytes)
    .bytes(typeMeta)
    .tag(2, WIRE.bytes)
    .bytes(raw)
    .tag(3, WIRE.bytes)
    .string('')
    .tag(4, WIRE.bytes)
    .string('')
    .finish();
}
