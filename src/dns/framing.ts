/**
 * @module DNS over a stream (RFC 1035 §4.2.2, RFC 7766): each message preceded by its length
 * in two octets. Used by the TCP listener and by the node ↔ control-plane upstream relay.
 */
import type { Socket } from 'node:net';

/** Splits a byte stream into messages; `onMessage` gets each one (a copy it may keep). */
export class FrameReader {
  #pending: Buffer = Buffer.alloc(0);
  readonly #onMessage: (msg: Buffer) => void;

  constructor(onMessage: (msg: Buffer) => void) {
    this.#onMessage = onMessage;
  }

  push(chunk: Buffer): void {
    let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      this.#onMessage(Buffer.from(buf.subarray(2, 2 + len)));
      buf = buf.subarray(2 + len);
    }
    this.#pending = Buffer.from(buf);
  }

  /** Bytes waiting for the rest of their message. */
  buffered(): number {
    return this.#pending.length;
  }
}

/** Writes one length-prefixed message; false if the socket cannot take it. */
export function writeFrame(socket: Socket, msg: Buffer): boolean {
  if (msg.length > 65535 || socket.destroyed) return false;
  const head = Buffer.allocUnsafe(2);
  head.writeUInt16BE(msg.length, 0);
  socket.cork();
  socket.write(head);
  socket.write(msg);
  socket.uncork();
  return true;
}
