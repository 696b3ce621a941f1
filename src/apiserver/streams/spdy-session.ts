/**
 * @module The server side of a SPDY/3.1 session as kubectl's client (moby/spdystream) expects
 * it: the client opens streams (odd ids) and the server answers each SYN_STREAM with a SYN_REPLY
 * at once (the client blocks until it comes); PINGs are echoed; flow control is not enforced by
 * spdystream, so WINDOW_UPDATE and SETTINGS are read and ignored. Each stream is a Duplex:
 * reading gives the client's DATA, writing sends DATA, `end()` sends FIN, `destroy()` sends
 * RST_STREAM (CANCEL) unless the stream already finished both ways.
 */
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import {
  decodeHeaderBlock,
  encodeHeaderBlock,
  encodeSpdyFrame,
  Flag,
  RstStatus,
  SpdyFrameDecoder,
  SpdyProtocolError,
  type SpdyFrame,
  type SpdyHeaders,
} from './spdy-frame.js';
import { HeaderCompressor, HeaderDecompressor } from './spdy-zlib.js';

/** Largest DATA payload written at once (spdystream accepts up to 16 MiB; small frames keep latency low). */
const MAX_DATA_FRAME = 32 * 1024;
/** How long `close()` waits for the peer to drop TCP after our GOAWAY. */
const CLOSE_TIMEOUT_MS = 5_000;

/** One client-opened stream. */
export class SpdyStream extends Duplex {
  readonly id: number;
  readonly headers: SpdyHeaders;
  readonly #session: SpdySession;
  #remoteEnded = false;
  #localEnded = false;
  #reset = false;

  constructor(session: SpdySession, opened: { id: number; headers: SpdyHeaders }) {
    super({ allowHalfOpen: true });
    this.#session = session;
    this.id = opened.id;
    this.headers = opened.headers;
  }

