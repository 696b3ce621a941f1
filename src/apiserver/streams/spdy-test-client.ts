/**
 * @module Test support: the client side of a SPDY/3.1 session, enough to drive SpdySession the
 * way moby/spdystream does (odd stream ids, compressed SYN_STREAM headers, PINGs, FIN, RST).
 */
import type { Duplex } from 'node:stream';
import { decodeHeaderBlock, encodeHeaderBlock, encodeSpdyFrame, Flag, SpdyFrameDecoder, type SpdyFrame, type SpdyHeaders } from './spdy-frame.js';
import { HeaderCompressor, HeaderDecompressor } from './spdy-zlib.js';

export type ReceivedFrame = SpdyFrame | { type: 'synReply'; streamId: number; flags: number; headers: SpdyHeaders };

export class SpdyTestClient {
  readonly frames: ReceivedFrame[] = [];
  readonly #socket: Duplex;
  readonly #compressor = new HeaderCompressor();
  readonly #decompressor = new HeaderDecompressor();
  readonly #decoder = new SpdyFrameDecoder();
  #nextId = 1;
  #chain: Promise<void> = Promise.resolve();
  #waiters: (() => void)[] = [];
  ended = false;

  constructor(socket: Duplex) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.#decoder.push(chunk)) {
        this.#chain = this.#chain.then(async () => {
          if (frame.type === 'synReply') {
            this.frames.push({ type: 'synReply', streamId: frame.streamId, flags: frame.flags, headers: decodeHeaderBlock(await this.#decompressor.decompress(frame.headerBlock)) });
          } else {
            this.frames.push(frame);
          }
          this.#wake();
        });
      }
    });
    socket.on('end', () => {
      this.ended = true;
      this.#wake();
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Waits until `predicate` holds for the frames received so far. */
  async waitFor(predicate: (frames: ReceivedFrame[]) => boolean): Promise<void> {
    while (!predicate(this.frames)) {
      if (this.ended) throw new Error(`connection ended; frames: ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Opens a stream; returns its id. */
  async open(headers: Record<string, string>, flags = 0): Promise<number> {
    const streamId = this.#nextId;
    this.#nextId += 2;
    const headerBlock = await this.#compressor.compress(encodeHeaderBlock(headers));
    this.#socket.write(encodeSpdyFrame({ type: 'synStream', streamId, associatedId: 0, priority: 0, flags, headerBlock }));
    return streamId;
  }

  send(frame: SpdyFrame): void {
    this.#socket.write(encodeSpdyFrame(frame));
  }

  data(streamId: number, data: string | Buffer, fin = false): void {
    this.send({ type: 'data', streamId, flags: fin ? Flag.fin : 0, data: typeof data === 'string' ? Buffer.from(data) : data });
  }

  /** The bytes received on a stream so far, and whether it was FIN'd. */
  received(streamId: number): { data: string; fin: boolean } {
    let data = '';
    let fin = false;
    for (const f of this.frames) {
      if (f.type === 'data' && f.streamId === streamId) {
        data += f.data.toString();
        if (f.flags & Flag.fin) fin = true;
      }
    }
    return { data, fin };
  }

  close(): void {
    this.#compressor.close();
    this.#decompressor.close();
    this.#socket.destroy();
  }
}
