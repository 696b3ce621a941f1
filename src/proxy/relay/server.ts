/**
 * @module The node agent's side of the relay (protocol.ts): serves `<data-dir>/run/proxy.sock`
 * and, for each connection, dials the requested address from the node namespace — a NodePort
 * on the node IP, or a cluster IP — so the traffic meets the node's Service rules (or the
 * userspace proxy's listeners) exactly as NodePort traffic does, then relays bytes (TCP) or
 * framed datagrams (UDP).
 *
 * Who may use it: the socket is made mode 0600, like api.sock; only root (the control plane)
 * can connect. The agent dials whatever address it is asked for, from its namespace.
 */
import { createSocket } from 'node:dgram';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { errnoCode } from '../userspace/errors.js';
import { splice } from '../userspace/tcp-listener.js';
import { encodeFrame, encodeReply, FrameDecoder, LineSplitter, parseRequest, type RelayRequest } from './protocol.js';

export interface RelayServerOptions {
  socketPath: string;
  log?: (line: string) => void;
  /** How long a TCP dial may take before it is reported as failed. Default 5 s. */
  connectTimeoutMs?: number;
  /**
   * An in-process shortcut: a connection for a TCP request this process proxies itself (the
   * userspace backend's `dialTcp`), undefined to dial for real; resolving undefined means the
   * proxy found no endpoint (reported as ECONNREFUSED).
   */
  dialTcp?: (ip: string, port: number, clientIP: string) => Promise<Socket | undefined> | undefined;
}

export interface RelayServer {
  readonly socketPath: string;
  /** Connections being relayed now. */
  connections(): number;
  /** Stops accepting and drops every relayed connection; removes the socket file. */
  close(): Promise<void>;
}

function failure(err: unknown): Buffer {
  return encodeReply({ ok: false, code: errnoCode(err) ?? 'EUNKNOWN', message: err instanceof Error ? err.message : String(err) });
}

function relayShortcut(conn: Socket, req: RelayRequest, rest: Buffer, pending: Promise<Socket | undefined>, track: (s: Socket) => void): void {
  void pending.then((upstream) => {
    if (!upstream) {
      conn.end(encodeReply({ ok: false, code: 'ECONNREFUSED', message: `connect ECONNREFUSED ${req.ip}:${req.port}: no endpoint answered` }));
      return;
    }
    if (conn.destroyed) return void upstream.destroy();
    track(upstream);
    if (rest.length) upstream.write(rest);
    conn.write(encodeReply({ ok: true }));
    splice(conn, upstream);
    conn.resume();
  });
}

function relayTcp(conn: Socket, req: RelayRequest, rest: Buffer, timeoutMs: number, track: (s: Socket) => void): void {
  const upstream = connect({ host: req.ip, port: req.port, allowHalfOpen: true, noDelay: true });
  track(upstream);
  // Bytes the client sent after the header wait in the socket's buffer until it connects.
  if (rest.length) upstream.write(rest);
  const timer = setTimeout(() => upstream.destroy(Object.assign(new Error(`connect ${req.ip}:${req.port}: timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
  const onError = (err: Error): void => {
    clearTimeout(timer);
    conn.end(failure(err));
  };
  upstream.once('error', onError);
  upstream.once('connect', () => {
    clearTimeout(timer);
    upstream.removeListener('error', onError);
    conn.write(encodeReply({ ok: true }));
    splice(conn, upstream);
    conn.resume();
  });
}

function relayUdp(conn: Socket, req: RelayRequest, rest: Buffer): void {
  const sock = createSocket('udp4');
  const decoder = new FrameDecoder();
  let pending: Buffer[] | undefined = [];
  const send = (frames: Buffer[]): void => {
    for (const f of frames) {
      if (pending) pending.push(f);
      else sock.send(f);
    }
  };
  conn.on('data', (chunk: Buffer) => send(decoder.push(chunk)));
  send(decoder.push(rest));
  sock.on('message', (msg) => {
    if (!conn.destroyed) conn.write(encodeFrame(msg));
  });
  // ECONNREFUSED (the endpoint's ICMP) only says this datagram found no one; the flow stays.
  sock.on('error', (err) => {
    if (errnoCode(err) !== 'ECONNREFUSED') conn.destroy();
  });
  sock.connect(req.port, req.ip, () => {
    conn.write(encodeReply({ ok: true }));
    for (const f of pending ?? []) sock.send(f);
    pending = undefined;
  });
  conn.once('close', () => {
    try {
      sock.close();
    } catch {
      // already closed
    }
  });
  conn.resume();
}

/** Listens on the relay socket (replacing a stale one). */
export async function startRelayServer(options: RelayServerOptions): Promise<RelayServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`relay: ${line}\n`));
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  const live = new Set<Socket>();
  const track = (s: Socket): void => {
    live.add(s);
    s.once('close', () => live.delete(s));
  };
  const server: Server = createServer({ allowHalfOpen: true }, (conn) => {
    track(conn);
    conn.on('error', () => undefined);
    const splitter = new LineSplitter();
    const onData = (chunk: Buffer): void => {
      let got;
      try {
        got = splitter.push(chunk);
        if (!got) return;
        conn.removeListener('data', onData);
        conn.pause();
        const req = parseRequest(got.line);
        const shortcut = req.proto === 'tcp' ? options.dialTcp?.(req.ip, req.port, req.src?.split(':')[0] ?? '') : undefined;
        if (shortcut) relayShortcut(conn, req, got.rest, shortcut, track);
        else if (req.proto === 'tcp') relayTcp(conn, req, got.rest, timeoutMs, track);
        else relayUdp(conn, req, got.rest);
      } catch (err) {
        log(`bad request: ${err instanceof Error ? err.message : String(err)}`);
        conn.removeListener('data', onData);
        conn.end(failure(err));
      }
    };
    conn.on('data', onData);
  });
  mkdirSync(dirname(options.socketPath), { recursive: true, mode: 0o700 });
  rmSync(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  chmodSync(options.socketPath, 0o600);
  server.on('error', (err) => log(err.message));
  return {
    socketPath: options.socketPath,
    connections: () => live.size,
    async close() {
      for (const s of live) s.destroy();
      server.close();
      rmSync(options.socketPath, { force: true });
    },
  };
}
