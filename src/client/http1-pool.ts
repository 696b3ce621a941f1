/**
 * @module Keep-alive HTTP/1.1 connections for request/response calls (not watches): one request
 * at a time per connection, written as one buffer, the answer read by http1-response.ts.
 *
 * Why not node:http's client: measured against kubito's API server, a GET through `https.request`
 * with a keep-alive Agent cost the client ~130-220 µs of CPU, the same request written on a bare
 * TLS socket ~26-50 µs (ClientRequest, IncomingMessage, the Agent's bookkeeping and stream
 * plumbing per request). Every component outside the control plane (the node agent's status
 * writes and bindings, the CLI, the benchmarks' clients) pays that per request, on the same two
 * cores as the server.
 *
 * Semantics kept from node:http's keep-alive Agent: idle connections are reused (the most
 * recently used first), at most `maxConnections` are open (more requests wait in order), and
 * an idle connection the server closes is dropped. A connection that fails under a request
 * fails that request, with one exception, Go's transport's (`shouldRetryRequest`, what
 * client-go and kubectl run on): a `replayable` request (GET, HEAD) on a kept connection that
 * ends before a single byte of its answer is sent again. That is a server's idle close crossing
 * the request on the wire (the `Keep-Alive: timeout` hint avoids most, not a restart's), and
 * the request has done nothing. Any other request is never sent twice: the server may have
 * acted on it. A new connection's failure is never retried (no stale keep-alive to blame).
 */
import net from 'node:net';
import tls from 'node:tls';
import { Http1ResponseParser, type Http1Response } from './http1-response.js';

/** Opens a connection (TCP, TLS or a Unix socket). */
export type Connect = () => net.Socket;

export interface Http1Request {
  /** The request's bytes: request line, headers, blank line, body. */
  bytes: Buffer;
  /** A HEAD request (its answer has no body). */
  head?: boolean;
  /**
   * The request may be sent twice (GET or HEAD without a body, as Go's Request.isReplayable):
   * when a kept connection ends before any byte of its answer, it is sent again (see Http1Pool).
   */
  replayable?: boolean;
  /** Fails the request (and closes its connection) after this many ms; 0: no limit. */
  timeoutMs?: number;
  /** The error a timeout rejects with. */
  onTimeout?: () => Error;
}

/** A connection closed (or failed) before the whole response arrived. */
export class Http1ConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Http1ConnectionError';
  }
}

interface Waiter {
  request: Http1Request;
  resolve: (r: Http1Response) => void;
  reject: (e: Error) => void;
  /** When `timeoutMs` runs out (set at the first send; a request sent again keeps it). */
  deadline?: number;
}

interface Active {
  parser: Http1ResponseParser;
  waiter: Waiter;
  /** Sent on a connection that had answered before (a kept one). */
  reused: boolean;
  timer?: NodeJS.Timeout;
}

/** What a connection tells its pool. */
interface ConnectionEvents {
  /** The connection is free again (reusable) or done. */
  free(c: Connection, reusable: boolean): void;
  /** A request to send again on another connection; `free` follows. */
  resend(waiter: Waiter): void;
}

class Connection {
  readonly socket: net.Socket;
  #active: Active | undefined;
  readonly #onFree: (c: Connection, reusable: boolean) => void;
  readonly #resend: (waiter: Waiter) => void;
  #closed = false;
  /** Answers read whole on this connection. */
  #answered = 0;
  /**
   * When an idle connection is too old to use: a second before the server's own idle timeout
   * as its `Keep-Alive: timeout=N` says (Node's servers send it; node:http's Agent heeds it too),
   * so that a request does not meet the server's close on the way.
   */
  expiresAt = Infinity;

