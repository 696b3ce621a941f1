/**
 * @module An exec/attach session over SPDY (X-Stream-Protocol-Version v4/v5.channel.k8s.io):
 * the client opens one stream per channel, typed by its `streamtype` header (error, stdin,
 * stdout, stderr, resize). The server waits until every expected stream exists (kubelet's
 * waitForStreams), then maps them onto channels. The status goes on the error stream, after
 * stdout and stderr are finished, and the session ends with GOAWAY.
 */
import { EventEmitter } from 'node:events';
import type { ChannelEvents, ChannelTransport } from './channels.js';
import { Channel, STREAM_TYPES } from './remote-command.js';
import type { SpdySession, SpdyStream } from './spdy-session.js';

/** kubelet's default streamCreationTimeout. */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;

export class SpdyChannels extends EventEmitter<ChannelEvents> implements ChannelTransport {
  readonly #session: SpdySession;
  readonly #streams: Map<number, SpdyStream>;
  #done = false;

  constructor(session: SpdySession, streams: Map<number, SpdyStream>) {
    super();
    this.#session = session;
    this.#streams = streams;
    for (const [channel, stream] of streams) {
      if (channel === Channel.stdin || channel === Channel.resize) {
        stream.on('data', (chunk: Buffer) => this.emit('data', channel, chunk));
        stream.on('end', () => this.emit('eof', channel));
        // Delivery starts on a later tick, so listeners added right after construction see everything.
        stream.resume();
      } else {
        // The client sends nothing on its output streams; read them so they never hold the session.
        stream.resume();
      }
      stream.on('drain', () => this.emit('drain'));
      stream.on('error', () => undefined);
    }
    session.on('close', () => {
      const initiated = this.#done;
      this.#done = true;
      this.emit('close', initiated ? undefined : 'connection closed');
    });
  }

  write(channel: number, data: Buffer): boolean {
    const stream = this.#streams.get(channel);
    if (this.#done || !stream || stream.writableEnded || stream.destroyed) return true;
    return stream.write(data);
  }

  closeChannel(channel: number): void {
    const stream = this.#streams.get(channel);
    if (stream && !stream.writableEnded && !stream.destroyed) stream.end();
  }

  finish(status: Buffer): void {
    if (this.#done) return;
    this.#done = true;
    this.closeChannel(Channel.stdout);
    this.closeChannel(Channel.stderr);
    const error = this.#streams.get(Channel.error);
    if (error && !error.writableEnded && !error.destroyed) error.end(status);
    // GOAWAY is queued after the status, and the socket half-closes after it.
    this.#session.close();
  }

  abort(): void {
    if (this.#done) return;
    this.#done = true;
    this.#session.destroy();
  }

  pause(): void {
    for (const [channel, stream] of this.#streams) if (channel === Channel.stdin || channel === Channel.resize) stream.pause();
  }

  resume(): void {
    for (const [channel, stream] of this.#streams) if (channel === Channel.stdin || channel === Channel.resize) stream.resume();
  }
}

/**
 * Collects the streams a client opens for `expected` stream types. Resolves once all exist;
 * rejects after `timeoutMs`, on an unexpected or repeated stream type, or if the session ends.
 */
export function waitForChannelStreams(session: SpdySession, options: { expected: string[]; timeoutMs?: number }): Promise<Map<number, SpdyStream>> {
  const { expected, timeoutMs = STREAM_CREATION_TIMEOUT_MS } = options;
  return new Promise((resolve, reject) => {
    const streams = new Map<number, SpdyStream>();
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      session.off('stream', onStream);
      session.off('close', onClose);
      if (err) reject(err);
      else resolve(streams);
    };
    const onStream = (stream: SpdyStream): void => {
      const type = stream.header('streamtype') ?? '';
      const channel = STREAM_TYPES[type];
      if (channel === undefined || !expected.includes(type) || streams.has(channel)) {
        stream.destroy();
        return finish(new Error(`unexpected stream type: "${type}"`));
      }
      // Hold client data until the session starts.
      stream.pause();
      streams.set(channel, stream);
      if (streams.size === expected.length) finish();
    };
    const onClose = (): void => finish(new Error('connection closed while waiting for streams'));
    const timer = setTimeout(() => finish(new Error('timed out waiting for client to create streams')), timeoutMs);
    timer.unref();
    session.on('stream', onStream);
    session.on('close', onClose);
  });
}
