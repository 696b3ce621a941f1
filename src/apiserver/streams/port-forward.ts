/**
 * @module The API server's half of `kubectl port-forward` (SPDY, raw or tunnelled in a
 * WebSocket): for each forwarded TCP connection the client opens an `error` stream (and
 * half-closes it at once) and a `data` stream, paired by their `requestid` header (kubelet's
 * httpStreamHandler). Each complete pair gets its own kubelet connection; bytes are copied both
 * ways on the data stream. A failure is written as text on the error stream, which kubectl
 * prints ("an error occurred forwarding ...").
 */
import type { SpdySession, SpdyStream } from './spdy-session.js';
import type { WebSocketConnection } from './websocket.js';
import { CloseCode } from './websocket.js';
import { WebSocketHandshakeError } from './websocket.js';

export interface PortForwardTarget {
  namespace: string;
  name: string;
  uid: string;
  /** Opens the kubelet connection for one forwarded TCP connection to `port`. */
  dial(port: number): Promise<WebSocketConnection>;
}

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
}

/** The pairing key: `requestid`, or for clients without it the error stream's id (K/K's fallback). */
function requestKey(stream: SpdyStream): string {
  const id = stream.header('requestid');
  if (id) return id;
  return String(stream.header('streamtype') === 'data' ? stream.id - 2 : stream.id);
}

/** A valid `port` header value, or an error message. */
export function parsePortHeader(value: string | undefined): number | string {
  if (!value) return '"port" header is required';
  if (!/^\d+$/.test(value)) return `unable to parse "${value}" as a port`;
  const port = Number(value);
  if (port < 1 || port > 65535) return `port "${value}" must be > 0 and < 65536`;
  return port;
}

/** Serves one port-forward session until the client closes it. */
export function servePortForward(session: SpdySession, target: PortForwardTarget): void {
  const pairs = new Map<string, Pair>();
  session.on('stream', (stream) => {
    stream.on('error', () => undefined);
    const type = stream.header('streamtype');
    const port = parsePortHeader(stream.header('port'));
    if ((type !== 'error' && type !== 'data') || typeof port === 'string') {
      stream.destroy();
      return;
    }
    const key = requestKey(stream);
    const pair = pairs.get(key) ?? {};
    pairs.set(key, pair);
    if (pair[type]) {
      pair.error?.end(`error processing stream for request ${key}: ${type} stream already assigned`);
      stream.destroy();
      return;
    }
    pair[type] = stream;
    if (type === 'error') stream.resume();
    else stream.pause();
    if (pair.error && pair.data) {
      pairs.delete(key);
      void forward({ error: pair.error, data: pair.data }, { port, target });
    }
  });
}

async function forward(pair: { error: SpdyStream; data: SpdyStream }, options: { port: number; target: PortForwardTarget }): Promise<void> {
  const { error, data } = pair;
  const { port, target } = options;
  const fail = (message: string): void => {
    if (!error.writableEnded && !error.destroyed) error.end(`error forwarding port ${port} to pod ${target.namespace}/${target.name}, uid ${target.uid}: ${message}`);
    if (!data.writableEnded && !data.destroyed) data.end();
  };
  let ws: WebSocketConnection;
  try {
    ws = await target.dial(port);
  } catch (err) {
    fail(err instanceof WebSocketHandshakeError ? err.body.toString('utf8').trim() || err.message : err instanceof Error ? err.message : String(err));
    return;
  }
  if (data.destroyed) {
    ws.close(CloseCode.normal);
    return;
  }
  data.on('data', (chunk: Buffer) => {
    if (chunk.length && !ws.send(chunk)) data.pause();
  });
  ws.on('drain', () => data.resume());
  // The client's FIN: the local connection sent all it will; pass the half-close on.
  data.on('end', () => ws.send(Buffer.alloc(0)));
  data.on('close', () => ws.close(CloseCode.normal));
  data.on('drain', () => ws.resume());
  ws.on('message', (chunk, binary) => {
    if (!binary) return;
    if (chunk.length === 0) {
      if (!data.writableEnded) data.end();
      return;
    }
    if (!data.writableEnded && !data.destroyed && !data.write(chunk)) ws.pause();
  });
  ws.on('close', (code, reason) => {
    if (code === CloseCode.normal || code === CloseCode.noStatus || code === CloseCode.goingAway) {
      if (!data.writableEnded && !data.destroyed) data.end();
      if (!error.writableEnded && !error.destroyed) error.end();
    } else {
      fail(reason || `connection to the pod closed (${code})`);
    }
  });
  data.resume();
}
