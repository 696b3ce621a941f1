/**
 * @module The `services/proxy`, `pods/proxy` and `nodes/proxy` subresources (kube-apiserver's
 * ProxyREST of each, and apimachinery's UpgradeAwareHandler). They relay arbitrary HTTP, so
 * they take the raw node request ahead of the ApiHandler (`handleRequest`, and `handleUpgrade`
 * for WebSocket/SPDY upgrades): authentication, the object's location (location.ts), then the
 * request over a connection the node agent opens to the pod address (dial.ts) or, for nodes,
 * to the agent's kubelet API itself. Refusals are Status answers with upstream's codes and words.
 */
import type { Authenticate } from '../authn.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { isNotFound, newBadRequest, newMethodNotSupported, newUnauthorized, StatusError, toStatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { writeHttpResponse } from '../streams/raw-http.js';
import { dialThroughKubelet, DialError } from './dial.js';
import { forwardRequest, forwardUpgrade, unreachable } from './forward.js';
import {
  addressCheck,
  parseProxyId,
  pickEndpoint,
  podTarget,
  servicePortName,
  type EndpointsView,
  type PodView,
  type Random,
  type ServiceView,
  type Target,
} from './location.js';
import { DialPool } from './pool.js';
import { backendPath, forwardedUri, joinPreservingTrailingSlash, parseProxyPath, pathPrepend, type ProxyPath } from './paths.js';
import { requestHeaders } from './rewrite.js';

/** ConnectMethods of the three ProxyRESTs. */
export const PROXY_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** The kubelet port kubito's Node objects advertise (status.daemonEndpoints). */
export const KUBELET_PORT = 10250;

export interface SubresourceProxyOptions {
  /** Reads an object from its registry; throws the registry's NotFound StatusError when absent. */
  get(resource: 'services' | 'endpoints' | 'pods' | 'nodes', namespace: string, name: string): Promise<KubeObject>;
  /** The ApiHandler's credential check (absent: every request is allowed). */
  /** Who the request's credentials stand for (authn.ts); undefined: a 401. */
  authenticate?: Authenticate;
  /** The kubelet API socket of a node (one node today). */
  kubeletSocket(nodeName: string): string;
  /** Opens a TCP connection to a pod address through a node's agent (default: dialThroughKubelet). */
  dial?: (socketPath: string, target: { host: string; port: number }) => Promise<Duplex>;
  random?: Random;
}

/** Where a request goes: a pod address through a node's agent, or that agent's kubelet API. */
type Backend = { kind: 'address'; socketPath: string; target: Target } | { kind: 'kubelet'; socketPath: string };

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function splitUrl(url: string | undefined): { path: string; query: string } {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q < 0 ? { path: raw, query: '' } : { path: raw.slice(0, q), query: raw.slice(q) };
}

function statusJson(err: unknown): { code: number; body: string } {
  const status = toStatusError(err).status;
  return { code: status.code, body: JSON.stringify(status) };
}

export class SubresourceProxy {
  readonly #options: SubresourceProxyOptions;
  readonly #sockets = new Set<Duplex>();
  /** Kept-alive connections to pod addresses (plain http; a TLS connection serves one request). */
  readonly #pool: DialPool;

  constructor(options: SubresourceProxyOptions) {
    this.#options = options;
    this.#pool = new DialPool((socketPath, target) => this.#dial(socketPath, target));
  }

  /** The server's request hook: false (request untouched) unless the path is a proxy subresource. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    // Every HTTPS request passes here: most are ruled out without parsing their path.
    if (!req.url?.includes('/proxy')) return false;
    const { path, query } = splitUrl(req.url);
    const target = parseProxyPath(path);
    if (!target) return false;
    this.#serve(req, res, { target, path, query }).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      const { code, body } = statusJson(err);
      if (code >= 500 && !(err instanceof StatusError)) console.error(`apiserver: proxy ${req.method} ${path}:`, err);
      res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache, private' });
      res.end(body);
    });
    return true;
  }

  /** The server's 'upgrade' hook: false (socket untouched) unless the path is a proxy subresource. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (!req.url?.includes('/proxy')) return false;
    const { path, query } = splitUrl(req.url);
    const target = parseProxyPath(path);
    if (!target) return false;
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    this.#upgrade(req, socket, { target, head, path, query }).catch((err: unknown) => {
      const { code, body } = statusJson(err);
      writeHttpResponse(socket, { status: code, body, contentType: 'application/json' });
    });
    return true;
  }

  /** Ends every relayed upgrade and kept-alive connection (server shutdown). */
  close(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    this.#pool.destroy();
  }

  async #check(req: IncomingMessage, target: ProxyPath): Promise<string> {
    if (this.#options.authenticate && !(await this.#options.authenticate(headersOf(req)))) throw newUnauthorized();
    const method = (req.method ?? 'GET').toUpperCase();
    if (!PROXY_METHODS.has(method)) throw newMethodNotSupported({ group: '', resource: `${target.resource}/proxy` }, method.toLowerCase());
    return method;
  }

