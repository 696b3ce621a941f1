/**
 * @module A host UDP socket. Handed to the node agent when it serves hand-offs (agent-link.ts:
 * the agent receives on it and keeps the flows itself); otherwise it relays datagrams to the
 * node agent over proxy.sock: one relay connection per
 * client address and port (a flow), frames both ways (src/proxy/relay/protocol.ts); replies are
 * sent to the client from the listener's address. A flow ends after `idleTimeoutMs` without
 * traffic, or when the agent closes it.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { encodeFrame, encodeRequest, FrameDecoder, LineSplitter, parseReply } from '../proxy/relay/protocol.js';
import { sourceAllowed, type HostListenerSpec } from './desired.js';
import type { ForwarderOptions } from './tcp-forwarder.js';
import { bindUdp, closeUdp } from '../proxy/sockets.js';

/** The kernel's nf_conntrack_udp_timeout. */
export const DEFAULT_HOST_UDP_IDLE_MS = 30_000;

interface Flow {
  relay: Socket;
  lastActiveMs: number;
}

export class HostUdpForwarder {
  readonly key: string;
  #spec: HostListenerSpec;
  readonly #o: ForwarderOptions & { idleTimeoutMs?: number };
  #socket: UdpSocket;
  readonly #flows = new Map<string, Flow>();
  #sweeper: NodeJS.Timeout | undefined;
  /** Set while the agent serves this socket (and this process holds no copy of it). */
  #handed: { id: number; generation: number } | undefined;
  #bound = false;

  constructor(spec: HostListenerSpec, options: ForwarderOptions & { idleTimeoutMs?: number }) {
    this.key = spec.key;
    this.#spec = spec;
    this.#o = options;
    this.#socket = this.#newSocket();
  }

  #newSocket(): UdpSocket {
    const s = createSocket({ type: 'udp4' });
    s.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo));
    return s;
  }

  /** Served, here or in the agent (false after the agent that held it went away). */
  get active(): boolean {
    return this.handed || this.#bound;
  }

  /** True while the agent serves this socket for the agent the link follows now. */
  get handed(): boolean {
    return this.#handed !== undefined && this.#handed.generation === this.#o.link?.generation;
  }

  /** Gives the bound socket to the node agent when the link is ready; closes this copy once it serves it. */
  async handOff(): Promise<void> {
    const link = this.#o.link;
    if (!link?.ready || !this.#bound || this.handed) return;
    const got = await link.handOff(this.#spec, this.#socket, { udpIdleMs: this.#o.idleTimeoutMs ?? DEFAULT_HOST_UDP_IDLE_MS });
    if (!got) return;
    this.#handed = got;
    this.#bound = false;
    clearInterval(this.#sweeper);
    for (const f of this.#flows.values()) f.relay.destroy();
    this.#flows.clear();
    await closeUdp(this.#socket);
  }

  get spec(): HostListenerSpec {
    return this.#spec;
  }

  /** Open flows (for tests and status). */
  flowCount(): number {
    return this.#flows.size;
  }

  async listen(): Promise<void> {
    if (this.#bound) return;
    if (this.#handed) this.#socket = this.#newSocket();
    this.#handed = undefined;
    await bindUdp(this.#socket, { host: this.#spec.ip, port: this.#spec.port, exclusive: true, onError: (err) => this.#o.log(`${this.key}: ${err.message}`) });
    const idle = this.#o.idleTimeoutMs ?? DEFAULT_HOST_UDP_IDLE_MS;
    this.#sweeper = setInterval(() => this.#sweep(idle), Math.max(10, Math.floor(idle / 2)));
    this.#sweeper.unref();
    this.#bound = true;
    await this.handOff();
  }

  /** A new target: flows to the old one end (the next datagram opens a new flow). */
  update(spec: HostListenerSpec): void {
    const moved = spec.target.ip !== this.#spec.target.ip || spec.target.port !== this.#spec.target.port;
    this.#spec = spec;
    if (moved) for (const f of this.#flows.values()) f.relay.destroy();
    if (this.handed) this.#o.link!.update(this.#handed!.id, spec);
  }

  #onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    // Outside loadBalancerSourceRanges: dropped, as kube-proxy's firewall chain drops it.
    if (!sourceAllowed(this.#spec, rinfo.address)) return;
    const client = `${rinfo.address}:${rinfo.port}`;
    let flow = this.#flows.get(client);
    if (!flow) {
      const { target } = this.#spec;
      const relay = connect({ path: this.#o.socketPath });
      const created: Flow = { relay, lastActiveMs: Date.now() };
      flow = created;
      this.#flows.set(client, created);
      relay.write(encodeRequest({ proto: 'udp', ip: target.ip, port: target.port, src: client }));
      const splitter = new LineSplitter();
      const decoder = new FrameDecoder();
      let replied = false;
      relay.on('data', (chunk: Buffer) => {
        created.lastActiveMs = Date.now();
        let frames: Buffer[];
        try {
          if (!replied) {
            const got = splitter.push(chunk);
            if (!got) return;
            replied = true;
            if (!parseReply(got.line).ok) {
              relay.destroy();
              return;
            }
            frames = decoder.push(got.rest);
          } else frames = decoder.push(chunk);
        } catch (err) {
          this.#o.log(`${this.key}: ${err instanceof Error ? err.message : String(err)}`);
          relay.destroy();
          return;
        }
        for (const f of frames) this.#socket.send(f, rinfo.port, rinfo.address);
      });
      relay.on('error', () => undefined);
      relay.once('close', () => {
        if (this.#flows.get(client) === created) this.#flows.delete(client);
      });
    }
    flow.lastActiveMs = Date.now();
    flow.relay.write(encodeFrame(msg));
  }

  #sweep(idleMs: number): void {
    const now = Date.now();
    for (const [client, f] of this.#flows) {
      if (now - f.lastActiveMs >= idleMs) {
        this.#flows.delete(client);
        f.relay.end();
      }
    }
  }

  async close(): Promise<void> {
    if (this.handed) await this.#o.link!.close(this.#handed!.id, 'close');
    this.#handed = undefined;
    clearInterval(this.#sweeper);
    for (const f of this.#flows.values()) f.relay.destroy();
    this.#flows.clear();
    // Safe when already closed (handed off, or never bound).
    await closeUdp(this.#socket);
    this.#bound = false;
  }

  destroy(): Promise<void> {
    return this.close();
  }
}
