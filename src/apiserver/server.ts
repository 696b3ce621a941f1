/**
 * @module The HTTPS front of the API server: reads requests (bounded in size, as
 * kube-apiserver's 3 MiB limit), hands them to the ApiHandler, and writes whole or streamed
 * answers. HTTP/1.1 only: client-go falls back to it, and upgrades (exec, port-forward) need it.
 */
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { newRequestEntityTooLarge, toStatusError } from '../api/errors.js';
import type { Method } from '../client/transport.js';
import type { HandlerRequest, HandlerResponse } from './http-types.js';

/** kube-apiserver's default --max-request-bytes for JSON bodies. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

const METHODS = new Set<Method>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

const CRLF = Buffer.from('\r\n');

export interface ServeOptions {
  host: string;
  port: number;
  certPem: string;
  keyPem: string;
  /**
   * Connection upgrades (pod exec/attach/portforward: WebSocket GETs and SPDY POSTs both
   * arrive here); the callee owns the socket. Absent: 404.
   */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /**
   * Requests served from the raw node request ahead of the handler (the proxy subresources,
   * which relay any method, body and answer): returns true when it took the request.
   */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(newRequestEntityTooLarge(`limit is ${MAX_BODY_BYTES}`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(newRequestEntityTooLarge(`limit is ${MAX_BODY_BYTES}`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  // Each Impersonate-Group or -Extra-* header is one value, commas and all (impersonation.ts):
  // kept apart by a newline, which no header value holds.
  for (const k of Object.keys(out)) {
    if (k === 'impersonate-group' || k.startsWith('impersonate-extra-')) out[k] = req.headersDistinct[k]?.join('\n');
  }
  return out;
}

function write(res: ServerResponse, response: HandlerResponse, onClose: (stop: () => void) => void): void {
  const headers: Record<string, string | string[]> = { 'Content-Type': response.contentType, 'Cache-Control': 'no-cache, private', ...(response.headers ?? {}) };
  if (response.kind === 'body') {
    // A text body goes to res.end as it is: Node then writes the head and the body as one
    // string (one write of the socket, no Buffer made of the body first).
    // Header values past ASCII are UTF-8 bytes one latin1 character each (warningHeaderValue):
    // with a text body Node would encode the head as UTF-8 too, so the body goes as bytes then.
    const body = typeof response.body === 'string' && headersPastAscii(response.headers) ? Buffer.from(response.body) : response.body;
    headers['Content-Length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    res.writeHead(response.status, headers);
    res.end(body);
    return;
  }
  delete headers['Transfer-Encoding'];
  res.writeHead(response.status, headers);
  // flushHeaders writes the head as a UTF-8 string; an empty Buffer makes Node write it as
  // latin1, as header values past ASCII need (headersPastAscii), and no chunk of its own.
  if (headersPastAscii(response.headers)) res.write(Buffer.alloc(0));
  else res.flushHeaders();
  // Chunks of a chunked answer go to the socket framed by hand, one buffer each: a change
  // reaches every watcher in the same turn, and ServerResponse.write (three buffers per chunk
  // through its writable machinery) was a fair part of the per-watcher cost in JS. As
  // ServerResponse does, the socket stays corked until the next tick, so the chunks of one
  // turn (a batch of changes) leave in one write. res.end() still writes the last chunk. An
  // HTTP/1.0 client (no chunked encoding) gets res.write. The first chunk of a turn goes out
  // at once, uncorked: a single change fanned out to many watchers then reaches the first
  // sockets while the server still writes to the rest (corking all of them held every
  // watcher's bytes until the whole fan-out and the writer's handler were done).
  const chunked = res.chunkedEncoding;
  let corked: Socket | undefined;
  let wroteThisTurn = false;
  const uncork = (): void => {
    corked?.uncork();
    corked = undefined;
    wroteThisTurn = false;
  };
  const stop = response.start({
    write: (chunk) => {
      if (res.writableEnded) return true;
      const socket = res.socket;
      if (!chunked || !socket || socket.destroyed) return res.write(chunk);
      if (chunk.length === 0) return true;
      if (!wroteThisTurn) {
        wroteThisTurn = true;
        process.nextTick(uncork);
      } else if (!corked) {
        corked = socket;
        socket.cork();
      }
      return socket.write(typeof chunk === 'string' ? framedText(chunk) : framed(chunk));
    },
    onDrain: (callback) => {
      if (res.destroyed || res.writableEnded) return;
      const emitter = res.socket && chunked ? res.socket : res;
      const done = (): void => {
        emitter.off('drain', done);
        res.off('close', done);
        if (!res.destroyed && !res.writableEnded) callback();
      };
      emitter.on('drain', done);
      res.on('close', done);
    },
    end: () => {
      if (!res.writableEnded) res.end();
    },
  });
  onClose(stop);
}

function headersPastAscii(headers: Record<string, string | string[]> | undefined): boolean {
  if (!headers) return false;
  for (const value of Object.values(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) if (/[^\x00-\x7f]/.test(v)) return true;
  }
  return false;
}

/**
 * The last text chunk framed (size line, UTF-8 bytes, CRLF). A watch event's line is one string
 * handed to every watcher of the change in turn (watch.ts encodes it once), so its frame is
 * encoded once and the same bytes written to each socket (a socket never modifies what it
 * writes), instead of measuring, concatenating and encoding the text once per watcher.
 */
let lastFrame: { text: string; frame: Buffer } | undefined;

function framedText(text: string): Buffer {
  if (lastFrame?.text === text) return lastFrame.frame;
  const frame = framed(Buffer.from(text));
  lastFrame = { text, frame };
  return frame;
}

/** One chunk of chunked transfer encoding: its size in hex, CRLF, the bytes, CRLF. */
function framed(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, CRLF]);
}

/** Answers one request; never rejects (ApiHandler.handle has this shape). */
export type RequestHandler = (req: HandlerRequest) => Promise<HandlerResponse>;

/** Answers requests of a node:http(s) server with `handle`; keeps open streams so close() can end them. */
function attach(server: HttpServer, handle: RequestHandler, options: { inProcess: boolean; intercept?: ServeOptions['intercept'] }): Set<() => void> {
  const streams = new Set<() => void>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (options.intercept?.(req, res)) return;
    void (async () => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const method = (req.method ?? 'GET').toUpperCase() as Method;
      let response: HandlerResponse;
      try {
        if (!METHODS.has(method)) throw toStatusError(new Error(`method ${method} is not supported`));
        const body = method === 'GET' ? undefined : await readBody(req);
        const request: HandlerRequest = { method, path: url.pathname, query: url.searchParams, headers: headersOf(req), body };
        if (options.inProcess) request.inProcess = true;
        response = await handle(request);
      } catch (err) {
        const status = toStatusError(err).status;
        response = { kind: 'body', status: status.code, contentType: 'application/json', body: JSON.stringify(status) };
      }
      try {
        write(res, response, (stop) => {
          // The client may have left while the answer was made ('close' has fired already): a
          // stream kept open for it would hold its registry watch or list until shutdown.
          if (res.destroyed) return stop();
          streams.add(stop);
          const done = (): void => {
            streams.delete(stop);
            stop();
          };
          res.on('close', done);
        });
      } catch (err) {
        // A bug in making the answer (a header value Node refuses, a stream that throws as it
        // starts) must cost this request, not the process: unhandled, it would end it.
        console.error(`apiserver: ${method} ${url.pathname}: writing the answer:`, err);
        if (!res.headersSent) {
          const status = toStatusError(err).status;
          res.writeHead(status.code, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(status));
        } else res.destroy();
      }
    })();
  });
  return streams;
}