  constructor(socket: net.Socket, events: ConnectionEvents) {
    this.socket = socket;
    this.#onFree = events.free;
    this.#resend = events.resend;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1000);
    socket.on('data', (data: Buffer) => this.#onData(data));
    socket.on('end', () => this.#onClose(undefined));
    socket.on('error', (err) => this.#onClose(err));
    socket.on('close', () => this.#onClose(undefined));
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(waiter: Waiter): void {
    const parser = new Http1ResponseParser({ noBody: waiter.request.head });
    const active: Active = { parser, waiter, reused: this.#answered > 0 };
    const ms = waiter.request.timeoutMs ?? 0;
    if (ms > 0) {
      waiter.deadline ??= Date.now() + ms;
      active.timer = setTimeout(() => {
        if (this.#active !== active) return;
        this.#active = undefined;
        this.destroy();
        this.#onFree(this, false);
        waiter.reject(waiter.request.onTimeout?.() ?? new Http1ConnectionError(`no answer within ${ms}ms`));
      }, Math.max(0, waiter.deadline - Date.now()));
    }
    this.#active = active;
    // An idle connection does not keep the process alive (#free unrefs it), a busy one does.
    this.socket.ref();
    this.socket.write(waiter.request.bytes);
  }

  destroy(): void {
    this.#closed = true;
    this.socket.destroy();
  }

  #onData(data: Buffer): void {
    if (this.#closed) return;
    const active = this.#active;
    if (!active) {
      // Bytes nobody asked for: the connection is out of step; never reuse it.
      this.destroy();
      this.#onFree(this, false);
      return;
    }
    let done: ReturnType<Http1ResponseParser['push']>;
    try {
      done = active.parser.push(data);
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    if (!done) return;
    this.#settle(active, done.response);
    const hint = /timeout=(\d+)/i.exec(done.response.headers['keep-alive'] ?? '');
    if (hint) this.expiresAt = Date.now() + Number(hint[1]) * 1000 - 1000;
    const reusable = done.response.reusable && done.extra.length === 0 && !this.#closed && this.expiresAt > Date.now();
    if (!reusable) this.destroy();
    this.#onFree(this, reusable);
  }

  #settle(active: Active, response: Http1Response): void {
    if (active.timer) clearTimeout(active.timer);
    this.#active = undefined;
    this.#answered++;
    active.waiter.resolve(response);
  }

  #onClose(err: Error | undefined): void {
    const wasClosed = this.#closed;
    this.#closed = true;
    const active = this.#active;
    if (active) {
      // A response read until the close is whole now, if the close was clean (an error, e.g. a
      // reset, cut it off); anything else was cut off. Either way the connection is done.
      const whole = err ? undefined : active.parser.end();
      if (!whole && active.reused && active.waiter.request.replayable && !active.parser.started) {
        // The server closed a kept connection as the request went out (see the module comment).
        this.#active = undefined;
        if (active.timer) clearTimeout(active.timer);
        this.destroy();
        this.#resend(active.waiter);
        this.#onFree(this, false);
        return;
      }
      if (!whole) {
        this.#fail(err ?? new Http1ConnectionError('connection closed before the response ended'));
        return;
      }
      this.#settle(active, whole);
      this.socket.destroy();
      this.#onFree(this, false);
      return;
    }
    if (!wasClosed) this.#onFree(this, false);
  }

  #fail(err: Error): void {
    const active = this.#active;
    this.#active = undefined;
    if (active?.timer) clearTimeout(active.timer);
    this.destroy();
    this.#onFree(this, false);
    active?.waiter.reject(err instanceof Http1ConnectionError ? err : new Http1ConnectionError(err.message, { cause: err }));
  }
}

/** Connections to one server. */
export class Http1Pool {
  readonly #connect: Connect;
  readonly #max: number;
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  readonly #waiting: Waiter[] = [];
  #closed = false;

  constructor(connect: Connect, options: { maxConnections?: number } = {}) {
    this.#connect = connect;
    this.#max = options.maxConnections && options.maxConnections > 0 ? options.maxConnections : Infinity;
  }

  /** Sends one request and resolves with its whole response; rejects with Http1ConnectionError or the timeout's error. */
  request(request: Http1Request): Promise<Http1Response> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ request, resolve, reject });
      this.#dispatch();
    });
  }

  /** Open connections (idle and busy). */
  get size(): number {
    return this.#all.size;
  }

  /** Closes idle connections now and busy ones once their answer is in; later requests still work, each on a new connection. */
  close(): void {
    this.#closed = true;
    for (const c of this.#idle.splice(0)) {
      this.#all.delete(c);
      c.destroy();
    }
  }

  #dispatch(): void {
    while (this.#waiting.length > 0) {
      let conn = this.#idle.pop();
      while (conn && (conn.closed || conn.expiresAt <= Date.now())) {
        this.#all.delete(conn);
        conn.destroy();
        conn = this.#idle.pop();
      }
      if (!conn) {
        if (this.#all.size >= this.#max) return;
        try {
          conn = this.#open();
        } catch (err) {
          // tls.connect throws at once on a bad certificate or key: that request fails now,
          // and leaves the queue (it must never be sent later on another connection).
          this.#waiting.shift()!.reject(new Http1ConnectionError((err as Error).message, { cause: err }));
          continue;
        }
      }
      conn.send(this.#waiting.shift()!);
    }
  }

  #open(): Connection {
    const conn = new Connection(this.#connect(), {
      free: (c, reusable) => this.#free(c, reusable),
      resend: (waiter) => this.#waiting.unshift(waiter),
    });
    this.#all.add(conn);
    return conn;
  }

  #free(conn: Connection, reusable: boolean): void {
    const at = this.#idle.indexOf(conn);
    if (at >= 0) this.#idle.splice(at, 1);
    if (reusable && !this.#closed) {
      // As node:http's Agent: a kept connection alone does not hold the process open (the API
      // server keeps idle connections 90 s; a script that forgot close() would wait that long).
      conn.socket.unref();
      this.#idle.push(conn);
    } else {
      this.#all.delete(conn);
      conn.destroy();
    }
    this.#dispatch();
  }
}

/** A Connect for `http:`/`https:` URLs or a Unix socket, with TLS options as https.Agent takes them. */
export function connector(url: URL, options: { socketPath?: string; ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized?: boolean }): Connect {
  if (options.socketPath) return () => net.connect({ path: options.socketPath! });
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:') {
    const port = Number(url.port || 80);
    return () => net.connect({ host, port });
  }
  const port = Number(url.port || 443);
  // SNI only for names (RFC 6066 forbids IP literals there); the certificate is checked against
  // the host either way, as https.request does.
  const servername = net.isIP(host) ? undefined : host;
  return () => tls.connect({ host, port, servername, ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: options.rejectUnauthorized ?? true });
}
