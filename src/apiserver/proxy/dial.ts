/**
 * @module A TCP connection to a pod address, opened by the node agent: the control plane lives in
 * the host's network namespace and cannot reach pod IPs, so it asks the kubelet API on its Unix
 * socket (`GET /dial?host=IP&port=N`, `Upgrade: kubito-tcp`; src/node/streams/dial.ts). After the
 * agent's 101 the socket carries the connection's bytes both ways; a refusal (400, 503) carries
 * the reason as text (Go's dial error words: `dial tcp 10.244.0.5:80: connect: connection refused`).
 */
import { request } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** The kubelet API's upgrade protocol for a raw TCP connection. */
export const DIAL_PROTOCOL = 'kubito-tcp';

/** The agent could not connect: `message` says why, in Go's words. */
export class DialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DialError';
  }
}

/** `/dial?host=..&port=..` */
export function dialPath(host: string, port: number): string {
  return `/dial?${new URLSearchParams({ host, port: String(port) })}`;
}

/** Opens a connection to host:port through the agent whose kubelet API listens on `socketPath`. */
export function dialThroughKubelet(socketPath: string, target: { host: string; port: number }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: dialPath(target.host, target.port), method: 'GET', headers: { Connection: 'Upgrade', Upgrade: DIAL_PROTOCOL } });
    req.on('upgrade', (_res, socket, head) => {
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(new DialError(Buffer.concat(chunks).toString().trim() || `kubelet answered ${res.statusCode}`)));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(new DialError(`dial unix ${socketPath}: ${err.message}`)));
    req.end();
  });
}

/** Copies bytes both ways; either side's end, close or error ends both (UpgradeAwareHandler). */
export function splice(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  const destroyBoth = (): void => {
    a.destroy();
    b.destroy();
  };
  // Either direction's end closes both, as UpgradeAwareHandler does (it waits for one copy
  // to finish, then closes both connections): a client gone while the backend was still
  // answering would otherwise leave the backend connection open, half-closed.
  for (const side of [a, b]) {
    side.on('end', destroyBoth);
    side.on('close', destroyBoth);
    side.on('error', destroyBoth);
  }
}
