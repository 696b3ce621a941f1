/**
 * @module How the client reaches an API server: over HTTPS, or in-process by calling the API
 * server's request handler directly (same code path, same semantics, no socket). Everything in
 * `client/` is written against this interface only.
 */
import type { WatchEvent } from '../api/types.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  method: Method;
  /** Absolute API path without query: `/api/v1/namespaces/default/services`. */
  path: string;
  /** Query parameters; repeated parameters as arrays. */
  query?: Record<string, string | string[] | undefined>;
  /** JSON body (already an object). */
  body?: unknown;
  /** Content-Type of the body; defaults to application/json. Patches set theirs. */
  contentType?: string;
  /**
   * The caller only reads the answer (WriteOptions.readOnlyResult): an in-process transport may
   * hand it the object the server handed its watches, shared, instead of a copy of its own.
   */
  readOnlyResult?: boolean;
}

export interface WatchHandlers {
  /** One decoded event. BOOKMARK and ERROR events come through here too. */
  onEvent(event: WatchEvent): void;
  /** The stream ended: by the server (no error, e.g. timeoutSeconds), or with an error. Called once. */
  onClose(err?: Error): void;
}

export interface WatchStream {
  /** Stops the watch; onClose is not called after stop(). Idempotent. */
  stop(): void;
}

export interface Transport {
  /**
   * Sends one request. Resolves with the decoded JSON body of a 2xx answer; rejects with a
   * StatusError (from `api/errors.ts`) built from the server's Status otherwise.
   */
  request<T = unknown>(req: ApiRequest): Promise<T>;

  /**
   * Opens a watch (the request gets `watch=true`). Resolves once the server has accepted it;
   * rejects with a StatusError if the server refused it (e.g. 410 Expired).
   */
  watch(req: ApiRequest, handlers: WatchHandlers): Promise<WatchStream>;
}
