/**
 * @module A host TCP listener that relays each accepted connection to the node agent over the
 * relay socket (src/proxy/relay/protocol.ts): header and client bytes go at once; when the agent
 * reports its dial failed, the client's connection is reset.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { encodeRequest, LineSplitter, parseReply } from '../proxy/relay/protocol.js';
import { resetSocket } from '../proxy/userspace/tcp-listener.js';
import { sourceAllowed, type HostListenerSpec } from './desired.js';
import { listenTcp } from '../proxy/sockets.js';

export interface ForwarderOptions {
  /** The agent's relay socket. */
  socketPath: string;
  log: (line: string) => void;
}

/** Tears `other` down with a reset when `s` fails. */
function resetOnError(s: Socket, other: Socket): void {
  s.on('error', () => resetSocket(other));
}

export class HostTcpForwarder {
  readonly key: string;
  #spec: HostListenerSpec;
  readonly #o: ForwarderOptions;
  readonly #server: Server;
  readonly #conns = new Set<Socket>();

  constructor(spec: HostListenerSpec, options: ForwarderOptions) {
    this.key = spec.key;
    this.#spec = spec;
    this.#o = options;
    this.#server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.#accept(client));
  }

  get spec(): HostListenerSpec {
    return this.#spec;
  }

  /** Binds; rejects with the bind error (EADDRINUSE, EACCES). */
  async listen(): Promise<void> {
    await listenTcp(this.#server, { host: this.#spec.ip, port: this.#spec.port, exclusive: true, onError: (err) => this.#o.log(`${this.key}: ${err.message}`) });
  }

  /** A new target for new connections; open ones stay. */
  update(spec: HostListenerSpec): void {
    this.#spec = spec;
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

  /** Stops accepting; established connections go on. */
  async close(): Promise<void> {
    if (this.#server.listening) this.#server.close();
  }

  /** Stops accepting and resets every connection. */
  async destroy(): Promise<void> {
    for (const c of this.#conns) c.destroy();
    await this.close();
  }
}
