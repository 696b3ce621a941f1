/**
 * @module The relay protocol between the control plane's host listeners (host namespace) and
 * the node agent (node namespace), over the Unix socket `<data-dir>/run/proxy.sock`. Pure.
 *
 * One Unix stream connection per TCP connection or UDP flow:
 *
 *   client → agent   one header line, JSON, at most 1 KiB, ending in `\n`:
 *                    {"v":1,"proto":"tcp","ip":"10.244.0.1","port":30080,"src":"127.0.0.1:51234"}
 *                    (`src` is informational: the client's address on the host)
 *   agent → client   one reply line once the agent's own socket is connected or has failed:
 *                    {"ok":true}  or  {"ok":false,"code":"ECONNREFUSED","message":"..."}
 *   then, for tcp:   raw bytes both ways; FIN passes as the end of the Unix stream, an error as
 *                    its abrupt close. The client may send bytes right after the header, before
 *                    the reply (the agent buffers them), so a request costs no extra round trip.
 *   for udp:         datagrams both ways, each as a 2-byte big-endian length and the payload.
 *                    The flow lasts as long as the Unix connection; the client closes it when
 *                    idle.
 */
import { isIPv4 } from 'node:net';
import { join } from 'node:path';

export const RELAY_VERSION = 1;
export const MAX_HEADER_BYTES = 1024;
export const MAX_DATAGRAM = 65_535;

/** The agent's relay socket under the data dir. */
export function relaySocketPath(dataDir: string): string {
  return join(dataDir, 'run', 'proxy.sock');
}

export type RelayProto = 'tcp' | 'udp';

export interface RelayRequest {
  proto: RelayProto;
  /** IPv4 address the agent dials from the node namespace. */
  ip: string;
  port: number;
  /** The original client, `ip:port`, for logs. */
  src?: string;
}

export type RelayReply = { ok: true } | { ok: false; code: string; message: string };

/** A header or frame that breaks the protocol. */
export class RelayProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RelayProtocolError';
  }
}

export function encodeRequest(req: RelayRequest): Buffer {
  return Buffer.from(`${JSON.stringify({ v: RELAY_VERSION, proto: req.proto, ip: req.ip, port: req.port, ...(req.src ? { src: req.src } : {}) })}\n`);
}

function parseJSONLine(line: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new RelayProtocolError(`relay header is not JSON: ${JSON.stringify(line.slice(0, 80))}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RelayProtocolError('relay header is not a JSON object');
  return v as Record<string, unknown>;
}

export function parseRequest(line: string): RelayRequest {
  const o = parseJSONLine(line);
  if (o.v !== RELAY_VERSION) throw new RelayProtocolError(`relay version ${JSON.stringify(o.v)} is not supported (want ${RELAY_VERSION})`);
  if (o.proto !== 'tcp' && o.proto !== 'udp') throw new RelayProtocolError(`relay proto must be tcp or udp, not ${JSON.stringify(o.proto)}`);
  if (typeof o.ip !== 'string' || !isIPv4(o.ip)) throw new RelayProtocolError(`relay ip must be an IPv4 address, not ${JSON.stringify(o.ip)}`);
  if (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new RelayProtocolError(`relay port must be 1-65535, not ${JSON.stringify(o.port)}`);
  return { proto: o.proto, ip: o.ip, port: o.port, ...(typeof o.src === 'string' ? { src: o.src } : {}) };
}

export function encodeReply(reply: RelayReply): Buffer {
  return Buffer.from(`${JSON.stringify(reply)}\n`);
}

export function parseReply(line: string): RelayReply {
  const o = parseJSONLine(line);
  if (o.ok === true) return { ok: true };
  if (o.ok === false) return { ok: false, code: typeof o.code === 'string' ? o.code : 'EUNKNOWN', message: typeof o.message === 'string' ? o.message : '' };
  throw new RelayProtocolError('relay reply has no boolean "ok"');
}

/**
 * Splits the first line off a byte stream: `push` chunks until it returns the line (without
 * `\n`) and the bytes after it. Throws RelayProtocolError past MAX_HEADER_BYTES.
 */
export class LineSplitter {
  #buf: Buffer = Buffer.alloc(0);
  #done = false;

  push(chunk: Buffer): { line: string; rest: Buffer } | undefined {
    if (this.#done) throw new RelayProtocolError('the header line was already read');
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    const nl = this.#buf.indexOf(0x0a);
    if (nl < 0) {
      if (this.#buf.length > MAX_HEADER_BYTES) throw new RelayProtocolError(`relay header line longer than ${MAX_HEADER_BYTES} bytes`);
      return undefined;
    }
    if (nl > MAX_HEADER_BYTES) throw new RelayProtocolError(`relay header line longer than ${MAX_HEADER_BYTES} bytes`);
    this.#done = true;
    const out = { line: this.#buf.subarray(0, nl).toString('utf8'), rest: this.#buf.subarray(nl + 1) };
    this.#buf = Buffer.alloc(0);
    return out;
  }
}

/** One datagram as a frame: 2-byte big-endian length, then the payload. */
export function encodeFrame(payload: Buffer): Buffer {
  if (payload.length > MAX_DATAGRAM) throw new RelayProtocolError(`datagram of ${payload.length} bytes is too large`);
  const head = Buffer.allocUnsafe(2);
  head.writeUInt16BE(payload.length, 0);
  return Buffer.concat([head, payload]);
}

/** Reassembles frames from a byte stream cut anywhere. */
export class FrameDecoder {
  #buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    const out: Buffer[] = [];
    let off = 0;
    while (this.#buf.length - off >= 2) {
      const len = this.#buf.readUInt16BE(off);
      if (this.#buf.length - off - 2 < len) break;
      out.push(Buffer.from(this.#buf.subarray(off + 2, off + 2 + len)));
      off += 2 + len;
    }
    this.#buf = off ? this.#buf.subarray(off) : this.#buf;
    return out;
  }
}
