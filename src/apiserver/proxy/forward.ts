/**
 * @module Relays one client request over a connection to the backend, as apimachinery's
 * UpgradeAwareHandler does: a plain request through an HTTP client on that connection (body
 * streamed both ways, `Location` and HTML links rewritten, rewrite.ts), an upgrade request
 * (WebSocket, SPDY) written as it is and then spliced byte for byte once the backend answers.
 */
import { request, STATUS_CODES, type IncomingMessage, type RequestOptions, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { gunzipSync, gzipSync, deflateSync, inflateSync } from 'node:zlib';
import { newServiceUnavailable, StatusError } from '../../api/errors.js';
import { splice } from './dial.js';
import type { PooledTarget } from './pool.js';
import { responseHeaders, rewriteHTML, rewriteURL, type RawHeaders, type RewriteContext } from './rewrite.js';

/** Upstream's 503 for a backend that cannot be reached or answered nothing. */
export function unreachable(err: unknown): StatusError {
  const message = err instanceof Error ? err.message : String(err);
  // Node's words for a connection closed before an answer; Go's are "EOF".
  return newServiceUnavailable(`error trying to reach service: ${message === 'socket hang up' ? 'EOF' : message}`);
}

export interface ForwardOptions {
  method: string;
  /** Path and query for the backend. */
  path: string;
  headers: RawHeaders;
  rewrite: RewriteContext;
  /**
   * How to reach the backend, as node's request options: `createConnection` (a TLS connection
   * dialed for this request), `agent` with the pool's target (pool.ts), or `socketPath` (the
   * kubelet API, for nodes/proxy).
   */
  via: RequestOptions & Partial<PooledTarget>;
}

/** Methods whose request Go's transport sends again on a fresh connection when a reused one was closed under it. */
const RETRIED = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Sends the request and writes the backend's answer to `res`. Rejects (before anything is
 * written) with the 503 the client gets when the backend cannot be reached. A request without
 * a body whose kept-alive connection the backend had just closed goes once more, as Go's
 * transport does.
 */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): Promise<void> {
  const bodyless = RETRIED.has(options.method) && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
  return new Promise((resolve, reject) => {
    const attempt = (retry: boolean): void => {
      const out = request({ method: options.method, path: options.path, headers: options.headers, setHost: false, ...options.via });
      let answered = false;
      out.on('response', (backend) => {
        answered = true;
        writeAnswer(backend, res, { method: options.method, rewrite: options.rewrite }).then(resolve, (err: unknown) => {
          res.destroy();
          reject(err);
        });
      });
      // A 101 to a request that asked for no upgrade: node hands over the socket and answers
      // neither 'response' nor 'error'; the client gets the 503 of a backend that misbehaved.
      out.on('upgrade', (_answer, socket: Duplex) => {
        socket.destroy();
        if (answered) return;
        answered = true;
        reject(unreachable(new Error('unexpected 101 Switching Protocols to a request without Upgrade')));
      });
      out.on('error', (err) => {
        if (answered) res.destroy();
        else if (retry && out.reusedSocket && !res.destroyed) attempt(false);
        else reject(unreachable(err));
      });
      res.on('close', () => {
        if (!res.writableFinished) out.destroy();
      });
      if (bodyless) out.end();
      else req.pipe(out);
    };
    attempt(bodyless);
  });
}

function header(raw: RawHeaders, name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === name) return raw[i + 1];
  return undefined;
}

function withHeader(raw: RawHeaders, name: string, value: string | undefined): RawHeaders {
  const out: RawHeaders = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() !== name.toLowerCase()) out.push(raw[i], raw[i + 1]);
  if (value !== undefined) out.push(name, value);
  return out;
}

const CODECS: Record<string, { decode(b: Buffer): Buffer; encode(b: Buffer): Buffer }> = {
  '': { decode: (b) => b, encode: (b) => b },
  gzip: { decode: gunzipSync, encode: gzipSync },
  deflate: { decode: inflateSync, encode: deflateSync },
};

async function writeAnswer(backend: IncomingMessage, res: ServerResponse, options: { method: string; rewrite: RewriteContext }): Promise<void> {
  let headers = responseHeaders(backend.rawHeaders);
  const status = backend.statusCode ?? 502;
  const location = header(headers, 'location');
  const type = (header(headers, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  const codec = CODECS[(header(headers, 'content-encoding') ?? '').trim().toLowerCase()];
  const hasBody = options.method !== 'HEAD' && status !== 204 && status !== 304;
  if (location) {
    headers = withHeader(headers, 'Location', rewriteURL(location, options.rewrite));
  } else if (type === 'text/html' && codec && hasBody) {
    // Transport.rewriteResponse: the whole page, decoded, rewritten, encoded again.
    const body = Buffer.concat(await backend.toArray());
    const page = codec.encode(Buffer.from(rewriteHTML(codec.decode(body).toString(), (url) => rewriteURL(url, options.rewrite))));
    res.writeHead(status, STATUS_CODES[status] ?? '', withHeader(headers, 'Content-Length', String(page.length)));
    res.end(page);
    return;
  }
  res.writeHead(status, STATUS_CODES[status] ?? '', headers);
  res.flushHeaders();
  await new Promise<void>((resolve, reject) => {
    backend.pipe(res);
    backend.on('end', resolve);
    backend.on('error', reject);
    res.on('close', resolve);
  });
}

/**
 * Writes the upgrade request to the backend, waits for its answer's head, and then splices the
 * two connections. A backend answer that is neither 101 nor an error is refused as upstream
 * does (`invalid upgrade response: status code N`, thrown before anything is written).
 */
export async function forwardUpgrade(client: Duplex, backend: Duplex, options: { method: string; path: string; headers: RawHeaders; head: Buffer }): Promise<void> {
  // A client that leaves takes the backend connection with it, also while its answer is awaited
  // (its end may come and go before the splice listens: readableEnded).
  const gone = (): boolean => client.destroyed || client.readableEnded;
  const leave = (): void => {
    client.destroy();
    backend.destroy();
  };
  client.once('close', leave);
  client.once('end', leave);
  if (gone()) return leave();
  const lines = [`${options.method} ${options.path} HTTP/1.1`];
  for (let i = 0; i < options.headers.length; i += 2) lines.push(`${options.headers[i]}: ${options.headers[i + 1]}`);
  backend.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (options.head.length) backend.write(options.head);
  const answer = await readHead(backend);
  if (gone()) return leave();
  const code = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer.toString('latin1'))?.[1] ?? 0);
  if (code !== 101 && code < 400) {
    backend.destroy();
    throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message: `invalid upgrade response: status code ${code}` });
  }
  client.write(answer);
  splice(client, backend);
}

/** Reads until the end of an HTTP head (`\r\n\r\n`); returns every byte read, body bytes included. */
function readHead(stream: Duplex): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      if (seen.indexOf('\r\n\r\n') < 0 && seen.length < 64 * 1024) return;
      cleanup();
      stream.pause();
      resolve(seen);
    };
    const onEnd = (): void => {
      cleanup();
      reject(unreachable(new Error('EOF')));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(unreachable(err));
    };
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
