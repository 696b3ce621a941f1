/**
 * @module A client Transport that calls the API handler directly: components running in the
 * control plane process (controllers) use it to skip TLS and sockets while going through the
 * very same request handling as kubectl does.
 */
import { StatusError, newInternalError } from '../api/errors.js';
import type { Status, WatchEvent } from '../api/types.js';
import type { ApiHandler } from '../apiserver/handler.js';
import type { HandlerRequest } from '../apiserver/http-types.js';
import type { ApiRequest, Transport, WatchHandlers, WatchStream } from '../client/transport.js';

function toHandlerRequest(req: ApiRequest, userAgent: string, watch: boolean): HandlerRequest {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query ?? {})) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) query.append(k, item);
  }
  if (watch) query.set('watch', 'true');
  return {
    method: req.method,
    path: req.path,
    query,
    headers: { accept: 'application/json', 'content-type': req.contentType ?? 'application/json', 'user-agent': userAgent },
    // The JSON text as it is (HandlerRequest.body): no bytes to encode and decode again.
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
    inProcess: true,
    acceptsValue: !watch,
    readOnlyResult: !watch && req.readOnlyResult === true,
  };
}

function statusError(body: string | Buffer): StatusError {
  try {
    return new StatusError(JSON.parse(body.toString()) as Status);
  } catch {
    return newInternalError(body.toString());
  }
}

export class InProcessTransport implements Transport {
  readonly #handler: ApiHandler;
  readonly #userAgent: string;

  /** `userAgent` names the component (it becomes the default field manager). */
  constructor(handler: ApiHandler, userAgent: string) {
    this.#handler = handler;
    this.#userAgent = userAgent;
  }

  async request<T = unknown>(req: ApiRequest): Promise<T> {
    const res = await this.#handler.handle(toHandlerRequest(req, this.#userAgent, false));
    if (res.kind !== 'body') throw newInternalError(`unexpected stream answer to ${req.method} ${req.path}`);
    if (res.status >= 300) throw statusError(res.body);
    if (res.value !== undefined) return res.value as T;
    return JSON.parse(res.body.toString()) as T;
  }

  async watch(req: ApiRequest, handlers: WatchHandlers): Promise<WatchStream> {
    const res = await this.#handler.handle(toHandlerRequest(req, this.#userAgent, true));
    if (res.kind === 'body') throw statusError(res.body);
    let stopped = false;
    let buffered = '';
    const stop = res.start({
      write(chunk) {
        if (stopped) return;
        buffered += chunk.toString();
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim()) handlers.onEvent(JSON.parse(line) as WatchEvent);
        }
      },
      // Objects straight from the registry, shared with the other watches (read-only, as informer objects are).
      event(ev) {
        if (!stopped) handlers.onEvent(ev);
      },
      end() {
        if (stopped) return;
        stopped = true;
        handlers.onClose();
      },
    });
    return {
      stop() {
        if (stopped) return;
        stopped = true;
        stop();
      },
    };
  }
}
