/**
 * @module The kube API for pods: the `default/kubernetes` Service's endpoint is the node's
 * address on the pod network (10.244.0.1) and the API's port, where kube-apiserver itself
 * would listen. kubito's API listens on 127.0.0.1 in the host namespace, which pods cannot
 * reach, so the agent listens there (in the node namespace) and relays each TCP connection,
 * bytes unchanged, to the API's TLS on a Unix socket (`<data-dir>/run/api-tls.sock`): TLS ends
 * in the API server, with its certificate (which names 10.244.0.1 and 10.96.0.1) and its
 * authentication. The port follows the Endpoints (`--api-port 0` picks a new one each start).
 */
import net from 'node:net';

/** The port the `default/kubernetes` Endpoints publish for `address`, if any. */
export function apiEndpointPort(endpoints: { subsets?: Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ name?: string; port: number; protocol?: string }> }> } | undefined, address: string): number | undefined {
  for (const subset of endpoints?.subsets ?? []) {
    if (!(subset.addresses ?? []).some((a) => a.ip === address)) continue;
    const port = (subset.ports ?? []).find((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.name === 'https' || subset.ports!.length === 1));
    if (port) return port.port;
  }
  return undefined;
}

export class ApiRelay {
  readonly #host: string;
  readonly #target: string;
  readonly #log: (line: string) => void;
  #server: net.Server | undefined;
  #port: number | undefined;
  #sockets = new Set<net.Socket>();
  #queue: Promise<void> = Promise.resolve();

  /** Listens on `host` (once a port is set) and relays to the Unix socket `target`. */
  constructor(host: string, options: { target: string; log(line: string): void }) {
    this.#host = host;
    this.#target = options.target;
    this.#log = options.log;
  }

  get port(): number | undefined {
    return this.#port;
  }

  /**
   * Listens on `port` (undefined: stops listening); calls take effect one after another.
   * Connections already relayed stay.
   */
  listen(port: number | undefined): Promise<void> {
    const next = this.#queue.then(() => this.#listen(port));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #listen(port: number | undefined): Promise<void> {
    if (port === this.#port && (port === undefined || this.#server)) return;
    await this.#closeServer();
    this.#port = port;
    if (port === undefined) return;
    // Half-open: a client's FIN is passed on, and the answer still comes back.
    const server = net.createServer({ allowHalfOpen: true }, (client) => this.#relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.#host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
  }

  #relay(client: net.Socket): void {
    const upstream = net.connect({ path: this.#target, allowHalfOpen: true });
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    let connected = false;
    upstream.once('connect', () => (connected = true));
    upstream.once('error', (err) => {
      // Only a failure to reach the API is news; resets mid-connection are the peers' business.
      if (!connected) this.#log(`api relay: ${this.#target}: ${err.message}`);
      end();
    });
    client.once('error', end);
    client.once('close', end);
    upstream.once('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  async #closeServer(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stops listening and cuts every relayed connection. */
  async close(): Promise<void> {
    await this.#queue;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    await this.#closeServer();
    this.#port = undefined;
  }
}
