/**
 * @module SPDY/3.1 frames as bytes (the subset of draft-mbelshe-httpbis-spdy-00 that kubectl's
 * moby/spdystream speaks): control frames `0x80 0x03 type flags len24 payload`, data frames
 * `streamId flags len24 data`, and header blocks (`u32 count`, then `u32 len name u32 len value`
 * pairs; repeated values joined by NUL). Header blocks stay compressed here; spdy-zlib.ts
 * inflates and deflates them. Pure: no sockets.
 */

export const SPDY_VERSION = 3;

export const ControlType = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

/** FIN on data frames and on SYN_STREAM / SYN_REPLY / HEADERS; UNIDIRECTIONAL on SYN_STREAM. */
export const Flag = { fin: 0x01, unidirectional: 0x02 } as const;

/** RST_STREAM status codes. */
export const RstStatus = {
  protocolError: 1,
  invalidStream: 2,
  refusedStream: 3,
  unsupportedVersion: 4,
  cancel: 5,
  internalError: 6,
  flowControlError: 7,
  streamInUse: 8,
  streamAlreadyClosed: 9,
} as const;

export type SpdyFrame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'synStream'; streamId: number; associatedId: number; priority: number; flags: number; headerBlock: Buffer }
  | { type: 'synReply'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'headers'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'rstStream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: { flags: number; id: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goAway'; lastGoodStreamId: number; status: number }
  | { type: 'windowUpdate'; streamId: number; delta: number }
  /** A control frame of a type SPDY/3 does not define: ignored, as the spec says. */
  | { type: 'unknown'; controlType: number; flags: number; payload: Buffer };

/** A session-level violation: the session must end (GOAWAY PROTOCOL_ERROR). */
export class SpdyProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

const MAX_LENGTH = 0xffffff;

function control(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_LENGTH) throw new RangeError(`SPDY frame payload of ${payload.length} bytes is too large`);
  const out = Buffer.allocUnsafe(8 + payload.length);
  out.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  out.writeUInt16BE(type, 2);
  out.writeUInt32BE(((flags & 0xff) << 24 | payload.length) >>> 0, 4);
  payload.copy(out, 8);
  return out;
}

function u32(...values: number[]): Buffer {
  const out = Buffer.allocUnsafe(4 * values.length);
  values.forEach((v, i) => out.writeUInt32BE(v >>> 0, 4 * i));
  return out;
}

/** Encodes one frame; header blocks must already be compressed. */
export function encodeSpdyFrame(frame: SpdyFrame): Buffer {
  switch (frame.type) {
    case 'data': {
      if (frame.data.length > MAX_LENGTH) throw new RangeError('SPDY data frame too large');
      const out = Buffer.allocUnsafe(8 + frame.data.length);
      out.writeUInt32BE(frame.streamId & 0x7fffffff, 0);
      out.writeUInt32BE(((frame.flags & 0xff) << 24 | frame.data.length) >>> 0, 4);
      frame.data.copy(out, 8);
      return out;
    }
    case 'synStream': {
      const head = Buffer.allocUnsafe(10);
      head.writeUInt32BE(frame.streamId & 0x7fffffff, 0);
      head.writeUInt32BE(frame.associatedId & 0x7fffffff, 4);
      head[8] = (frame.priority & 0x7) << 5;
      head[9] = 0;
      return control(ControlType.synStream, frame.flags, Buffer.concat([head, frame.headerBlock]));
    }
    case 'synReply':
      return control(ControlType.synReply, frame.flags, Buffer.concat([u32(frame.streamId & 0x7fffffff), frame.headerBlock]));
    case 'headers':
      return control(ControlType.headers, frame.flags, Buffer.concat([u32(frame.streamId & 0x7fffffff), frame.headerBlock]));
    case 'rstStream':
      return control(ControlType.rstStream, 0, u32(frame.streamId & 0x7fffffff, frame.status));
    case 'settings':
      return control(ControlType.settings, frame.flags, u32(frame.entries.length, ...frame.entries.flatMap((e) => [((e.flags & 0xff) << 24 | (e.id & 0xffffff)) >>> 0, e.value])));
    case 'ping':
      return control(ControlType.ping, 0, u32(frame.id));
    case 'goAway':
      return control(ControlType.goAway, 0, u32(frame.lastGoodStreamId & 0x7fffffff, frame.status));
    case 'windowUpdate':
      return control(ControlType.windowUpdate, 0, u32(frame.streamId & 0x7fffffff, frame.delta & 0x7fffffff));
    case 'unknown':
      return control(frame.controlType, frame.flags, frame.payload);
  }
}

