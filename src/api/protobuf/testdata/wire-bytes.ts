/** @module Hand-built protobuf bytes for the tests: messages field by field, and the `k8s\0` envelope. */
import { WIRE, Writer } from '../wire.js';

/** The magic prefix of every Kubernetes protobuf body. */
export const MAGIC = Buffer.from('k8s\0', 'latin1');

/** A message built field by field. */
export function msg(build: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  build(w);
  return w.finish();
}

/** A whole body: magic, then runtime.Unknown {typeMeta {apiVersion, kind}, raw}. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const typeMeta = msg((w) => w.tag(1, WIRE.bytes).string(apiVersion).tag(2, WIRE.bytes).string(kind));
  return Buffer.concat([MAGIC, msg((w) => w.tag(1, WIRE.bytes).bytes(typeMeta).tag(2, WIRE.bytes).bytes(raw))]);
}
