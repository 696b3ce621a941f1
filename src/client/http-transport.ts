/**
 * @module The Transport over the network: HTTPS (or plain HTTP, for tests and in-namespace use)
 * with keep-alive connections, a CA bundle and a bearer token or client certificate. Requests
 * go through http1-pool.ts (lean HTTP/1.1 over kept connections); watches through node:http,
 * whose streaming machinery costs nothing that matters for a connection held for minutes. Every failure
 * comes out as a StatusError: the server's own Status when it sent one, otherwise a Status built
 * the way client-go builds it (NewGenericServerResponse), and 503 ServiceUnavailable when no
 * answer arrived at all (refused, reset, TLS failure), with the Node error as `cause`.
 */
import http from 'node:http';
import https from 'node:https';
import { StatusError, newInternalError, newServiceUnavailable, newTimeout } from '../api/errors.js';
import type { Status, WatchEvent } from '../api/types.js';
import { Http1Pool, connector } from './http1-pool.js';
import type { Http1Response } from './http1-response.js';
import { JsonObjectSplitter, StreamDecodeError } from './json-stream.js';
import type { ApiRequest, Method, Transport, WatchHandlers, WatchStream } from './transport.js';
import { dropItemsManagedFields, watchEventWithoutManagedFields } from './trim.js';

export interface HttpTransportOptions {
  /** Base URL: `https://127.0.0.1:6443` or `http://127.0.0.1:8080`; a path prefix is kept. */
  server: string;
  /** PEM of the CA that signed the server certificate. Without it, Node's default CAs apply. */
  ca?: string | Buffer;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Client certificate and key (PEM), for certificate authentication. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Skip server certificate verification. For tests only. */
  insecureSkipTLSVerify?: boolean;
  /** Default `kubito-client`. */
  userAgent?: string;
  /** Deadline for one non-watch request in ms; 0 (default) waits as long as the server does. */
  timeoutMs?: number;
  /**
   * Connect to this Unix socket instead of the URL's host (the URL must then be `http:`, its host
   * is only the Host header): how the node agent reaches the API from another network namespace.
   */
  socketPath?: string;
  /**
   * Most connections open at once for requests other than watches (each watch holds a
   * connection of its own, apart from these); more requests wait for a free one. Default: no
   * limit. A client that sends bursts (the node agent's bindings and status writes for 50 pods)
   * would otherwise open a connection per request in flight, and the server pays for each new
   * one, while HTTP/1.1 gains nothing from them against a single-threaded server.
   */
  maxConnections?: number;
  /**
   * Drop `metadata.managedFields` from watch events (before they are parsed) and from the items
   * of list answers (trim.ts), as client-go's TransformStripManagedFields does for informers:
   * for a client whose reads feed caches that never read them (the node agent).
   */
  stripManagedFields?: boolean;
}

/** A Transport speaking HTTP/1.1 JSON to kube-apiserver (or kubito's API server). */
export class HttpTransport implements Transport {
  #base: URL;
  #prefix: string;
  /** Requests' connections, at most maxConnections. */
  #pool: Http1Pool;
  /** Watches' connections: a watch holds one for as long as it runs, outside maxConnections. */
  #watchAgent: http.Agent;
  #headers: Record<string, string>;
  /** #headers as request header lines, with Host: written once. */
  #headerLines: string;
  #timeoutMs: number;
  #socketPath: string | undefined;
  #stripManagedFields: boolean;

