/**
 * @module The agent's API requests in order of what they finish: at most `limit` in flight (the
 * transport's connections), and of those waiting, a pod's status write goes first, then the
 * rest (bindings, reads, deletes), then Events. In a burst the API server is the bottleneck and
 * took the agent's requests in the order they came: a Running status — the last request of its
 * pod's start — waited behind the bindings of pods that were still to be started (9 start
 * slots) and, once they were sent, behind Events. Served first it ends a pod's start; a binding
 * only lets a pod queue for a start slot. Watches are not queued (their own connections).
 * Within a class, first come first served; the classes are strict, and every producer is bounded
 * by the pods (one status write per change, one binding per pod), so none starves. `urgent`
 * puts a request in the first class: the agent's bindings while few bound pods wait for a start
 * slot (served after the status writes, they left the slots idle: a burst's binding took 90 ms
 * at p50 where its status writes took 27).
 */
import type { ApiRequest, Transport, WatchHandlers, WatchStream } from '../client/transport.js';
import { requestTarget } from './request-trace.js';

/**
 * The classes: `status-first` as above; `events-last`: Events after everything else, the rest
 * in the order they came.
 */
export type RequestOrder = 'status-first' | 'events-last';

/** Whether a request is a pod's binding (pure). */
export function isBinding(req: Pick<ApiRequest, 'method' | 'path'>): boolean {
  return req.method === 'POST' && req.path.endsWith('/binding');
}

/** A request's class (pure): 0 is served first. */
export function requestPriority(req: Pick<ApiRequest, 'method' | 'path'>, order: RequestOrder = 'status-first'): number {
  const { resource, subresource } = requestTarget(req.path);
  if (order === 'events-last') return resource === 'events' ? 2 : 1;
  // The node's own heartbeat (Lease, Node status) must not wait behind a burst either.
  // The Lease's renewal reads it first (a GET), then writes it: both go first.
  if (resource === 'leases') return 0;
  if (req.method !== 'GET' && (resource === 'pods' || resource === 'nodes') && subresource === 'status') return 0;
  if (resource === 'events') return 2;
  return 1;
}

interface Waiting {
  start(): void;
}

export class PriorityTransport implements Transport {
  readonly #inner: Transport;
  readonly #limit: number;
  readonly #order: RequestOrder;
  readonly #urgent: ((req: ApiRequest) => boolean) | undefined;
  #inFlight = 0;
  readonly #waiting: Waiting[][] = [[], [], []];

  constructor(inner: Transport, options: { limit: number; order?: RequestOrder; urgent?: (req: ApiRequest) => boolean }) {
    this.#inner = inner;
    this.#order = options.order ?? 'status-first';
    this.#urgent = options.urgent;
    this.#limit = Math.max(1, options.limit);
  }

  /** Requests sent and not yet answered, and those waiting (for tests). */
  get counts(): { inFlight: number; waiting: number } {
    return { inFlight: this.#inFlight, waiting: this.#waiting.reduce((n, q) => n + q.length, 0) };
  }

  async request<T = unknown>(req: ApiRequest): Promise<T> {
    if (this.#inFlight >= this.#limit) {
      const priority = this.#urgent?.(req) ? 0 : requestPriority(req, this.#order);
      await new Promise<void>((start) => this.#waiting[priority].push({ start }));
    }
    else this.#inFlight++;
    try {
      return await this.#inner.request<T>(req);
    } finally {
      this.#next();
    }
  }

  watch(req: ApiRequest, handlers: WatchHandlers): Promise<WatchStream> {
    return this.#inner.watch(req, handlers);
  }

  /** A request ended: its place goes to the first waiting of the most urgent class, else is freed. */
  #next(): void {
    for (const queue of this.#waiting) {
      const next = queue.shift();
      // The place passes on: inFlight stays as it is.
      if (next) return next.start();
    }
    this.#inFlight--;
  }
}
