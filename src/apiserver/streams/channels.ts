/**
 * @module One shape for both ends of an exec/attach session, whatever carries it: numbered
 * channels (0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize) with data, an end-of-data
 * signal per channel, and a final status. `WebSocketChannels` is the `v5.channel.k8s.io`
 * framing (kubectl 1.30+, and the kubelet API in both directions); spdy-channels.ts maps SPDY
 * streams onto the same channels. The bridge between kubectl and the kubelet is then a copy.
 */
import { EventEmitter } from 'node:events';
import { Channel, channelMessage, closeMessage } from './remote-command.js';
import { CloseCode, type WebSocketConnection } from './websocket.js';

export interface ChannelEvents {
  /** Data arrived on a channel. */
  data: [channel: number, chunk: Buffer];
  /** The peer will send no more on this channel (v5 CLOSE, SPDY FIN). */
  eof: [channel: number];
  /** The session ended; `reason` is set when it ended abnormally. */
  close: [reason?: string];
  /** Writes may continue (after `write` returned false). */
  drain: [];
}

/** An exec/attach session's transport. */
export interface ChannelTransport extends EventEmitter<ChannelEvents> {
  /** Sends data on a channel; false asks the caller to wait for 'drain'. */
  write(channel: number, data: Buffer): boolean;
  /** Signals end of data on a channel. */
  closeChannel(channel: number): void;
  /** Writes the error-channel status (a JSON metav1.Status) and ends the session normally. */
  finish(status: Buffer): void;
  /** Ends the session at once (the other side went away). */
  abort(reason?: string): void;
  /** Stops and restarts delivery of incoming data (back-pressure). */
  pause(): void;
  resume(): void;
}

/**
 * `v5.channel.k8s.io` over a WebSocket: binary messages `[channel, ...data]`, `[255, channel]`
 * to close a channel. `finish` sends the status on channel 3 and closes with 1000.
 */
export class WebSocketChannels extends EventEmitter<ChannelEvents> implements ChannelTransport {
  readonly #ws: WebSocketConnection;
  #done = false;
  #paused = false;
  /** Events held while paused (a message can still be decoded after the socket is paused). */
  readonly #held: (() => void)[] = [];

  constructor(ws: WebSocketConnection) {
    super();
    this.#ws = ws;
    ws.on('message', (data, binary) => {
      if (!binary || data.length === 0) return;
      if (data[0] === Channel.close) {
        if (data.length >= 2) this.#deliver(() => this.emit('eof', data[1]));
        return;
      }
      this.#deliver(() => this.emit('data', data[0], data.subarray(1)));
    });
    ws.on('drain', () => this.emit('drain'));
    ws.on('close', (code, reason) => {
      const initiated = this.#done;
      this.#done = true;
      const clean = code === CloseCode.normal || code === CloseCode.goingAway || code === CloseCode.noStatus;
      this.#deliver(() => this.emit('close', initiated || clean ? undefined : reason || `connection closed (${code})`));
    });
  }

  write(channel: number, data: Buffer): boolean {
    if (this.#done) return true;
    return this.#ws.send(channelMessage(channel, data));
  }

  closeChannel(channel: number): void {
    if (!this.#done) this.#ws.send(closeMessage(channel));
  }

  finish(status: Buffer): void {
    if (this.#done) return;
    this.#ws.send(channelMessage(Channel.error, status));
    this.#done = true;
    this.#ws.close(CloseCode.normal);
  }

  /** Closes with a code and reason and no status (the kubelet API's way to report a failure). */
  fail(code: number, reason: string): void {
    if (this.#done) return;
    this.#done = true;
    this.#ws.close(code, reason);
  }

  abort(reason?: string): void {
    if (this.#done) return;
    this.#done = true;
    this.#ws.close(CloseCode.goingAway, reason ?? '');
  }

  /** Holds every event (data, eof, close) until `resume`. */
  pause(): void {
    this.#paused = true;
    this.#ws.pause();
  }

  resume(): void {
    this.#paused = false;
    while (this.#held.length && !this.#paused) this.#held.shift()!();
    if (!this.#paused) this.#ws.resume();
  }

  #deliver(event: () => void): void {
    if (this.#paused || this.#held.length) this.#held.push(event);
    else event();
  }
}
