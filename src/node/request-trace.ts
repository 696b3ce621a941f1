/**
 * @module The agent's API requests in the pod trace (KUBITO_POD_TRACE, pod-trace.ts), for
 * counting what a pod's start costs the API server (bench/pods.bench.ts): each request is marked
 * when sent and when answered, as the pseudo-pod `~api/<METHOD>:<resource>[/<subresource>]`
 * (phases `sent`, `answered`, `failed`); watches are marked once, when opened. Only with a
 * tracer: without one the agent uses its transport as it is.
 */
import type { ApiRequest, Transport, WatchHandlers, WatchStream } from '../client/transport.js';
import type { PodTracer } from './pod-trace.js';

/** The namespace of the trace's request lines. */
export const REQUEST_TRACE_NAMESPACE = '~api';

/**
 * A request's kind (pure): `<METHOD>:<resource>[/<subresource>]` from its path, e.g.
 * `PATCH:pods/status`, `POST:pods/binding`, `POST:events`, `PUT:leases`.
 */
export function requestKind(req: Pick<ApiRequest, 'method' | 'path'>): string {
  const { resource, subresource } = requestTarget(req.path);
  return `${req.method}:${resource}${subresource ? `/${subresource}` : ''}`;
}

/** The resource and subresource an API path names (pure; '' for none). */
export function requestTarget(path: string): { resource: string; subresource: string } {
  // /api/v1/[namespaces/<ns>/]<resource>[/<name>[/<subresource>]] or /apis/<group>/<version>/...
  const parts = path.split('/').filter(Boolean);
  let rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  return { resource: rest[0] ?? '', subresource: rest[2] ?? '' };
}

export class TracedTransport implements Transport {
  readonly #inner: Transport;
  readonly #trace: PodTracer;

  constructor(inner: Transport, trace: PodTracer) {
    this.#inner = inner;
    this.#trace = trace;
  }

  async request<T = unknown>(req: ApiRequest): Promise<T> {
    const ref = { metadata: { namespace: REQUEST_TRACE_NAMESPACE, name: requestKind(req) } };
    this.#trace.mark(ref, 'sent');
    try {
      const answer = await this.#inner.request<T>(req);
      this.#trace.mark(ref, 'answered');
      return answer;
    } catch (err) {
      this.#trace.mark(ref, 'failed');
      throw err;
    }
  }

  watch(req: ApiRequest, handlers: WatchHandlers): Promise<WatchStream> {
    this.#trace.mark({ metadata: { namespace: REQUEST_TRACE_NAMESPACE, name: `WATCH:${requestKind(req).split(':')[1]}` } }, 'sent');
    return this.#inner.watch(req, handlers);
  }
}