function closer(server: HttpServer, streams: Set<() => void>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const stop of streams) stop();
      streams.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

export async function serve(handle: RequestHandler, options: ServeOptions): Promise<RunningServer> {
  const server = createHttpsServer({ cert: options.certPem, key: options.keyPem, keepAlive: true });
  tuneForWatches(server);
  const streams = attach(server, handle, { inProcess: false, intercept: options.intercept });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (options.upgrade) options.upgrade(req, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return { server, port, close: closer(server, streams) };
}

/**
 * Listens on the Unix socket `path`, created with mode 0600 (the umask is narrowed while it is
 * made) in a 0700 directory; a stale socket file there is removed first.
 */
async function listenPrivate(server: HttpServer | NetServer, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  rmSync(path, { force: true });
  const previous = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(previous);
  }
}

/**
 * Plain HTTP on a Unix socket for components outside this process (the node agent, which
 * lives in another network namespace). Requests are trusted like in-process ones: the socket
 * is created mode 0600 in a 0700 directory, so only the cluster's user can connect.
 */
export async function serveUnix(handle: RequestHandler, path: string): Promise<{ server: HttpServer; close(): Promise<void> }> {
  const server = createHttpServer({ keepAlive: true });
  tuneForWatches(server);
  const streams = attach(server, handle, { inProcess: true });
  await listenPrivate(server, path);
  const close = closer(server, streams);
  return {
    server,
    close: async () => {
      await close();
      rmSync(path, { force: true });
    },
  };
}

/**
 * The HTTPS server's own TLS, on a Unix socket: every connection is handed to `tls` as if it
 * had arrived on its TCP port, so it is the very same API (certificate, bearer-token auth,
 * upgrades). The node agent relays pods' TCP connections to it (10.244.0.1:<api port>, the
 * `kubernetes` Service's endpoint), which it cannot reach on 127.0.0.1 from its network
 * namespace. Mode 0600 in a 0700 directory, like api.sock; clients authenticate over TLS anyway.
 */
export async function serveTlsOnUnix(tls: Server, path: string): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    tls.emit('connection', socket);
  });
  await listenPrivate(server, path);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          rmSync(path, { force: true });
          resolve();
        });
      }),
  };
}

function tuneForWatches(server: HttpServer): void {
  // Watches live long; the default 5-minute request timeout would cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 90_000;
}
