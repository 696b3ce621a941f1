/**
 * @module The kubelet API's `/dial` upgrade: `GET /dial?host=IP&port=N` with `Upgrade:
 * kubito-tcp` opens a TCP connection from the node's network namespace (where pod IPs route) and,
 * once it is up, answers 101 and copies bytes both ways until either side closes. The API server
 * uses it for the `services/proxy` and `pods/proxy` subresources (src/apiserver/proxy/). Refusals
 * come before the 101, as text: 400 for a bad request (only IP literals that are global unicast,
 * as kube-apiserver proxies to), 503 with Go's dial error (`dial tcp 10.244.0.5:80: connect:
 * connection refused`, `... i/o timeout` after 30 s).
 */
import type { IncomingMessage } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DIAL_PROTOCOL, splice } from '../../apiserver/proxy/dial.js';
import { isGlobalUnicast } from '../../apiserver/proxy/location.js';
import { headerHasToken, writeHttpResponse, writeSwitchingProtocols } from '../../apiserver/streams/raw-http.js';

/** Go's net.Dialer timeout in kube-apiserver's proxy transport. */
export const DIAL_TIMEOUT_MS = 30_000;

const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
  ECONNRESET: 'read: connection reset by peer',
  ETIMEDOUT: 'i/o timeout',
};

/** Go's words for a failed dial: `dial tcp HOST:PORT: connect: connection refused`. */
export function dialErrorText(target: { host: string; port: number }, err: NodeJS.ErrnoException): string {
  const address = isIP(target.host) === 6 ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  return `dial tcp ${address}: ${ERRNO_TEXT[err.code ?? ''] ?? err.message}`;
}

/** The upgrade handler for kubelet.sock's `dial` route (node's 'upgrade' argument order). */
export interface DialOptions {
  timeoutMs?: number;
  /** Opens the TCP connection (tests point it at a loopback server); default net.connect. */
  connect?: (target: { host: string; port: number }) => Socket;
}

export function serveDial(req: IncomingMessage, socket: Duplex, head: Buffer, options: DialOptions = {}): void {
  socket.on('error', () => socket.destroy());
  const url = new URL(req.url ?? '/', 'http://kubelet');
  const host = url.searchParams.get('host') ?? '';
  const portText = url.searchParams.get('port') ?? '';
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (url.pathname !== '/dial' || !headerHasToken(req.headers.upgrade, DIAL_PROTOCOL)) {
    return writeHttpResponse(socket, { status: 400, body: `a GET /dial?host=IP&port=N with Upgrade: ${DIAL_PROTOCOL} is required` });
  }
  if (!isIP(host) || !isGlobalUnicast(host) || !(port >= 1 && port <= 65535)) {
    return writeHttpResponse(socket, { status: 400, body: `address not allowed: ${JSON.stringify(host)} port ${JSON.stringify(portText)}` });
  }
  const target = { host, port };
  const upstream = options.connect ? options.connect(target) : connect({ host, port, allowHalfOpen: true });
  const timer = setTimeout(() => upstream.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })), options.timeoutMs ?? DIAL_TIMEOUT_MS);
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    clearTimeout(timer);
    if (socket.destroyed) return upstream.destroy();
    writeSwitchingProtocols(socket, { Connection: 'Upgrade', Upgrade: DIAL_PROTOCOL });
    if (head.length) upstream.write(head);
    splice(socket, upstream);
  });
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    if (!connected) writeHttpResponse(socket, { status: 503, body: dialErrorText(target, err) });
    else socket.destroy();
  });
  socket.once('close', () => {
    if (!connected) upstream.destroy();
  });
}
