/**
 * @module The kubelet API's stream endpoints on kubelet.sock (src/node/README.md):
 * `GET /exec/{ns}/{pod}/{container}?command=..&stdin=1&stdout=1&stderr=1&tty=1` and
 * `GET /attach/{ns}/{pod}/{container}?...` as `v5.channel.k8s.io` WebSockets, and
 * `GET /portForward/{ns}/{pod}?port=N` as a `kubito.portforward.v1` WebSocket. Flags accept
 * `1` or `true`. Refusals come before the upgrade, as text: 400 for a bad request, 404
 * `pod does not exist`, 500 `container not found ("x")` (the kubelet's words, which kubectl
 * prints after "unable to upgrade connection: "), 500 with the runtime's words for a pod port
 * that cannot be reached (the API server passes them on as the forwarded connection's error).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketChannels } from '../../apiserver/streams/channels.js';
import { PORT_FORWARD_V1 } from '../../apiserver/streams/kubelet-client.js';
import { writeHttpResponse, type UpgradeRequest } from '../../apiserver/streams/raw-http.js';
import { failureStatus, streamOptions, WS_V5, type StreamOptions } from '../../apiserver/streams/remote-command.js';
import { acceptWebSocket, isWebSocketRequest, offeredProtocols } from '../../apiserver/streams/websocket.js';
import { serveAttach } from './attach.js';
import { serveExec } from './exec.js';
import { servePortForwardConnection } from './port-forward.js';
import { wrapInPty } from './pty.js';
import {
  ContainerNotFoundError,
  ExecStartError,
  PodNotFoundError,
  type ContainerAttacher,
  type ContainerRef,
  type PodDialer,
  type PodProcessSpawner,
} from './types.js';

export interface KubeletStreamsOptions {
  spawner: PodProcessSpawner;
  attacher: ContainerAttacher;
  dialer: PodDialer;
}

/** A stream endpoint a path addresses, or undefined for paths these endpoints do not serve. */
export type StreamRoute =
  | { kind: 'exec' | 'attach'; ref: ContainerRef }
  | { kind: 'portForward'; ref: { namespace: string; pod: string } };

export function parseStreamPath(pathname: string): StreamRoute | undefined {
  const parts = pathname.split('/').filter((p) => p !== '');
  let decoded: string[];
  try {
    decoded = parts.map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [kind, namespace, pod, container] = decoded;
  if ((kind === 'exec' || kind === 'attach') && decoded.length === 4) return { kind, ref: { namespace, pod, container } };
  if (kind === 'portForward' && decoded.length === 3) return { kind, ref: { namespace, pod } };
  return undefined;
}

/** Where a lookup error lands before the upgrade. */
function refuse(socket: Duplex, err: unknown): void {
  if (err instanceof PodNotFoundError) writeHttpResponse(socket, { status: 404, body: 'pod does not exist' });
  else if (err instanceof ContainerNotFoundError) writeHttpResponse(socket, { status: 500, body: err.message });
  else writeHttpResponse(socket, { status: 500, body: err instanceof Error ? err.message : String(err) });
}

function badRequest(socket: Duplex, message: string): void {
  writeHttpResponse(socket, { status: 400, body: message });
}

export class KubeletStreams {
  readonly #options: KubeletStreamsOptions;
  readonly #sockets = new Set<Duplex>();

  constructor(options: KubeletStreamsOptions) {
    this.#options = options;
  }

  /**
   * For the kubelet.sock server's 'upgrade' event (node's argument order). Returns false,
   * leaving the socket alone, when the path is not one of these endpoints.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const route = parseStreamPath(url.pathname);
    if (!route) return false;
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const upgrade: UpgradeRequest = { req, socket, head };
    const wanted = route.kind === 'portForward' ? PORT_FORWARD_V1 : WS_V5;
    if (!isWebSocketRequest(req) || !offeredProtocols(req).includes(wanted)) {
      badRequest(socket, `a WebSocket upgrade with subprotocol ${wanted} is required`);
      return true;
    }
    if (route.kind === 'portForward') {
      void this.#portForward(upgrade, { ref: route.ref, port: url.searchParams.get('port') });
      return true;
    }
    let streams: StreamOptions;
    try {
      streams = streamOptions(url.searchParams);
    } catch (err) {
      badRequest(socket, (err as Error).message);
      return true;
    }
    if (route.kind === 'exec') this.#exec(upgrade, { ref: route.ref, argv: url.searchParams.getAll('command'), streams });
    else this.#attach(upgrade, { ref: route.ref, streams });
    return true;
  }

  /** Drops every open session (agent shutdown); exec'd processes are killed by their sessions. */
  close(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  #exec(upgrade: UpgradeRequest, options: { ref: ContainerRef; argv: string[]; streams: StreamOptions }): void {
    const { argv, streams } = options;
    if (!argv.length) return badRequest(upgrade.socket, 'you must specify at least one command for the container');
    let child;
    try {
      child = this.#options.spawner.spawn(options.ref, { argv, wrap: streams.tty ? wrapInPty : undefined });
    } catch (err) {
      if (!(err instanceof ExecStartError)) return refuse(upgrade.socket, err);
      // The session opens and ends at once with the runtime's error, as the kubelet's does.
      const ws = acceptWebSocket(upgrade, { protocol: WS_V5 });
      if (ws) new WebSocketChannels(ws).finish(Buffer.from(JSON.stringify(failureStatus(`Internal error occurred: error executing command in container: ${err.message}`))));
      return;
    }
    const ws = acceptWebSocket(upgrade, { protocol: WS_V5 });
    if (!ws) {
      child.kill('SIGKILL');
      return;
    }
    serveExec(new WebSocketChannels(ws), { child, streams, argv });
  }

  #attach(upgrade: UpgradeRequest, options: { ref: ContainerRef; streams: StreamOptions }): void {
    let container;
    try {
      container = this.#options.attacher.attach(options.ref);
    } catch (err) {
      return refuse(upgrade.socket, err);
    }
    const ws = acceptWebSocket(upgrade, { protocol: WS_V5 });
    if (ws) serveAttach(new WebSocketChannels(ws), { container, streams: options.streams });
  }

  async #portForward(upgrade: UpgradeRequest, options: { ref: { namespace: string; pod: string }; port: string | null }): Promise<void> {
    const text = options.port ?? '';
    const port = Number(text);
    if (!/^\d+$/.test(text) || port < 1 || port > 65535) return badRequest(upgrade.socket, `invalid port "${text}"`);
    let connection: Awaited<ReturnType<PodDialer['dial']>>;
    try {
      connection = await this.#options.dialer.dial(options.ref, port);
    } catch (err) {
      // Before the 101, whole: a close frame's reason holds 123 bytes, the runtime's words more.
      return refuse(upgrade.socket, err);
    }
    const ws = upgrade.socket.destroyed ? undefined : acceptWebSocket(upgrade, { protocol: PORT_FORWARD_V1 });
    if (!ws) {
      connection.socket.destroy();
      return;
    }
    servePortForwardConnection(ws, { socket: connection.socket });
  }
}
