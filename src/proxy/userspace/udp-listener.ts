/**
 * @module One UDP listener of the userspace proxy. Datagrams are grouped into flows by client
 * address and port (what conntrack does for the kernel modes): the first datagram of a flow
 * picks an endpoint (round-robin, ClientIP affinity) and opens a socket connected to it; replies
 * go back to the client from the listener's own address, so the client sees the Service answer.
 *
 * A flow ends after `idleTimeoutMs` without traffic either way, when its endpoint reports it
 * unreachable (ICMP → ECONNREFUSED: the next datagram picks again), and when its endpoint leaves
 * the endpoint list (kube-proxy deletes such stale UDP conntrack entries for the same reason).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { endpointKey, ListenerPickers, type EndpointPicker } from './picker.js';
import type { ListenerSpec } from './plan.js';
import type { ProxyListenerOptions } from './tcp-listener.js';
import { bindUdp, closeUdp } from '../sockets.js';

/** Default idle timeout of a UDP flow; the kernel's nf_conntrack_udp_timeout is 30 s. */
export const DEFAULT_UDP_IDLE_TIMEOUT_MS = 30_000;

interface Flow {
  upstream: Socket;
  endpoint: string;
  lastActiveMs: number;
  /** Datagrams that came before the upstream socket was connected. */
  pending: Buffer[] | undefined;
}

export class UdpProxyListener {
  readonly key: string;
  #spec: ListenerSpec;
  readonly #pickers: ListenerPickers;
  readonly #o: ProxyListenerOptions & { idleTimeoutMs?: number };
  readonly #socket: Socket;
  readonly #flows = new Map<string, Flow>();
  #sweeper: NodeJS.Timeout | undefined;

  constructor(spec: ListenerSpec, options: ProxyListenerOptions & { idleTimeoutMs?: number }) {
    this.key = spec.key;
    this.#spec = spec;
    this.#o = options;
    this.#pickers = new ListenerPickers(spec);
    this.#socket = createSocket({ type: 'udp4' });
    this.#socket.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo));
  }

  get spec(): ListenerSpec {
    return this.#spec;
  }

  get picker(): EndpointPicker {
    return this.#pickers.main;
  }

  /** The flows open now (client `ip:port` → endpoint `ip:port`). */
  flows(): Map<string, string> {
    return new Map([...this.#flows].map(([client, f]) => [client, f.endpoint]));
  }

  async listen(): Promise<void> {
    await bindUdp(this.#socket, { host: this.#spec.ip, port: this.#spec.port, exclusive: true, onError: (err) => this.#o.log(`${this.key}: ${err.message}`) });
    const idle = this.#idleMs();
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(10, Math.floor(idle / 2)));
    this.#sweeper.unref();
  }

  #idleMs(): number {
    return this.#o.idleTimeoutMs ?? DEFAULT_UDP_IDLE_TIMEOUT_MS;
  }

  update(spec: ListenerSpec): void {
    this.#spec = spec;
    this.#pickers.update(spec);
    const live = this.#pickers.liveKeys();
    for (const [client, flow] of this.#flows) if (!live.has(flow.endpoint)) this.#end(client, flow);
  }

  #onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const client = `${rinfo.address}:${rinfo.port}`;
    const now = this.#o.now();
    let flow = this.#flows.get(client);
    if (!flow) {
      const ep = this.#pickers.for(rinfo.address).pick(rinfo.address, now);
      if (!ep) return;
      const upstream = createSocket({ type: 'udp4' });
      const created: Flow = { upstream, endpoint: endpointKey(ep), lastActiveMs: now, pending: [] };
      flow = created;
      this.#flows.set(client, created);
      upstream.on('message', (reply) => {
        created.lastActiveMs = this.#o.now();
        this.#socket.send(reply, rinfo.port, rinfo.address);
      });
      upstream.on('error', () => this.#end(client, created));
      upstream.connect(ep.port, ep.ip, () => {
        for (const m of created.pending ?? []) upstream.send(m);
        created.pending = undefined;
      });
    }
    flow.lastActiveMs = now;
    if (flow.pending) flow.pending.push(msg);
    else flow.upstream.send(msg);
  }

  #end(client: string, flow: Flow): void {
    if (this.#flows.get(client) !== flow) return;
    this.#flows.delete(client);
    try {
      flow.upstream.close();
    } catch {
      // already closed
    }
  }

  #sweep(): void {
    const now = this.#o.now();
    const idle = this.#idleMs();
    for (const [client, flow] of this.#flows) if (now - flow.lastActiveMs >= idle) this.#end(client, flow);
  }

  /** Stops receiving; open flows end too (a UDP flow has nothing to finish). */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    for (const [client, flow] of this.#flows) this.#end(client, flow);
    await closeUdp(this.#socket);
  }

  destroy(): Promise<void> {
    return this.close();
  }
}
