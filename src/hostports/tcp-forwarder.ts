/**
 * @module A host TCP listener. Handed to the node agent when it serves hand-offs
 * (agent-link.ts: the agent accepts on it and dials itself, no control plane in the path);
 * otherwise it relays each accepted connection to the agent over the relay socket
 * (src/proxy/relay/protocol.ts): header and client bytes go at once; when the agent reports its
 * dial failed, the client's connection is reset.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { encodeRequest, LineSplitter, parseReply } from '../proxy/relay/protocol.js';
import { resetSocket } from '../proxy/userspace/tcp-listener.js';
import { sourceAllowed, type HostListenerSpec } from './desired.js';
import { listenTcp } from '../proxy/sockets.js';
import type { AgentLink } from './agent-link.js';

export interface ForwarderOptions {
  /** The agent's relay socket. */
  socketPath: string;
  log: (line: string) => void;
  /** The node agent's IPC link, when it is a child of this process. */
  link?: AgentLink;
}

/** Tears `other` down with a reset when `s` fails. */
function resetOnError(s: Socket, other: Socket): void {
  s.on('error', () => resetSocket(other));
}

export class HostTcpForwarder {
  readonly key: string;
  #spec: HostListenerSpec;
  readonly #o: ForwarderOptions;
  #server: Server;
  readonly #conns = new Set<Socket>();
  /** Set while the agent accepts on this listener (and this process holds no copy of it). */
  #handed: { id: number; generation: number } | undefined;

  constructor(spec: HostListenerSpec, options: ForwarderOptions) {
    this.key = spec.key;
    this.#spec = spec;
    this.#o = options;
    this.#server = this.#newServer();
  }

  #newServer(): Server {
    return createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.#accept(client));
  }

  get spec(): HostListenerSpec {
    return this.#spec;
  }

  /** Binds; rejects with the bind error (EADDRINUSE, EACCES). */
  async listen(): Promise<void> {
    if (this.#server.listening) return;
    if (this.#handed) this.#server = this.#newServer();
    this.#handed = undefined;
    await listenTcp(this.#server, { host: this.#spec.ip, port: this.#spec.port, exclusive: true, onError: (err) => this.#o.log(`${this.key}: ${err.message}`) });
    await this.handOff();
  }

  /** Accepting, here or in the agent (false after the agent that held it went away). */
  get active(): boolean {
    return this.handed || this.#server.listening;
  }

  /** True while the agent accepts on this listener for the agent the link follows now. */
  get handed(): boolean {
    return this.#handed !== undefined && this.#handed.generation === this.#o.link?.generation;
  }

  /**
   * Gives the listening socket to the node agent when the link is ready; closes this process's
   * copy once the agent accepts on it. Connections accepted meanwhile are relayed as usual.
   */
  async handOff(): Promise<void> {
    const link = this.#o.link;
    if (!link?.ready || !this.#server.listening || this.handed) return;
    const got = await link.handOff(this.#spec, this.#server);
    if (!got) return;
    this.#handed = got;
    // The agent's copy keeps the socket open; ours stops accepting.
    this.#server.close();
  }

  /** A new target for new connections; open ones stay. */
  update(spec: HostListenerSpec): void {
    this.#spec = spec;
    if (this.handed) this.#o.link!.update(this.#handed!.id, spec);
  }

  #track(s: Socket): void {
    this.#conns.add(s);
    s.once('close', () => this.#conns.delete(s));
  }

  #accept(client: Socket): void {
    // Outside loadBalancerSourceRanges: kube-proxy drops the SYN; here the kernel has already
    // accepted it, so the client gets a reset at once (documented in the README).
    if (!sourceAllowed(this.#spec, client.remoteAddress)) {
      resetSocket(client);
      return;
    }
    this.#track(client);
    const { target } = this.#spec;
    const relay = connect({ path: this.#o.socketPath, allowHalfOpen: true });
    this.#track(relay);
    resetOnError(client, relay);
    resetOnError(relay, client);
    relay.write(encodeRequest({ proto: 'tcp', ip: target.ip, port: target.port, src: `${client.remoteAddress}:${client.remotePort}` }));
    client.pipe(relay);
    const splitter = new LineSplitter();
    let replied = false;
    const onData = (chunk: Buffer): void => {
      let got;
      try {
        got = splitter.push(chunk);
      } catch (err) {
        this.#o.log(`${this.key}: ${err instanceof Error ? err.message : String(err)}`);
        relay.destroy();
        resetSocket(client);
        return;
      }
      if (!got) return;
      replied = true;
      relay.removeListener('data', onData);
      const reply = (() => {
        try {
          return parseReply(got.line);
        } catch (err) {
          return { ok: false as const, code: 'EPROTO', message: err instanceof Error ? err.message : String(err) };
        }
      })();
      if (!reply.ok) {
        relay.destroy();
        resetSocket(client);
        return;
      }
      if (got.rest.length) client.write(got.rest);
      relay.pipe(client);
    };
    relay.on('data', onData);
    relay.once('close', () => {
      // The agent (or its socket) went away before replying: nothing was connected.
      if (!replied) resetSocket(client);
    });
  }

  /** Stops accepting; established connections go on. Resolves once the port is free. */
  async close(): Promise<void> {
    await this.#stop('close');
  }

  /** Stops accepting and resets every connection. */
  async destroy(): Promise<void> {
    for (const c of this.#conns) c.destroy();
    await this.#stop('destroy');
  }

  async #stop(how: 'close' | 'destroy'): Promise<void> {
    if (this.handed) await this.#o.link!.close(this.#handed!.id, how);
    this.#handed = undefined;
    // close() frees the port at once; its callback would wait for the open connections.
    if (this.#server.listening) this.#server.close();
  }
}
