/**
 * @module The API server's request and response, independent of node:http, so that the HTTPS
 * server and the in-process transport run the very same handler code.
 */
import type { KubeObject } from '../api/types.js';
import type { Method } from '../client/transport.js';

export interface HandlerRequest {
  method: Method;
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /**
   * The raw body (already bounded in size by the transport). The in-process transport passes
   * its JSON as a string (the body's UTF-8 text): encoding it to bytes only to decode them
   * again cost two copies of every controller's write.
   */
  body?: Buffer | string;
  /**
   * Set only by the in-process transport: the request comes from a component inside the
   * control plane process, which needs no credentials. The HTTPS server never sets it.
   */
  inProcess?: boolean;
  /**
   * Set only by the in-process transport: a JSON answer may carry its value (`BodyResponse.value`)
   * instead of text, which the caller would only parse back. Such a caller reads no answer
   * headers (field-validation.ts skips the Warning-only check for it).
   */
  acceptsValue?: boolean;
  /**
   * With acceptsValue: the caller only reads the answer (ApiRequest.readOnlyResult), so a create
   * may answer with the object it handed its watches (RestStorage CreateOptions.sharedResult).
   */
  readOnlyResult?: boolean;
}

/** A complete answer. */
export interface BodyResponse {
  kind: 'body';
  status: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string | string[]>;
  /**
   * Only for a request with `acceptsValue`: the answer as a value, in place of `body` (then
   * empty). It belongs to the caller: nothing else holds it.
   */
  value?: unknown;
}

/** A streamed answer (watch, logs): `start` begins writing and returns a stop function. */
export interface StreamResponse {
  kind: 'stream';
  status: number;
  contentType: string;
  headers?: Record<string, string | string[]>;
  start(sink: StreamSink): () => void;
}

export interface StreamSink {
  /**
   * Writes a chunk. `false` (sinks with `onDrain` only): the consumer holds enough for now; a
   * writer that can wait (a long list) writes on once `onDrain` calls back.
   */
  write(chunk: string | Buffer): boolean | void;
  /** Calls back once the consumer has taken what it holds (a socket's 'drain'); never after the stream stopped. */
  onDrain?(callback: () => void): void;
  /**
   * Only the in-process transport's sink: a watch of plain JSON objects hands it each change as
   * a value instead of a line it would only parse back. The object is shared with every other
   * watch the change reaches: read-only, as informer objects are (client/README.md).
   */
  event?(event: { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }): void;
  /** Ends the stream (the server closed it: timeout, error event, shutdown). */
  end(): void;
}

export type HandlerResponse = BodyResponse | StreamResponse;

/** JSON answer helper. */
export function jsonResponse(status: number, value: unknown, headers?: Record<string, string | string[]>): BodyResponse {
  return { kind: 'body', status, contentType: 'application/json', body: JSON.stringify(value), headers };
}
