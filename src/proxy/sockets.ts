/**
 * @module Binding the proxy's and host exposure's sockets: the bind error rejects (EADDRINUSE,
 * EADDRNOTAVAIL, EACCES — the caller reports or retries it); errors after a successful bind go to
 * `onError` instead of crashing the process.
 */
import type { Socket as UdpSocket } from 'node:dgram';
import type { AddressInfo, Server } from 'node:net';

export interface BindOptions {
  host: string;
  port: number;
  /** Refuse to share the port with a cluster worker (the userspace proxy and host ports want it alone). */
  exclusive?: boolean;
  /** Errors after the bind; default: ignored. */
  onError?: (err: Error) => void;
}

/** Listens on `host:port`; resolves with the bound address. */
export function listenTcp(server: Server, options: BindOptions): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port, exclusive: options.exclusive ?? false }, () => {
      server.removeListener('error', reject);
      server.on('error', options.onError ?? (() => undefined));
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Binds a UDP socket to `host:port`. */
export function bindUdp(socket: UdpSocket, options: BindOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: options.host, port: options.port, exclusive: options.exclusive ?? false }, () => {
      socket.removeListener('error', reject);
      socket.on('error', options.onError ?? (() => undefined));
      resolve();
    });
  });
}

/** Closes a UDP socket; resolves once closed (at once if it already was). */
export function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
