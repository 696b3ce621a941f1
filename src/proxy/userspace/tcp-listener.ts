/**
 * @module One TCP listener of the userspace proxy: accepts on `<ip>:<port>`, picks an endpoint
 * per connection (round-robin, ClientIP affinity), dials it and splices the two sockets.
 *
 * A dial that fails (refused, unreachable, or no answer within the attempt's timeout: 250 ms,
 * then 500 ms, 1 s, 2 s, as upstream's userspace proxy) is retried on another endpoint while
 * one is left untried, ignoring the client's affinity. When every attempt fails the client's
 * connection is reset (RST). Half-closes pass through; a reset on one side resets the other.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { endpointKey, ListenerPickers, type EndpointPicker } from './picker.js';
import type { ListenerSpec } from './plan.js';
import type { ProxyEndpoint } from '../types.js';
import { listenTcp } from '../sockets.js';

export const DEFAULT_CONNECT_TIMEOUTS_MS = [250, 500, 1000, 2000];

export interface ProxyListenerOptions {
  now: () => number;
  log: (line: string) => void;
  connectTimeoutsMs?: number[];
}

/** Connects to `ep` within `timeoutMs`; rejects with the socket error or a timeout error. */
function dial(ep: ProxyEndpoint, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: ep.ip, port: ep.port, allowHalfOpen: true, noDelay: true });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`connect ${endpointKey(ep)}: timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeListener('error', onError);
      resolve(sock);
    });
    const onError = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    sock.once('error', onError);
  });
}

/**
 * Tears a socket down with a TCP reset (RST) where it is a TCP socket; a Unix socket (the relay)
 * has no reset (Node throws ERR_INVALID_HANDLE_TYPE), so it is just destroyed.
 */
export function resetSocket(s: Socket): void {
  if (s.destroyed) return;
  try {
    s.resetAndDestroy();
  } catch {
    s.destroy();
  }
}

/** Splices two connected sockets: data and FIN both ways; an error or reset tears both down. */
export function splice(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const fail = (other: Socket) => (): void => resetSocket(other);
  a.on('error', fail(b));
  b.on('error', fail(a));
  a.on('close', (hadError) => hadError && fail(b)());
  b.on('close', (hadError) => hadError && fail(a)());
}

export class TcpProxyListener {
  readonly key: string;
  #spec: ListenerSpec;
  readonly #pickers: ListenerPickers;
  readonly #o: ProxyListenerOptions;
  readonly #server: Server;
  readonly #conns = new Set<Socket>();

  constructor(spec: ListenerSpec, options: ProxyListenerOptions) {
    this.key = spec.key;
    this.#spec = spec;
    this.#o = options;
    this.#pickers = new ListenerPickers(spec);
    this.#server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (client) => void this.#accept(client));
  }

  get spec(): ListenerSpec {
    return this.#spec;
  }

  get picker(): EndpointPicker {
    return this.#pickers.main;
  }

  /** Binds; rejects with the bind error (EADDRINUSE, EADDRNOTAVAIL, EACCES). */
  async listen(): Promise<void> {
    await listenTcp(this.#server, { host: this.#spec.ip, port: this.#spec.port, exclusive: true, onError: (err) => this.#o.log(`${this.key}: ${err.message}`) });
  }

  /** New endpoints or affinity; open connections stay where they are. */
  update(spec: ListenerSpec): void {
    this.#spec = spec;
    this.#pickers.update(spec);
  }

  async #accept(client: Socket): Promise<void> {
    this.#conns.add(client);
    client.once('close', () => this.#conns.delete(client));
    client.on('error', () => undefined);
    const upstream = await this.connectUpstream(client.remoteAddress ?? '', () => client.destroyed);
    if (!upstream) return resetSocket(client);
    if (client.destroyed) return void upstream.destroy();
    splice(client, upstream);
    client.resume();
  }

  /**
   * A connection to an endpoint for a client of this listener, with the retries described
   * above; undefined when every attempt failed or `abandoned()` became true. The relay uses it
   * too, so host traffic to this listener's address skips one hop.
   */
  async connectUpstream(clientIP: string, abandoned: () => boolean = () => false): Promise<Socket | undefined> {
    const timeouts = this.#o.connectTimeoutsMs ?? DEFAULT_CONNECT_TIMEOUTS_MS;
    const failed = new Set<string>();
    const picker = this.#pickers.for(clientIP);
    for (let attempt = 0; attempt < timeouts.length && !abandoned(); attempt++) {
      let ep = picker.pick(clientIP, this.#o.now(), { resetAffinity: attempt > 0, exclude: failed });
      if (!ep && failed.size) {
        // Every endpoint failed once: try them again, with the longer timeouts.
        failed.clear();
        ep = picker.pick(clientIP, this.#o.now(), { resetAffinity: true });
      }
      if (!ep) break;
      try {
        const upstream = await dial(ep, timeouts[attempt]);
        this.#conns.add(upstream);
        upstream.once('close', () => this.#conns.delete(upstream));
        return upstream;
      } catch (err) {
        failed.add(endpointKey(ep));
        this.#o.log(`${this.key} (${this.#spec.servicePort}): ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return undefined;
  }

  /** Stops accepting; established connections are left to finish (as conntrack keeps them). */
  async close(): Promise<void> {
    // server.close()'s callback waits for every connection to end; the listening socket itself
    // is gone at once, which is what matters here.
    if (this.#server.listening) this.#server.close();
  }

  /** Stops accepting and resets every connection. */
  async destroy(): Promise<void> {
    for (const c of this.#conns) c.destroy();
    await this.close();
  }
}