  /** The first value of a header (names are lower case). */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  override _read(): void {
    this.#session.resumeReading();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#reset) return callback();
    for (let offset = 0; offset < chunk.length; offset += MAX_DATA_FRAME) {
      this.#session.sendFrame({ type: 'data', streamId: this.id, flags: 0, data: chunk.subarray(offset, offset + MAX_DATA_FRAME) });
    }
    this.#session.afterDrain(callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.#reset && !this.#localEnded) this.#session.sendFrame({ type: 'data', streamId: this.id, flags: Flag.fin, data: Buffer.alloc(0) });
    this.#localEnded = true;
    this.#session.forgetIfDone(this);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#reset && !(this.#localEnded && this.#remoteEnded)) {
      this.#reset = true;
      this.#session.sendFrame({ type: 'rstStream', streamId: this.id, status: RstStatus.cancel });
    }
    this.#session.forget(this);
    callback(error);
  }

  /** Data from the client (session use). */
  deliver(data: Buffer): boolean {
    if (this.#remoteEnded || this.destroyed) return true;
    return this.push(data);
  }

  /** The client's FIN (session use). */
  remoteEnd(): void {
    if (this.#remoteEnded) return;
    this.#remoteEnded = true;
    this.push(null);
    this.#session.forgetIfDone(this);
  }

  /** The client's RST_STREAM, or the session ended (session use). */
  remoteReset(): void {
    this.#reset = true;
    this.#remoteEnded = true;
    this.push(null);
    this.destroy();
  }

  get finished(): boolean {
    return this.#remoteEnded && this.#localEnded;
  }
}

export interface SpdySessionEvents {
  /** A new stream; its SYN_REPLY is already queued, so it can be written to at once. */
  stream: [stream: SpdyStream];
  /** The client sent GOAWAY: no new streams will come. */
  goaway: [];
  /** The connection is gone. */
  close: [];
}

/** A server-side SPDY/3.1 session on an upgraded socket (or a WebSocket tunnel's byte stream). */
export class SpdySession extends EventEmitter<SpdySessionEvents> {
  readonly #socket: Duplex;
  readonly #decoder = new SpdyFrameDecoder();
  readonly #compressor = new HeaderCompressor();
  readonly #decompressor = new HeaderDecompressor();
  readonly #streams = new Map<number, SpdyStream>();
  readonly #out: (Buffer | Promise<Buffer>)[] = [];
  #pumping = false;
  #inbound: Promise<void> = Promise.resolve();
  #lastStreamId = 0;
  #goneAway = false;
  #closed = false;
  #paused = false;
  /** A half-close is queued behind the pending frames. */
  #ending = false;
  #head: Buffer | undefined;

  constructor(socket: Duplex, options: { head?: Buffer } = {}) {
    super();
    this.#socket = socket;
    const withNoDelay = socket as Duplex & { setNoDelay?: (on: boolean) => void };
    withNoDelay.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('end', () => socket.end());
    socket.on('close', () => this.#onClose());
    // Bytes that came with the upgrade are read on a later turn (see WebSocketConnection).
    if (options.head?.length) {
      this.#head = options.head;
      setImmediate(() => this.#onData(Buffer.alloc(0)));
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Ends the session politely: GOAWAY after everything queued, then a half-close; the socket
   * is dropped when the client closes it or after a timeout.
   */
  close(): void {
    if (this.#goneAway || this.#closed) {
      if (!this.#closed) this.#enqueueEnd();
      return;
    }
    this.#goneAway = true;
    this.sendFrame({ type: 'goAway', lastGoodStreamId: this.#lastStreamId, status: 0 });
    this.#enqueueEnd();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  /** Queues one frame (session and stream use); header blocks are given uncompressed. */
  sendFrame(frame: SpdyFrame): void {
    if (this.#closed) return;
    if (frame.type === 'synReply' || frame.type === 'synStream' || frame.type === 'headers') {
      const compressed = this.#compressor.compress(frame.headerBlock);
      this.#enqueue(compressed.then((headerBlock) => encodeSpdyFrame({ ...frame, headerBlock })));
    } else {
      this.#enqueue(encodeSpdyFrame(frame));
    }
  }

  /** Calls back when the socket can take more (stream back-pressure). */
  afterDrain(callback: () => void): void {
    if (this.#closed || !this.#socket.writableNeedDrain) callback();
    else this.#socket.once('drain', () => callback());
  }

  resumeReading(): void {
    if (this.#paused) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  forget(stream: SpdyStream): void {
    if (this.#streams.get(stream.id) === stream) this.#streams.delete(stream.id);
  }

  forgetIfDone(stream: SpdyStream): void {
    if (stream.finished) this.forget(stream);
  }

  #enqueueEnd(): void {
    this.#enqueue(Buffer.alloc(0), true);
  }

  #enqueue(item: Buffer | Promise<Buffer>, end = false): void {
    if (end) {
      this.#ending = true;
      this.#out.push(Promise.resolve(Buffer.alloc(0)));
    } else {
      this.#out.push(item);
    }
    if (!this.#pumping) void this.#pump();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#out.length) {
        const item = this.#out.shift()!;
        const bytes = item instanceof Promise ? await item : item;
        if (this.#closed || this.#socket.destroyed || !this.#socket.writable) continue;
        if (bytes.length) this.#socket.write(bytes);
      }
      if (this.#ending && !this.#closed && !this.#socket.destroyed) {
        this.#socket.end();
        const timer = setTimeout(() => this.#socket.destroy(), CLOSE_TIMEOUT_MS);
        timer.unref();
        this.#socket.once('close', () => clearTimeout(timer));
      }
    } catch {
      this.#socket.destroy();
    } finally {
      this.#pumping = false;
    }
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    if (this.#head) {
      chunk = Buffer.concat([this.#head, chunk]);
      this.#head = undefined;
    }
    let frames: SpdyFrame[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.#protocolError(err);
      return;
    }
    for (const frame of frames) {
      this.#inbound = this.#inbound.then(() => this.#handle(frame)).catch((err: unknown) => this.#protocolError(err));
    }
  }

  #protocolError(err: unknown): void {
    if (this.#closed) return;
    if (!this.#goneAway) {
      this.#goneAway = true;
      // GOAWAY status 1 = PROTOCOL_ERROR.
      this.sendFrame({ type: 'goAway', lastGoodStreamId: this.#lastStreamId, status: err instanceof SpdyProtocolError ? 1 : 2 });
    }
    this.#enqueueEnd();
  }

  async #handle(frame: SpdyFrame): Promise<void> {
    if (this.#closed) return;
    switch (frame.type) {
      case 'synStream': {
        const headers = decodeHeaderBlock(await this.#decompressor.decompress(frame.headerBlock));
        if (frame.streamId % 2 === 0 || frame.streamId <= this.#lastStreamId) {
          this.sendFrame({ type: 'rstStream', streamId: frame.streamId, status: RstStatus.protocolError });
          return;
        }
        this.#lastStreamId = frame.streamId;
        if (this.#goneAway) {
          this.sendFrame({ type: 'rstStream', streamId: frame.streamId, status: RstStatus.refusedStream });
          return;
        }
        const stream = new SpdyStream(this, { id: frame.streamId, headers });
        this.#streams.set(frame.streamId, stream);
        this.sendFrame({ type: 'synReply', streamId: frame.streamId, flags: 0, headerBlock: encodeHeaderBlock({}) });
        if (frame.flags & Flag.fin) stream.remoteEnd();
        this.emit('stream', stream);
        return;
      }
      case 'headers':
        // Keep the inflater in step even though no header after SYN_STREAM matters here.
        await this.#decompressor.decompress(frame.headerBlock);
        if (frame.flags & Flag.fin) this.#streams.get(frame.streamId)?.remoteEnd();
        return;
      case 'synReply':
        // The server opens no streams, so a reply is a protocol error of the client; keep state only.
        await this.#decompressor.decompress(frame.headerBlock);
        return;
      case 'data': {
        const stream = this.#streams.get(frame.streamId);
        if (!stream) {
          if (frame.streamId > this.#lastStreamId) this.sendFrame({ type: 'rstStream', streamId: frame.streamId, status: RstStatus.invalidStream });
          return;
        }
        if (frame.data.length && !stream.deliver(frame.data) && !this.#paused) {
          this.#paused = true;
          this.#socket.pause();
        }
        if (frame.flags & Flag.fin) stream.remoteEnd();
        return;
      }
      case 'rstStream':
        this.#streams.get(frame.streamId)?.remoteReset();
        return;
      case 'ping':
        // Odd ids are the client's pings: echo them. Even ids would answer ours; we send none.
        if (frame.id % 2 === 1) this.sendFrame(frame);
        return;
      case 'goAway':
        this.#goneAway = true;
        this.emit('goaway');
        return;
      case 'settings':
      case 'windowUpdate':
      case 'unknown':
        return;
    }
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#compressor.close();
    this.#decompressor.close();
    for (const stream of [...this.#streams.values()]) stream.remoteReset();
    this.#streams.clear();
    this.emit('close');
  }
}
