/**
 * @module The API server's client of the node agent's kubelet API (src/node/README.md) on its
 * Unix socket: `/exec` and `/attach` as `v5.channel.k8s.io` WebSockets, `/portForward` as one
 * `kubito.portforward.v1` WebSocket per TCP connection, `/containerLogs` as plain HTTP.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { WebSocketChannels } from './channels.js';
import { WS_V5, type StreamOptions } from './remote-command.js';
import { connectWebSocket, type WebSocketConnection } from './websocket.js';

/** The kubelet API's port-forward subprotocol: raw bytes both ways; an empty message is a half-close. */
export const PORT_FORWARD_V1 = 'kubito.portforward.v1';

function seg(value: string): string {
  return encodeURIComponent(value);
}

function flags(options: StreamOptions): URLSearchParams {
  const q = new URLSearchParams();
  if (options.stdin) q.set('stdin', '1');
  if (options.stdout) q.set('stdout', '1');
  if (options.stderr) q.set('stderr', '1');
  if (options.tty) q.set('tty', '1');
  return q;
}

/** `/exec/{ns}/{pod}/{container}?command=..&stdin=1..` */
export function execPath(target: { namespace: string; pod: string; container: string }, options: { command: string[]; streams: StreamOptions }): string {
  const q = new URLSearchParams(options.command.map((c): [string, string] => ['command', c]));
  for (const [k, v] of flags(options.streams)) q.append(k, v);
  return `/exec/${seg(target.namespace)}/${seg(target.pod)}/${seg(target.container)}?${q}`;
}

/** `/attach/{ns}/{pod}/{container}?stdin=1..` */
export function attachPath(target: { namespace: string; pod: string; container: string }, options: StreamOptions): string {
  return `/attach/${seg(target.namespace)}/${seg(target.pod)}/${seg(target.container)}?${flags(options)}`;
}

/** `/portForward/{ns}/{pod}?port=N` */
export function portForwardPath(target: { namespace: string; pod: string }, port: number): string {
  return `/portForward/${seg(target.namespace)}/${seg(target.pod)}?port=${port}`;
}

/** `/containerLogs/{ns}/{pod}/{container}?...` with the given query. */
export function containerLogsPath(target: { namespace: string; pod: string; container: string }, query: URLSearchParams): string {
  const q = query.toString();
  return `/containerLogs/${seg(target.namespace)}/${seg(target.pod)}/${seg(target.container)}${q ? `?${q}` : ''}`;
}

/** Opens an exec or attach session; rejects with WebSocketHandshakeError when the kubelet refuses. */
export async function dialRemoteCommand(socketPath: string, path: string): Promise<WebSocketChannels> {
  return new WebSocketChannels(await connectWebSocket({ socketPath, path, protocols: [WS_V5] }));
}

/** Opens one forwarded connection to a pod port. */
export function dialPortForward(socketPath: string, path: string): Promise<WebSocketConnection> {
  return connectWebSocket({ socketPath, path, protocols: [PORT_FORWARD_V1] });
}

/** Starts a logs request; resolves with the response (any status) once its headers arrive. */
export function requestLogs(socketPath: string, path: string): Promise<{ response: IncomingMessage; abort(): void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ socketPath, path, method: 'GET', headers: { Accept: 'text/plain' } });
    req.on('response', (response) => resolve({ response, abort: () => req.destroy() }));
    req.on('error', reject);
    req.end();
  });
}