  constructor(options: HttpTransportOptions) {
    this.#base = new URL(options.server);
    if (this.#base.protocol !== 'https:' && this.#base.protocol !== 'http:') {
      throw new TypeError(`unsupported server URL ${options.server}: want https: or http:`);
    }
    this.#prefix = this.#base.pathname.replace(/\/+$/, '');
    const tls = { ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: !options.insecureSkipTLSVerify };
    this.#watchAgent = this.#base.protocol === 'https:' ? new https.Agent({ keepAlive: true, ...tls }) : new http.Agent({ keepAlive: true });
    this.#socketPath = options.socketPath;
    if (this.#socketPath && this.#base.protocol !== 'http:') throw new TypeError('socketPath needs an http: server URL');
    this.#pool = new Http1Pool(connector(this.#base, { socketPath: this.#socketPath, ...tls }), { maxConnections: options.maxConnections });
    this.#headers = { Accept: 'application/json', 'User-Agent': options.userAgent ?? 'kubito-client' };
    if (options.token) this.#headers.Authorization = `Bearer ${options.token}`;
    this.#headerLines = `Host: ${this.#base.host}\r\n${headerLines(this.#headers)}`;
    this.#timeoutMs = options.timeoutMs ?? 0;
    this.#stripManagedFields = options.stripManagedFields === true;
  }

  async request<T = unknown>(req: ApiRequest): Promise<T> {
    const url = this.#url(req.path, req.query);
    // Outside the try: a body JSON cannot encode is the caller's bug, not a 503 to retry.
    const bytes = this.#requestBytes(req, url);
    let res: Http1Response;
    try {
      res = await this.#pool.request({
        bytes,
        // Reads may be sent again when a kept connection turns out closed (http1-pool.ts).
        replayable: req.method === 'GET' && req.body === undefined,
        timeoutMs: this.#timeoutMs,
        onTimeout: () => newTimeout(`${req.method} ${url.pathname}: no answer within ${this.#timeoutMs}ms`),
      });
    } catch (err) {
      throw unreachable(req.method, url, err);
    }
    const text = res.body.toString('utf8');
    const status = res.status;
    if (status >= 200 && status < 300) {
      if (text.trim() === '') return undefined as T;
      try {
        const answer = JSON.parse(text) as T;
        if (this.#stripManagedFields && req.method === 'GET') dropItemsManagedFields(answer);
        return answer;
      } catch (err) {
        throw withCause(newInternalError(`invalid JSON in response to ${req.method} ${url.pathname}: ${describe(err)}`), err);
      }
    }
    throw statusErrorFromResponse(status, { method: req.method, body: text });
  }

  async watch(req: ApiRequest, handlers: WatchHandlers): Promise<WatchStream> {
    const url = this.#url(req.path, { ...req.query, watch: 'true' });
    const { res, req: clientReq } = await this.#sendWatch(url);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      const text = await readBody(res).catch(() => '');
      throw statusErrorFromResponse(status, { method: 'GET', body: text });
    }
    return decodeWatch(res, clientReq, handlers, url, this.#stripManagedFields ? watchEventWithoutManagedFields : undefined);
  }

  /** Closes idle keep-alive sockets and refuses reuse; call when the process is done with the API. */
  close(): void {
    this.#pool.close();
    this.#watchAgent.destroy();
  }

  #url(path: string, query: ApiRequest['query']): URL {
    const url = new URL(this.#prefix + path, this.#base);
    url.search = encodeQuery(query);
    return url;
  }

