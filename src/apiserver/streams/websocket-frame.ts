/**
 * @module RFC 6455 frames as bytes: the encoder, an incremental decoder that validates what §5
 * requires (masking by role, RSV bits, control-frame limits, 63-bit lengths), the reassembly of
 * fragmented messages, and the close-frame payload. Pure: no sockets here (websocket.ts has them).
 */
import { randomBytes } from 'node:crypto';

export const Opcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/** Close codes of RFC 6455 §7.4.1 that this code sends. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  noStatus: 1005,
  abnormal: 1006,
  invalidPayload: 1007,
  tooBig: 1009,
  internalError: 1011,
} as const;

/** One frame as it travels (payload already unmasked when decoded). */
export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** A violation of RFC 6455 by the peer; `code` is the close code to answer with. */
export class WebSocketProtocolError extends Error {
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.name = 'WebSocketProtocolError';
    this.code = code;
  }
}

function isControl(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/**
 * Encodes one frame. `mask` (4 bytes) is required for frames a client sends (§5.3) and must be
 * absent for a server's; `encodeFrame(f, { mask: 'random' })` draws one.
 */
export function encodeFrame(frame: Frame, options: { mask?: Buffer | 'random' } = {}): Buffer {
  const length = frame.payload.length;
  const mask = options.mask === 'random' ? randomBytes(4) : options.mask;
  let headerLength = 2;
  if (length > 0xffff) headerLength += 8;
  else if (length > 125) headerLength += 2;
  if (mask) headerLength += 4;
  const out = Buffer.allocUnsafe(headerLength + length);
  out[0] = (frame.fin ? 0x80 : 0) | (frame.opcode & 0x0f);
  const maskBit = mask ? 0x80 : 0;
  let offset = 2;
  if (length > 0xffff) {
    out[1] = maskBit | 127;
    out.writeBigUInt64BE(BigInt(length), 2);
    offset = 10;
  } else if (length > 125) {
    out[1] = maskBit | 126;
    out.writeUInt16BE(length, 2);
    offset = 4;
  } else {
    out[1] = maskBit | length;
  }
  if (mask) {
    mask.copy(out, offset, 0, 4);
    offset += 4;
    for (let i = 0; i < length; i++) out[offset + i] = frame.payload[i] ^ mask[i & 3];
  } else {
    frame.payload.copy(out, offset);
  }
  return out;
}

export interface DecoderOptions {
  /** True on the server: every frame from a client must be masked; false on the client: none may be. */
  expectMasked: boolean;
  /** Largest frame payload accepted (close 1009 beyond it). */
  maxPayload: number;
}

/**
 * Turns bytes into frames. `push` returns the frames completed by the chunk and keeps the
 * rest; it throws WebSocketProtocolError on the first violation (the connection must close).
 */
export class FrameDecoder {
  readonly #options: DecoderOptions;
  #buffer: Buffer = Buffer.alloc(0);

  constructor(options: DecoderOptions) {
    this.#options = options;
  }

  push(chunk: Buffer): Frame[] {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.#next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  #next(): Frame | undefined {
    const buf = this.#buffer;
    if (buf.length < 2) return undefined;
    const fin = (buf[0] & 0x80) !== 0;
    if (buf[0] & 0x70) throw new WebSocketProtocolError(CloseCode.protocolError, 'reserved bits set without a negotiated extension');
    const opcode = buf[0] & 0x0f;
    if (![0, 1, 2, 8, 9, 10].includes(opcode)) throw new WebSocketProtocolError(CloseCode.protocolError, `unknown opcode ${opcode}`);
    const masked = (buf[1] & 0x80) !== 0;
    if (masked !== this.#options.expectMasked) {
      throw new WebSocketProtocolError(CloseCode.protocolError, masked ? 'a server must not mask its frames' : 'a client must mask its frames');
    }
    let length = buf[1] & 0x7f;
    let offset = 2;
    if (isControl(opcode) && (length > 125 || !fin)) throw new WebSocketProtocolError(CloseCode.protocolError, 'control frames must be final and at most 125 bytes');
    if (length === 126) {
      if (buf.length < 4) return undefined;
      length = buf.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buf.length < 10) return undefined;
      const big = buf.readBigUInt64BE(2);
      if (big >> 63n) throw new WebSocketProtocolError(CloseCode.protocolError, 'the most significant bit of a 64-bit length must be 0');
      if (big > BigInt(this.#options.maxPayload)) throw new WebSocketProtocolError(CloseCode.tooBig, `frame of ${big} bytes exceeds ${this.#options.maxPayload}`);
      length = Number(big);
      offset = 10;
    }
    if (length > this.#options.maxPayload) throw new WebSocketProtocolError(CloseCode.tooBig, `frame of ${length} bytes exceeds ${this.#options.maxPayload}`);
    const maskOffset = offset;
    if (masked) offset += 4;
    if (buf.length < offset + length) return undefined;
    const payload = Buffer.from(buf.subarray(offset, offset + length));
    if (masked) {
      for (let i = 0; i < length; i++) payload[i] ^= buf[maskOffset + (i & 3)];
    }
    this.#buffer = buf.subarray(offset + length);
    return { fin, opcode, payload };
  }
}

/** A complete message, or a control frame passed through in the middle of one (§5.4). */
export type Incoming =
  | { kind: 'message'; binary: boolean; data: Buffer }
  | { kind: 'control'; opcode: number; payload: Buffer };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reassembles fragmented data frames; control frames pass straight through. */
export class MessageAssembler {
  readonly #maxMessage: number;
  #opcode = 0;
  #parts: Buffer[] = [];
  #size = 0;

  constructor(maxMessage: number) {
    this.#maxMessage = maxMessage;
  }

  /** Returns the completed message or control frame, or undefined while a message is still open. */
  push(frame: Frame): Incoming | undefined {
    if (isControl(frame.opcode)) return { kind: 'control', opcode: frame.opcode, payload: frame.payload };
    if (frame.opcode === Opcode.continuation) {
      if (!this.#opcode) throw new WebSocketProtocolError(CloseCode.protocolError, 'continuation frame without a message to continue');
    } else {
      if (this.#opcode) throw new WebSocketProtocolError(CloseCode.protocolError, 'new data frame inside a fragmented message');
      this.#opcode = frame.opcode;
    }
    this.#size += frame.payload.length;
    if (this.#size > this.#maxMessage) throw new WebSocketProtocolError(CloseCode.tooBig, `message exceeds ${this.#maxMessage} bytes`);
    this.#parts.push(frame.payload);
    if (!frame.fin) return undefined;
    const data = this.#parts.length === 1 ? this.#parts[0] : Buffer.concat(this.#parts);
    const binary = this.#opcode === Opcode.binary;
    this.#opcode = 0;
    this.#parts = [];
    this.#size = 0;
    if (!binary) {
      try {
        utf8.decode(data);
      } catch {
        throw new WebSocketProtocolError(CloseCode.invalidPayload, 'text message is not valid UTF-8');
      }
    }
    return { kind: 'message', binary, data };
  }
}

/** The payload of a close frame (§5.5.1): no code at all, or a code and a UTF-8 reason. */
export function encodeClosePayload(code?: number, reason = ''): Buffer {
  if (code === undefined) return Buffer.alloc(0);
  // A control frame carries at most 125 bytes; cut the reason on a UTF-8 character boundary.
  let text = Buffer.from(reason, 'utf8');
  if (text.length > 123) {
    let end = 123;
    while (end > 0 && (text[end] & 0xc0) === 0x80) end--;
    text = text.subarray(0, end);
  }
  const out = Buffer.allocUnsafe(2 + text.length);
  out.writeUInt16BE(code, 0);
  text.copy(out, 2);
  return out;
}

function validCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

/** Parses a close payload; an empty one means 1005 (no status). Throws on malformed payloads. */
export function decodeClosePayload(payload: Buffer): { code: number; reason: string } {
  if (payload.length === 0) return { code: CloseCode.noStatus, reason: '' };
  if (payload.length === 1) throw new WebSocketProtocolError(CloseCode.protocolError, 'close payload of 1 byte');
  const code = payload.readUInt16BE(0);
  if (!validCloseCode(code)) throw new WebSocketProtocolError(CloseCode.protocolError, `invalid close code ${code}`);
  let reason: string;
  try {
    reason = utf8.decode(payload.subarray(2));
  } catch {
    throw new WebSocketProtocolError(CloseCode.invalidPayload, 'close reason is not valid UTF-8');
  }
  return { code, reason };
}
