/**
 * @module A WebSocket connection (RFC 6455) over any byte stream, for both roles, plus the two
 * handshakes: the server's (`acceptWebSocket`, on an 'upgrade' socket) and the client's
 * (`connectWebSocket`, over TCP or a Unix socket). Shared by the API server (kubectl's side and
 * its client towards the kubelet) and the node agent's kubelet API. No extensions are
 * negotiated (kubectl offers none), pings are answered automatically, and the closing
 * handshake is done for the caller.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  CloseCode,
  decodeClosePayload,
  encodeClosePayload,
  encodeFrame,
  FrameDecoder,
  MessageAssembler,
  Opcode,
  WebSocketProtocolError,
} from './websocket-frame.js';
import { headerHasToken, headerValues, writeHttpResponse, writeSwitchingProtocols, type UpgradeRequest } from './raw-http.js';

export { CloseCode } from './websocket-frame.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const DEFAULT_MAX_MESSAGE = 64 * 1024 * 1024;
/** How long a closing side waits for the peer's close frame before dropping the socket. */
const CLOSE_TIMEOUT_MS = 5_000;

/** `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key` (§4.2.2). */
export function websocketAccept(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

export interface WebSocketEvents {
  /** A complete message (fragments joined). */
  message: [data: Buffer, binary: boolean];
  /** Emitted once: the peer's close code and reason, or 1006 if the socket just went away. */
  close: [code: number, reason: string];
  /** The socket's send buffer drained (after `send` returned false). */
  drain: [];
}

export interface WebSocketOptions {
  role: 'server' | 'client';
  /** The negotiated subprotocol ('' if none). */
  protocol?: string;
  /** Bytes that arrived with the upgrade (node's `head`). */
  head?: Buffer;
  maxMessageBytes?: number;
}

/** One open WebSocket. Errors never throw out of it: they end in the 'close' event. */
export class WebSocketConnection extends EventEmitter<WebSocketEvents> {
  readonly protocol: string;
  readonly #socket: Duplex;
  readonly #role: 'server' | 'client';
  readonly #decoder: FrameDecoder;
  readonly #assembler: MessageAssembler;
  #closeSent = false;
  #closed = false;
  #closeTimer: NodeJS.Timeout | undefined;
  #head: Buffer | undefined;

  constructor(socket: Duplex, options: WebSocketOptions) {
    super();
    this.#socket = socket;
    this.#role = options.role;
    this.protocol = options.protocol ?? '';
    const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE;
    this.#decoder = new FrameDecoder({ expectMasked: options.role === 'server', maxPayload: max });
    this.#assembler = new MessageAssembler(max);
    const withNoDelay = socket as Duplex & { setNoDelay?: (on: boolean) => void };
    withNoDelay.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => this.emit('drain'));
    socket.on('error', () => this.#finish(CloseCode.abnormal, 'socket error'));
    socket.on('close', () => this.#finish(CloseCode.abnormal, ''));
    socket.on('end', () => {
      // The peer half-closed without (or after) a close frame; nothing more can arrive.
      this.#finish(CloseCode.abnormal, '');
      socket.end();
    });
    // Bytes that came with the upgrade are read on a later turn, so that listeners attached
    // right after construction (or after an awaited handshake) see every message.
    if (options.head?.length) {
      this.#head = options.head;
      setImmediate(() => this.#onData(Buffer.alloc(0)));
    }
  }

  /** True once the connection is closing or closed: sends are dropped. */
  get closing(): boolean {
    return this.#closeSent || this.#closed;
  }

  /** Sends a binary message (or text for a string). Returns false when the caller should wait for 'drain'. */
  send(data: Buffer | string): boolean {
    if (this.closing) return false;
    const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return this.#write({ fin: true, opcode: typeof data === 'string' ? Opcode.text : Opcode.binary, payload });
  }

  ping(payload: Buffer = Buffer.alloc(0)): void {
    if (!this.closing) this.#write({ fin: true, opcode: Opcode.ping, payload });
  }

  /** Starts the closing handshake; the socket is dropped when the peer answers (or after a timeout). */
  close(code: number = CloseCode.normal, reason = ''): void {
    if (this.#closeSent || this.#closed) return;
    this.#closeSent = true;
    this.#write({ fin: true, opcode: Opcode.close, payload: encodeClosePayload(code, reason) });
    this.#closeTimer = setTimeout(() => this.#socket.destroy(), CLOSE_TIMEOUT_MS);
    this.#closeTimer.unref();
  }

  /** Drops the socket at once. */
  terminate(): void {
    this.#socket.destroy();
    this.#finish(CloseCode.abnormal, 'terminated');
  }

  /** Stops reading from the socket (back-pressure towards the peer). */
  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  #write(frame: { fin: boolean; opcode: number; payload: Buffer }): boolean {
    if (this.#socket.destroyed || !this.#socket.writable) return false;
    return this.#socket.write(encodeFrame(frame, { mask: this.#role === 'client' ? 'random' : undefined }));
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    if (this.#head) {
      chunk = Buffer.concat([this.#head, chunk]);
      this.#head = undefined;
    }
    try {
      for (const frame of this.#decoder.push(chunk)) {
        const incoming = this.#assembler.push(frame);
        if (!incoming) continue;
        if (incoming.kind === 'message') {
          if (!this.#closeSent) this.emit('message', incoming.data, incoming.binary);
          continue;
        }
        if (incoming.opcode === Opcode.ping) {
          if (!this.closing) this.#write({ fin: true, opcode: Opcode.pong, payload: incoming.payload });
        } else if (incoming.opcode === Opcode.close) {
          const { code, reason } = decodeClosePayload(incoming.payload);
          if (!this.#closeSent) {
            this.#closeSent = true;
            this.#write({ fin: true, opcode: Opcode.close, payload: code === CloseCode.noStatus ? Buffer.alloc(0) : encodeClosePayload(code) });
          }
          this.#finish(code, reason);
          this.#socket.end();
          return;
        }
        if (this.#closed) return;
      }
    } catch (err) {
      const code = err instanceof WebSocketProtocolError ? err.code : CloseCode.internalError;
      const reason = err instanceof Error ? err.message : String(err);
      if (!this.#closeSent) {
        this.#closeSent = true;
        this.#write({ fin: true, opcode: Opcode.close, payload: encodeClosePayload(code, reason) });
      }
      this.#socket.end();
      this.#finish(code, reason);
    }
  }

  #finish(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#closeTimer) clearTimeout(this.#closeTimer);
    this.emit('close', code, reason);
    if (code === CloseCode.abnormal) {
      this.#socket.destroy();
      return;
    }
    // The closing handshake is done; give the peer a moment to drop TCP (§7.1.1), then drop it.
    const timer = setTimeout(() => this.#socket.destroy(), CLOSE_TIMEOUT_MS);
    timer.unref();
    this.#socket.once('close', () => clearTimeout(timer));
  }
}

/** True if the request asks for a WebSocket (Upgrade: websocket, any Connection token order). */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  return headerHasToken(req.headers.upgrade, 'websocket') && headerHasToken(req.headers.connection, 'upgrade');
}

/** The subprotocols a WebSocket request offers, in its order. */
export function offeredProtocols(req: IncomingMessage): string[] {
  return headerValues(req.headersDistinct['sec-websocket-protocol']);
}

/**
 * Completes the server handshake on an 'upgrade' socket, choosing `protocol` (which must be one
 * the client offered). Invalid handshakes get a 400 and undefined.
 */
export function acceptWebSocket(upgrade: UpgradeRequest, options: { protocol: string; maxMessageBytes?: number }): WebSocketConnection | undefined {
  const { req, socket } = upgrade;
  const key = req.headers['sec-websocket-key'];
  if (req.method !== 'GET' || !isWebSocketRequest(req) || typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16) {
    writeHttpResponse(socket, { status: 400, body: 'invalid WebSocket handshake' });
    return undefined;
  }
  if (req.headers['sec-websocket-version'] !== '13') {
    writeHttpResponse(socket, { status: 426, body: 'unsupported WebSocket version, use 13' });
    return undefined;
  }
  const headers: Record<string, string> = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Accept': websocketAccept(key) };
  if (options.protocol) headers['Sec-WebSocket-Protocol'] = options.protocol;
  writeSwitchingProtocols(socket, headers);
  return new WebSocketConnection(socket, { role: 'server', protocol: options.protocol, head: upgrade.head, maxMessageBytes: options.maxMessageBytes });
}

/** The server refused the upgrade: its status and body, to relay as they are. */
export class WebSocketHandshakeError extends Error {
  readonly status: number;
  readonly body: Buffer;
  readonly contentType: string;

  constructor(status: number, body: Buffer, contentType: string, message?: string) {
    super(message ?? `WebSocket upgrade refused with ${status}: ${body.toString('utf8').trim()}`);
    this.name = 'WebSocketHandshakeError';
    this.status = status;
    this.body = body;
    this.contentType = contentType;
  }
}

export interface ConnectOptions {
  /** A Unix socket path, or host and port for TCP. */
  socketPath?: string;
  host?: string;
  port?: number;
  /** Path and query. */
  path: string;
  protocols: string[];
  headers?: Record<string, string>;
  maxMessageBytes?: number;
}

/**
 * Opens a WebSocket as a client. Rejects with WebSocketHandshakeError when the server answers
 * anything but a valid 101 (its body kept), or with the socket error when it cannot connect.
 */
export function connectWebSocket(options: ConnectOptions): Promise<WebSocketConnection> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const req = httpRequest({
      socketPath: options.socketPath,
      host: options.socketPath ? undefined : options.host,
      port: options.socketPath ? undefined : options.port,
      path: options.path,
      method: 'GET',
      headers: {
        ...(options.headers ?? {}),
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': key,
        ...(options.protocols.length ? { 'Sec-WebSocket-Protocol': options.protocols.join(', ') } : {}),
      },
    });
    req.on('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
      const protocol = typeof res.headers['sec-websocket-protocol'] === 'string' ? res.headers['sec-websocket-protocol'] : '';
      const fail = (message: string): void => {
        socket.destroy();
        reject(new WebSocketHandshakeError(res.statusCode ?? 0, Buffer.from(message), 'text/plain', message));
      };
      if (res.statusCode !== 101 || !headerHasToken(res.headers.upgrade, 'websocket')) return fail('the server did not switch to WebSocket');
      if (res.headers['sec-websocket-accept'] !== websocketAccept(key)) return fail('bad Sec-WebSocket-Accept');
      if (options.protocols.length && !options.protocols.includes(protocol)) return fail(`the server chose subprotocol "${protocol}" which was not offered`);
      resolve(new WebSocketConnection(socket, { role: 'client', protocol, head, maxMessageBytes: options.maxMessageBytes }));
    });
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(new WebSocketHandshakeError(res.statusCode ?? 0, Buffer.concat(chunks), res.headers['content-type'] ?? 'text/plain')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