function need(payload: Buffer, bytes: number, what: string): void {
  if (payload.length < bytes) throw new SpdyProtocolError(`${what} frame of ${payload.length} bytes is too short`);
}

function decodeControl(type: number, flags: number, payload: Buffer): SpdyFrame {
  switch (type) {
    case ControlType.synStream:
      need(payload, 10, 'SYN_STREAM');
      return {
        type: 'synStream',
        streamId: payload.readUInt32BE(0) & 0x7fffffff,
        associatedId: payload.readUInt32BE(4) & 0x7fffffff,
        priority: payload[8] >> 5,
        flags,
        headerBlock: payload.subarray(10),
      };
    case ControlType.synReply:
      need(payload, 4, 'SYN_REPLY');
      return { type: 'synReply', streamId: payload.readUInt32BE(0) & 0x7fffffff, flags, headerBlock: payload.subarray(4) };
    case ControlType.headers:
      need(payload, 4, 'HEADERS');
      return { type: 'headers', streamId: payload.readUInt32BE(0) & 0x7fffffff, flags, headerBlock: payload.subarray(4) };
    case ControlType.rstStream:
      need(payload, 8, 'RST_STREAM');
      return { type: 'rstStream', streamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.readUInt32BE(4) };
    case ControlType.settings: {
      need(payload, 4, 'SETTINGS');
      const count = payload.readUInt32BE(0);
      need(payload, 4 + 8 * count, 'SETTINGS');
      const entries = [];
      for (let i = 0; i < count; i++) {
        const word = payload.readUInt32BE(4 + 8 * i);
        entries.push({ flags: word >>> 24, id: word & 0xffffff, value: payload.readUInt32BE(8 + 8 * i) });
      }
      return { type: 'settings', flags, entries };
    }
    case ControlType.ping:
      need(payload, 4, 'PING');
      return { type: 'ping', id: payload.readUInt32BE(0) };
    case ControlType.goAway:
      need(payload, 8, 'GOAWAY');
      return { type: 'goAway', lastGoodStreamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.readUInt32BE(4) };
    case ControlType.windowUpdate:
      need(payload, 8, 'WINDOW_UPDATE');
      return { type: 'windowUpdate', streamId: payload.readUInt32BE(0) & 0x7fffffff, delta: payload.readUInt32BE(4) & 0x7fffffff };
    default:
      return { type: 'unknown', controlType: type, flags, payload };
  }
}

/** Splits a byte stream into frames; `push` returns the frames a chunk completes. */
export class SpdyFrameDecoder {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    while (this.#buffer.length >= 8) {
      const buf = this.#buffer;
      const length = buf.readUInt32BE(4) & 0xffffff;
      if (buf.length < 8 + length) break;
      const flags = buf[4];
      const payload = Buffer.from(buf.subarray(8, 8 + length));
      this.#buffer = buf.subarray(8 + length);
      if (buf[0] & 0x80) {
        const version = buf.readUInt16BE(0) & 0x7fff;
        if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
        frames.push(decodeControl(buf.readUInt16BE(2), flags, payload));
      } else {
        const streamId = buf.readUInt32BE(0) & 0x7fffffff;
        if (streamId === 0) throw new SpdyProtocolError('data frame on stream 0');
        frames.push({ type: 'data', streamId, flags, data: payload });
      }
    }
    return frames;
  }
}

/** Header names (lower case) to their values. */
export type SpdyHeaders = Record<string, string[]>;

/** Serializes headers (before compression); names are lower-cased, repeated values NUL-joined. */
export function encodeHeaderBlock(headers: Record<string, string | string[]>): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(Array.isArray(value) ? value.join('\0') : value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Parses an uncompressed header block. */
export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const fail = (): never => {
    throw new SpdyProtocolError('malformed SPDY header block');
  };
  if (block.length < 4) fail();
  const count = block.readUInt32BE(0);
  const headers: SpdyHeaders = {};
  let offset = 4;
  const take = (): string => {
    if (offset + 4 > block.length) fail();
    const length = block.readUInt32BE(offset);
    offset += 4;
    if (offset + length > block.length) fail();
    const text = block.toString('utf8', offset, offset + length);
    offset += length;
    return text;
  };
  for (let i = 0; i < count; i++) {
    const name = take().toLowerCase();
    const values = take().split('\0');
    (headers[name] ??= []).push(...values);
  }
  return headers;
}