  /** A request's bytes: request line, headers, blank line, body (one buffer, one write). */
  #requestBytes(req: ApiRequest, url: URL): Buffer {
    let head = `${req.method} ${url.pathname}${url.search} HTTP/1.1\r\n${this.#headerLines}`;
    if (req.body === undefined) return Buffer.from(`${head}\r\n`, 'latin1');
    const body = JSON.stringify(req.body);
    const contentType = req.contentType ?? 'application/json';
    checkHeaderValue('Content-Type', contentType);
    head += `Content-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const bytes = Buffer.allocUnsafe(head.length + Buffer.byteLength(body));
    const at = bytes.write(head, 'latin1');
    bytes.write(body, at, 'utf8');
    return bytes;
  }

  /** Opens a watch: resolves on the response head. */
  #sendWatch(url: URL): Promise<{ res: http.IncomingMessage; req: http.ClientRequest }> {
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const clientReq = send(url, { method: 'GET', headers: { ...this.#headers }, agent: this.#watchAgent, socketPath: this.#socketPath });
      clientReq.on('response', (res) => resolve({ res, req: clientReq }));
      clientReq.on('error', (err) => reject(unreachable('GET', url, err)));
      clientReq.end();
    });
  }

}

/**
 * Feeds a watch response body to `handlers`, one decoded event at a time. Events may be split
 * across chunks anywhere, also inside a multi-byte character. `onClose` runs once: with no
 * argument when the server ended the stream cleanly, with a StatusError otherwise, and never
 * after `stop()`.
 */
function decodeWatch(res: http.IncomingMessage, req: http.ClientRequest, handlers: WatchHandlers, url: URL, trim: ((text: string) => string) | undefined): WatchStream {
  const splitter = new JsonObjectSplitter();
  let done = false;
  function close(err?: Error): void {
    if (done) return;
    done = true;
    res.destroy();
    handlers.onClose(err);
  }
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    if (done) return;
    let events: unknown[];
    let fault: StreamDecodeError | undefined;
    try {
      events = splitter.pushParsed(chunk, trim);
    } catch (err) {
      if (!(err instanceof StreamDecodeError)) throw err;
      fault = err;
      events = err.parsed;
    }
    for (const event of events) {
      if (done) return;
      handlers.onEvent(event as WatchEvent);
    }
    if (fault) {
      const what = fault.kind === 'framing' ? 'stream' : 'event';
      close(withCause(newInternalError(`undecodable watch ${what} from ${url.pathname}: ${describe(fault.cause)}`), fault.cause));
    }
  });
  res.on('end', () => {
    if (splitter.isIdle()) close();
    else close(newInternalError(`watch stream from ${url.pathname} ended inside an event`));
  });
  res.on('error', (err) => close(unreachable('GET', url, err)));
  res.on('close', () => close(unreachable('GET', url, new Error('connection closed before the stream ended'))));
  return {
    stop() {
      if (done) return;
      done = true;
      req.destroy();
      res.destroy();
    },
  };
}

/** Encodes query parameters; arrays repeat the key, undefined values are left out. */
export function encodeQuery(query: ApiRequest['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  }
  return params.toString();
}

const GENERIC: Record<number, { reason?: string; message?: string }> = {
  400: { reason: 'BadRequest', message: 'the server rejected our request for an unknown reason' },
  401: { reason: 'Unauthorized', message: 'the server has asked for the client to provide credentials' },
  403: { reason: 'Forbidden' },
  404: { reason: 'NotFound', message: 'the server could not find the requested resource' },
  405: { reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' },
  406: { reason: 'NotAcceptable' },
  409: { reason: 'Conflict', message: 'the server reported a conflict' },
  415: { reason: 'UnsupportedMediaType' },
  422: { reason: 'Invalid', message: 'the server rejected our request due to an error in our request' },
  429: { reason: 'TooManyRequests', message: 'the server has received too many requests and has asked us to try again later' },
  504: { reason: 'Timeout', message: 'the server was unable to return a response in the time allotted, but may still be processing the request' },
};

/**
 * The StatusError for a non-2xx answer. A Status body is taken as is (its `code` filled from the
 * HTTP status if missing); any other body gives client-go's generic messages, with the body
 * text as an `UnexpectedServerResponse` cause.
 */
export function statusErrorFromResponse(code: number, options: { method: Method; body: string }): StatusError {
  const parsed = parseJson(options.body);
  if (isStatus(parsed)) {
    return new StatusError({ ...parsed, code: typeof parsed.code === 'number' && parsed.code > 0 ? parsed.code : code });
  }
  const text = options.body.trim();
  const generic = GENERIC[code] ?? {};
  let reason = generic.reason;
  let message = generic.message ?? text;
  if (code === 409 && options.method === 'POST') reason = 'AlreadyExists';
  if (!generic.reason && code >= 500) {
    reason = code === 503 ? 'ServiceUnavailable' : 'InternalError';
    message = `an error on the server (${JSON.stringify(text)}) has prevented the request from succeeding`;
  }
  if (!message) message = `the server responded with the status code ${code} but did not return more information`;
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
  if (reason) status.reason = reason;
  if (text) status.details = { causes: [{ reason: 'UnexpectedServerResponse', message: text }] };
  return new StatusError(status);
}

function isStatus(value: unknown): value is Status {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Header lines (`Name: value\r\n`...); a value that would break the request's framing is refused. */
function headerLines(headers: Record<string, string>): string {
  let out = '';
  for (const [name, value] of Object.entries(headers)) {
    checkHeaderValue(name, value);
    out += `${name}: ${value}\r\n`;
  }
  return out;
}

function checkHeaderValue(name: string, value: string): void {
  // Only visible ASCII, space and tab, as node:http's checkInvalidHeaderChar allows latin1: no
  // CR, LF or NUL that would end the header early.
  if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) throw new TypeError(`invalid character in the ${name} header`);
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new Error('connection closed before the response ended'));
    });
  });
}

/** No (complete) answer: refused, reset, TLS failure, client timeout. */
function unreachable(method: string, url: URL, err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  return withCause(newServiceUnavailable(`${method} ${JSON.stringify(url.href)}: ${describe(err)}`), err);
}

function withCause(err: StatusError, cause: unknown): StatusError {
  err.cause = cause;
  return err;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