  async #serve(req: IncomingMessage, res: ServerResponse, request: { target: ProxyPath; path: string; query: string }): Promise<void> {
    const method = await this.#check(req, request.target);
    const backend = await this.#locate(request.target);
    const locationPath = joinPreservingTrailingSlash('', request.target.subpath);
    const path = backendPath(locationPath, request.path);
    if (path === '' && (method === 'GET' || method === 'HEAD')) {
      // proxyRedirectsforRootPath: `.../proxy` -> `.../proxy/`.
      res.writeHead(301, { 'Cache-Control': 'no-cache, private', Location: `${request.path}/${request.query}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    const prepend = pathPrepend(request.path, locationPath);
    const headers = requestHeaders(req.rawHeaders, { clientIP: req.socket.remoteAddress, forwardedUri: forwardedUri(prepend, path) });
    // A body of unknown length goes on chunked, whatever the method (node would frame none for
    // a DELETE or an OPTIONS; Go's transport chunks it).
    if (req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] === undefined) headers.push('Transfer-Encoding', 'chunked');
    const backendHost = backend.kind === 'address' ? hostPort(backend.target) : '';
    const rewrite = { backendHost, requestHost: req.headers.host ?? '', prepend };
    const outgoing = { method, path: `${path || '/'}${request.query}`, headers, rewrite };
    if (backend.kind === 'kubelet') return forwardRequest(req, res, { ...outgoing, via: { socketPath: backend.socketPath } });
    if (backend.target.scheme === 'https') {
      const connection = await this.#connect(backend);
      return forwardRequest(req, res, { ...outgoing, via: { createConnection: () => connection as never } });
    }
    const { host, port } = backend.target;
    return forwardRequest(req, res, { ...outgoing, via: { agent: this.#pool, host, port: port || 80, kubeletSocket: backend.socketPath } });
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, request: { target: ProxyPath; head: Buffer; path: string; query: string }): Promise<void> {
    const method = await this.#check(req, request.target);
    const backend = await this.#locate(request.target);
    if (backend.kind === 'kubelet') throw newBadRequest('kubito does not relay upgrade requests to the kubelet API through nodes/proxy');
    let connection: Duplex;
    try {
      connection = await this.#connect(backend);
    } catch (err) {
      // The upgrade path's words (UpgradeAwareHandler.DialForUpgrade), a 500 as upstream.
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message: `error dialing backend: ${err instanceof DialError ? err.message : toStatusError(err).status.message}` });
    }
    if (socket.destroyed) return void connection.destroy();
    const path = joinPreservingTrailingSlash('', request.target.subpath) || '/';
    const headers = requestHeaders(req.rawHeaders, { clientIP: req.socket.remoteAddress, upgrade: true });
    await forwardUpgrade(socket, connection, { method, path: `${path}${request.query}`, headers, head: request.head });
  }

  /** The backend of a proxy path (the ResourceLocation of its kind). */
  async #locate(target: ProxyPath): Promise<Backend> {
    const { get, kubeletSocket } = this.#options;
    const ns = target.namespace;
    if (target.resource === 'nodes') {
      const id = parseProxyId('node', target.id);
      await get('nodes', '', id.name);
      if (id.port !== '' && id.port !== String(KUBELET_PORT)) {
        throw newBadRequest(`kubito's nodes/proxy reaches only the kubelet API (port ${KUBELET_PORT}), not port ${id.port}`);
      }
      return { kind: 'kubelet', socketPath: kubeletSocket(id.name) };
    }
    if (target.resource === 'pods') {
      const id = parseProxyId('pod', target.id);
      const pod = (await get('pods', ns, id.name)) as KubeObject & PodView & { spec?: { nodeName?: string } };
      return { kind: 'address', socketPath: kubeletSocket(pod.spec?.nodeName ?? ''), target: podTarget(pod, id) };
    }
    const id = parseProxyId('service', target.id);
    let portName = id.port;
    if (/^[+-]?[0-9]+$/.test(id.port)) portName = servicePortName((await get('services', ns, id.name)) as KubeObject & ServiceView, id.port);
    const eps = (await get('endpoints', ns, id.name)) as KubeObject & EndpointsView;
    let node = '';
    const podOf = async (name: string): Promise<PodView | undefined> => {
      try {
        const pod = (await get('pods', ns, name)) as KubeObject & PodView & { spec?: { nodeName?: string } };
        node = pod.spec?.nodeName ?? '';
        return pod;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    };
    const picked = await pickEndpoint(eps, { serviceName: id.name, id: target.id, portName, scheme: id.scheme, valid: addressCheck(ns, podOf), random: this.#options.random });
    return { kind: 'address', socketPath: kubeletSocket(node), target: picked };
  }

  #dial(socketPath: string, target: { host: string; port: number }): Promise<Duplex> {
    return (this.#options.dial ?? dialThroughKubelet)(socketPath, target);
  }

  /** A connection to the address (TLS on top for `https:`, unverified as upstream's proxy transport). */
  async #connect(backend: Extract<Backend, { kind: 'address' }>): Promise<Duplex> {
    const { target } = backend;
    const port = target.port || (target.scheme === 'https' ? 443 : 80);
    let socket: Duplex;
    try {
      socket = await this.#dial(backend.socketPath, { host: target.host, port });
    } catch (err) {
      throw unreachable(err);
    }
    if (target.scheme !== 'https') return socket;
    return new Promise((resolve, reject) => {
      const tls = tlsConnect({ socket: socket as Socket, rejectUnauthorized: false });
      // Go's transport gives a handshake 10 s (TLSHandshakeTimeout), in its own words.
      const timer = setTimeout(() => {
        tls.destroy();
        reject(unreachable(new Error('net/http: TLS handshake timeout')));
      }, TLS_HANDSHAKE_TIMEOUT_MS);
      tls.once('secureConnect', () => {
        clearTimeout(timer);
        resolve(tls);
      });
      tls.once('error', (err) => {
        clearTimeout(timer);
        reject(unreachable(err));
      });
    });
  }
}

/** How long a TLS handshake with an `https:` backend may take (Go's http.Transport TLSHandshakeTimeout). */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

function hostPort(target: Target): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return target.port ? `${host}:${target.port}` : host;
}
