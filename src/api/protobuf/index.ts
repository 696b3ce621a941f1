/**
 * @module Kubernetes protobuf bodies (`application/vnd.kubernetes.protobuf`) to and from the
 * JSON objects the rest of kubito works with. See README.md.
 */
export {
  PROTOBUF_CONTENT_TYPE,
  type DecodeOptions,
  decodeProtobufObject,
  encodeProtobufObject,
  isProtobufContentType,
} from './envelope.js';
export { messageForKind, protobufKinds } from './kinds.js';
