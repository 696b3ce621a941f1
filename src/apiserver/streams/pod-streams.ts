/**
 * @module The API server's pod stream subresources: `pods/{log,exec,attach,portforward}`.
 * Logs are ordinary requests (`handle`, the ApiHandler's PodStreamHandler). exec, attach and
 * portforward are HTTP upgrades, which node delivers to the server's 'upgrade' event with the
 * raw socket (`handleUpgrade`): WebSocket (`v5.channel.k8s.io`, `SPDY/3.1+portforward.k8s.io`)
 * or SPDY/3.1 (`X-Stream-Protocol-Version` v5/v4.channel.k8s.io, portforward.k8s.io). Each
 * session is bridged to the node agent's kubelet API on its Unix socket. Checks and refusals
 * come before the 101, as kube-apiserver and the kubelet make them, so kubectl prints the same
 * errors ("unable to upgrade connection: container not found ("x")").
 */
import type { Authenticate } from '../authn.js';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { newBadRequest, newPathNotFound, newUnauthorized, StatusError, toStatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { Scope } from '../handlers/scope.js';
import type { HandlerResponse } from '../http-types.js';
import { parseRequestInfo } from '../request-info.js';
import { bridgeChannels } from './bridge.js';
import type { ChannelTransport } from './channels.js';
import { WebSocketChannels } from './channels.js';
import { attachPath, dialPortForward, dialRemoteCommand, execPath, portForwardPath } from './kubelet-client.js';
import { kubeletLogQuery, podLogs } from './logs.js';
import { asPodView, requireNode, resolveContainer, type PodView } from './pod-view.js';
import { servePortForward } from './port-forward.js';
import { headerHasToken, headerValues, writeHttpResponse, writeSwitchingProtocols, type UpgradeRequest } from './raw-http.js';
import {
  expectedStreamTypes,
  negotiateProtocol,
  SPDY_PORT_FORWARD_PROTOCOL,
  SPDY_REMOTE_COMMAND_PROTOCOLS,
  streamOptions,
  translatedStatus,
  WS_PORT_FORWARD_TUNNEL,
  WS_V5,
  type StreamOptions,
} from './remote-command.js';
import { SpdyChannels, waitForChannelStreams } from './spdy-channels.js';
import { SpdySession } from './spdy-session.js';
import { websocketByteStream } from './tunnel.js';
import { acceptWebSocket, isWebSocketRequest, offeredProtocols, WebSocketHandshakeError } from './websocket.js';

export interface PodStreamsOptions {
  /** Reads a pod from the registry; throws its NotFound StatusError when there is none. */
  getPod(namespace: string, name: string): Promise<KubeObject>;
  /** The ApiHandler's credential check (absent: every request is allowed). */
  /** Who the request's credentials stand for (authn.ts); undefined: a 401. */
  authenticate?: Authenticate;
  /** The kubelet API socket of a node (one node today: `<data-dir>/run/kubelet.sock`). */
  kubeletSocket(nodeName: string): string;
  /** How long WebSocket output waits for kubectl to set up its streams (CLIENT_STREAMS_GRACE_MS). */
  clientStreamsGraceMs?: number;
}

/**
 * client-go's WebSocket executor starts reading before it has created its streams, and drops
 * a message for a stream it does not know yet ("Unknown stream id 1, discarding message"). The
 * kubelet here answers before kubectl's 101 is even sent (a short command is done by then), so
 * its output would follow the 101 at once; a kubectl descheduled between the two then printed
 * nothing and exited 0. Upstream's own latency (the API server dials the kubelet after the 101,
 * then the runtime starts the process) covers the gap; here the output waits for the client's
 * first message (stdin or resize come after its streams exist) or for this long after the 101.
 */
export const CLIENT_STREAMS_GRACE_MS = 50;

type Wire = { kind: 'websocket'; protocol: string } | { kind: 'spdy'; protocol: string };

const SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function writeStatus(socket: Duplex, err: unknown): void {
  const status = toStatusError(err).status;
  writeHttpResponse(socket, { status: status.code, body: JSON.stringify(status), contentType: 'application/json' });
}

function dialError(err: unknown): StatusError {
  const message = `error dialing backend: ${err instanceof Error ? err.message : String(err)}`;
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 });
}

