/**
 * @module The kubelet API on `<data-dir>/run/kubelet.sock` (plain HTTP on a Unix socket, mode
 * 0600): `GET /containerLogs/{ns}/{pod}/{container}` here, `/exec`, `/attach` and
 * `/portForward` and `/dial` upgrades routed to the handlers src/node/streams/ registers (`onUpgrade`), and
 * `GET /healthz`. Refusals are plain text with the kubelet's status and wording.
 */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import { logOptionsFromQuery, readContainerLog, type LogFile } from './container-logs.js';
import { nowNanos } from './cri-log.js';
import { PodAccessError, type ContainerRef } from './pod-access.js';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;
export type UpgradeRoute = 'exec' | 'attach' | 'portForward' | 'dial';

/** What the streams code registers on. */
export interface KubeletApi {
  /**
   * Routes HTTP upgrades whose path starts with `/${route}/` to the handler; it owns the socket
   * (writes the 101 or an HTTP error itself). Upgrades without a handler get 404 and are closed.
   */
  onUpgrade(route: UpgradeRoute, handler: UpgradeHandler): void;
}

/** Where the logs come from. */
export interface LogLookup {
  /** The log file of the container's current (or previous) run; throws PodAccessError. */
  containerLog(ref: ContainerRef, options: { previous: boolean }): LogFile;
}

export class KubeletServer implements KubeletApi {
  readonly socketPath: string;
  #server: http.Server;
  #upgrades = new Map<string, UpgradeHandler>();
  #logs: LogLookup;
  #sockets = new Set<Duplex>();

  constructor(socketPath: string, options: { logs: LogLookup }) {
    this.socketPath = socketPath;
    this.#logs = options.logs;
    // A request the handlers did not foresee answers 500; it never takes the agent down (the
    // API server's nodes/proxy hands clients' paths to this server).
    this.#server = http.createServer((req, res) => {
      try {
        this.#handle(req, res);
      } catch (err) {
        if (!res.headersSent) text(res, 500, `${err instanceof Error ? err.message : String(err)}\n`);
        else res.destroy();
      }
    });
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      try {
        this.#upgrade(req, socket, head);
      } catch (err) {
        socket.end(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${err instanceof Error ? err.message : String(err)}\n`);
      }
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  onUpgrade(route: UpgradeRoute, handler: UpgradeHandler): void {
    this.#upgrades.set(route, handler);
  }

  /** Listens on the socket (replacing a stale one), readable by the owner only. */
  async listen(): Promise<void> {
    mkdirSync(dirname(this.socketPath), { recursive: true });
    rmSync(this.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.socketPath, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    chmodSync(this.socketPath, 0o600);
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.socketPath, { force: true });
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const route = url.pathname.split('/')[1] ?? '';
    const handler = this.#upgrades.get(route);
    if (!handler) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n404 page not found\n');
      return;
    }
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    handler(req, socket, head, url);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    let parts: string[];
    try {
      parts = url.pathname.split('/').slice(1).map((p) => decodeURIComponent(p));
    } catch {
      // A malformed escape (`%zz`): Go's URL parsing refuses it with a 400 too.
      return text(res, 400, `Bad Request: ${JSON.stringify(url.pathname)}\n`);
    }
    if (req.method === 'GET' && url.pathname === '/healthz') return text(res, 200, 'ok');
    if (parts[0] === 'containerLogs') {
      if (req.method !== 'GET') return text(res, 405, 'Method Not Allowed\n');
      return this.#containerLogs(parts, url, req, res);
    }
    if (this.#upgrades.has(parts[0] ?? '')) return text(res, 400, 'Upgrade request required\n');
    text(res, 404, '404 page not found\n');
  }

  #containerLogs(parts: string[], url: URL, req: IncomingMessage, res: ServerResponse): void {
    const [, namespace, name, container] = parts;
    if (!namespace || !name || !container || parts.length > 4) {
      return text(res, 400, `Bad Request: ${JSON.stringify(url.pathname)}\n`);
    }
    let options;
    try {
      options = logOptionsFromQuery(url.searchParams, nowNanos());
    } catch {
      return text(res, 422, '{"message": "Invalid request."}');
    }
    let file: LogFile;
    try {
      const previous = ['1', 'true'].includes((url.searchParams.get('previous') ?? '').toLowerCase());
      file = this.#logs.containerLog({ namespace, name, container }, { previous });
    } catch (err) {
      if (err instanceof PodAccessError) return text(res, err.status, err.message);
      return text(res, 500, `${err instanceof Error ? err.message : String(err)}\n`);
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const stream = readContainerLog(file, options);
    stream.pipe(res);
    req.on('close', () => stream.destroy());
    res.on('close', () => stream.destroy());
  }
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
