/**
 * @module Kept-alive connections to pod addresses, as Go's transport keeps idle connections to a
 * backend: an http.Agent whose connections are dialed through the node agent (dial.ts) and
 * pooled per kubelet socket and address. A request then costs no new Unix connection, upgrade
 * or TCP handshake when a connection to that address is idle. An idle connection closes when
 * the backend closes it, after its `Keep-Alive: timeout` hint, or after IDLE_TIMEOUT_MS.
 */
import { Agent, type AgentOptions } from 'node:http';
import type { Duplex } from 'node:stream';

/** Go's http.Transport IdleConnTimeout in kube-apiserver's proxy transport. */
export const IDLE_TIMEOUT_MS = 90_000;

/** Request options the pool reads: where to dial. */
export interface PooledTarget {
  host: string;
  port: number;
  kubeletSocket: string;
}

export type Dialer = (socketPath: string, target: { host: string; port: number }) => Promise<Duplex>;

export class DialPool extends Agent {
  readonly #dial: Dialer;

  constructor(dial: Dialer, options: AgentOptions = {}) {
    super({ keepAlive: true, timeout: IDLE_TIMEOUT_MS, maxFreeSockets: 16, ...options });
    this.#dial = dial;
  }

  /** One pool per node agent and address. */
  override getName(options: Partial<PooledTarget>): string {
    return `${options.kubeletSocket ?? ''}|${options.host ?? ''}:${options.port ?? ''}`;
  }

  /** Node's Agent takes the connection through the callback when this returns nothing. */
  override createConnection(options: Partial<PooledTarget>, callback: (err: Error | null, socket?: Duplex) => void): undefined {
    this.#dial(options.kubeletSocket ?? '', { host: options.host ?? '', port: options.port ?? 0 }).then(
      (socket) => callback(null, socket),
      (err: Error) => callback(err),
    );
    return undefined;
  }
}