function isSpdyRequest(req: IncomingMessage): boolean {
  return headerHasToken(req.headers.upgrade, 'SPDY/3.1') && headerHasToken(req.headers.connection, 'upgrade');
}

/** Answers 101 for SPDY with the chosen protocol; the socket then carries a SPDY session. */
function acceptSpdy(upgrade: UpgradeRequest, protocol: string): SpdySession {
  writeSwitchingProtocols(upgrade.socket, { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocol });
  return new SpdySession(upgrade.socket, { head: upgrade.head });
}

export class PodStreams {
  readonly #options: PodStreamsOptions;
  readonly #sockets = new Set<Duplex>();

  constructor(options: PodStreamsOptions) {
    this.#options = options;
  }

  /**
   * The ApiHandler's PodStreamHandler: `log` streams; exec/attach/portforward reach here only
   * without an upgrade, which kube-apiserver refuses the same way.
   */
  async handle(scope: Scope): Promise<HandlerResponse> {
    const { request } = scope;
    if (request.subresource !== 'log') throw newBadRequest('Upgrade request required');
    if (request.verb !== 'get') throw newPathNotFound();
    // The options are validated before the pod is read, as LogREST.Get does.
    kubeletLogQuery(scope.http.query, request.name);
    const pod = asPodView(await scope.storage.get(request.namespace, request.name));
    return podLogs(pod, { query: scope.http.query, socketPath: (node) => this.#options.kubeletSocket(node) });
  }

  /**
   * The server's 'upgrade' listener (node's argument order): takes over the socket and answers
   * every request itself, refusals included.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    this.#upgrade({ req, socket, head }).catch((err: unknown) => {
      if (!socket.destroyed) writeStatus(socket, err);
    });
  }

  /** Ends every upgraded connection (server shutdown: node's closeAllConnections skips them). */
  close(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  /** Everything before the 101 may throw: the caller writes the Status. */
  async #upgrade(upgrade: UpgradeRequest): Promise<void> {
    const { req } = upgrade;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    if (this.#options.authenticate && !(await this.#options.authenticate(headersOf(req)))) throw newUnauthorized();
    const info = parseRequestInfo(method === 'POST' ? 'POST' : 'GET', url.pathname, false);
    if (!info.isResource || info.group !== '' || info.version !== 'v1' || info.resource !== 'pods' || !info.name || !SUBRESOURCES.has(info.subresource) || info.rest.length) {
      throw newPathNotFound();
    }
    if (method !== 'GET' && method !== 'POST') throw newBadRequest(`method ${method} is not supported for pods/${info.subresource}`);
    const pod = asPodView(await this.#options.getPod(info.namespace, info.name));
    const wire = this.#wire(req, info.subresource);
    if (info.subresource === 'portforward') return this.#portForward(upgrade, { pod, wire });
    const container = resolveContainer(pod, url.searchParams.get('container') ?? undefined);
    const node = requireNode(pod);
    let streams: StreamOptions;
    try {
      streams = streamOptions(url.searchParams);
    } catch (err) {
      throw newBadRequest((err as Error).message);
    }
    const target = { namespace: info.namespace, pod: info.name, container };
    let path: string;
    if (info.subresource === 'exec') {
      const command = url.searchParams.getAll('command');
      if (!command.length) throw newBadRequest('you must specify at least one command for the container');
      path = execPath(target, { command, streams });
    } else {
      path = attachPath(target, streams);
    }
    let kubelet: WebSocketChannels;
    try {
      kubelet = await dialRemoteCommand(this.#options.kubeletSocket(node), path);
    } catch (err) {
      // The kubelet's refusal goes to kubectl as it is ("unable to upgrade connection: ...").
      if (err instanceof WebSocketHandshakeError) return writeHttpResponse(upgrade.socket, { status: err.status, body: err.body, contentType: err.contentType });
      throw dialError(err);
    }
    // Hold the kubelet's output until kubectl's side is ready for it.
    kubelet.pause();
    const client = upgrade.socket.destroyed ? undefined : await this.#acceptRemoteCommand(upgrade, { wire, streams });
    if (!client) return kubelet.abort('client went away');
    bridgeChannels(client, kubelet, wire.kind === 'websocket' ? translatedStatus : undefined);
    if (wire.kind === 'spdy') {
      // The client's streams all exist once it has opened them (waitForChannelStreams).
      kubelet.resume();
      return;
    }
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      clearTimeout(timer);
      kubelet.resume();
    };
    const timer = setTimeout(release, this.#options.clientStreamsGraceMs ?? CLIENT_STREAMS_GRACE_MS);
    client.once('data', release);
    client.once('eof', release);
    client.once('close', release);
  }

  /** Picks the wire protocol from the request, or throws the refusal kubectl expects. */
  #wire(req: IncomingMessage, subresource: string): Wire {
    const portForward = subresource === 'portforward';
    if (isWebSocketRequest(req)) {
      const wanted = portForward ? WS_PORT_FORWARD_TUNNEL : WS_V5;
      // Any refusal here makes kubectl retry with SPDY.
      if (!offeredProtocols(req).includes(wanted)) throw newBadRequest(`unable to upgrade: the WebSocket subprotocol ${wanted} is required`);
      return { kind: 'websocket', protocol: wanted };
    }
    if (!isSpdyRequest(req)) throw newBadRequest('unable to upgrade: the Upgrade header must be websocket or SPDY/3.1');
    const offered = headerValues(req.headersDistinct['x-stream-protocol-version']);
    if (!offered.length) throw newBadRequest('unable to upgrade: X-Stream-Protocol-Version is required');
    const supported = portForward ? [SPDY_PORT_FORWARD_PROTOCOL] : SPDY_REMOTE_COMMAND_PROTOCOLS;
    const protocol = negotiateProtocol(offered, supported);
    if (!protocol) {
      throw new StatusError({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403,
        message: `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${supported.join(' ')}]`,
      });
    }
    return { kind: 'spdy', protocol };
  }

  /** Upgrades kubectl's side; undefined when its handshake or its streams never complete. */
  async #acceptRemoteCommand(upgrade: UpgradeRequest, options: { wire: Wire; streams: StreamOptions }): Promise<ChannelTransport | undefined> {
    if (options.wire.kind === 'websocket') {
      const ws = acceptWebSocket(upgrade, { protocol: options.wire.protocol });
      return ws && new WebSocketChannels(ws);
    }
    const session = acceptSpdy(upgrade, options.wire.protocol);
    try {
      return new SpdyChannels(session, await waitForChannelStreams(session, { expected: expectedStreamTypes(options.streams) }));
    } catch {
      // The upgrade is done, so there is no HTTP answer left to give (the kubelet logs it).
      session.destroy();
      return undefined;
    }
  }

  #portForward(upgrade: UpgradeRequest, options: { pod: PodView; wire: Wire }): void {
    const { pod, wire } = options;
    const socketPath = this.#options.kubeletSocket(requireNode(pod));
    const namespace = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name;
    const target = { namespace, name, uid: pod.metadata.uid ?? '', dial: (port: number) => dialPortForward(socketPath, portForwardPath({ namespace, pod: name }, port)) };
    if (wire.kind === 'websocket') {
      const ws = acceptWebSocket(upgrade, { protocol: wire.protocol });
      if (ws) servePortForward(new SpdySession(websocketByteStream(ws)), target);
      return;
    }
    servePortForward(acceptSpdy(upgrade, wire.protocol), target);
  }
}
