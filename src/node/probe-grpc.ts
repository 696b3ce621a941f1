/**
 * @module The kubelet's gRPC probe (pkg/probe/grpc): grpc.health.v1.Health/Check over plain
 * HTTP/2 (no TLS, as upstream), `service` in the request, SERVING succeeds. The dial blocks
 * until it connects or the timeout passes (grpc.WithBlock: a refused connection is retried),
 * and the failure texts are upstream's: `timeout: failed to connect service "ip:port" within
 * 1s: context deadline exceeded`, `service unhealthy (responded with "NOT_SERVING")`, `error:
 * this server does not implement the grpc health protocol (grpc.health.v1.Health): <message>`.
 */
import http2 from 'node:http2';
import type { ProbeOutcome } from './probes.js';

const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** grpc-go's code names, for `rpc error: code = X desc = ...`. */
const CODE_NAMES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

/** The length-prefixed HealthCheckRequest: field 1 (service), a string. */
export function healthRequest(service: string): Buffer {
  const name = Buffer.from(service);
  const message = name.length ? Buffer.concat([Buffer.from([0x0a]), varint(name.length), name]) : Buffer.alloc(0);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/** The status (field 1, an enum) of a length-prefixed HealthCheckResponse; 0 (UNKNOWN) when absent. */
export function responseStatus(frame: Buffer): number {
  const message = frame.subarray(5, 5 + (frame.length >= 5 ? frame.readUInt32BE(1) : 0));
  for (let i = 0; i < message.length;) {
    const key = message[i++];
    let value = 0;
    let shift = 0;
    if ((key & 7) === 0) {
      while (i < message.length) {
        const b = message[i++];
        value += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (!(b & 0x80)) break;
      }
      if (key >> 3 === 1) return value;
    } else if ((key & 7) === 2) {
      let len = 0;
      while (i < message.length) {
        const b = message[i++];
        len += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (!(b & 0x80)) break;
      }
      i += len;
    } else break;
  }
  return 0;
}

function goDurationSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Connects (retrying a refused dial until the deadline), as grpc.DialContext with WithBlock. */
async function connect(authority: string, deadline: number): Promise<http2.ClientHttp2Session | undefined> {
  for (let wait = 50; Date.now() < deadline; wait = Math.min(wait * 2, 1000)) {
    const session = await new Promise<http2.ClientHttp2Session | undefined>((resolve) => {
      const s = http2.connect(authority);
      const timer = setTimeout(() => {
        s.destroy();
        resolve(undefined);
      }, Math.max(0, deadline - Date.now()));
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', () => {
        clearTimeout(timer);
        s.destroy();
        resolve(undefined);
      });
    });
    if (session) return session;
    await new Promise((r) => setTimeout(r, Math.min(wait, Math.max(0, deadline - Date.now()))));
  }
  return undefined;
}

export async function grpcProbe(options: { host: string; port: number; service: string; timeoutMs: number; userAgent: string }): Promise<ProbeOutcome> {
  const addr = options.host.includes(':') ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
  const deadline = Date.now() + options.timeoutMs;
  const within = goDurationSeconds(options.timeoutMs);
  const session = await connect(`http://${addr}`, deadline);
  if (!session) return { ok: false, message: `timeout: failed to connect service ${JSON.stringify(addr)} within ${within}: context deadline exceeded` };
  try {
    return await new Promise<ProbeOutcome>((resolve) => {
      const req = session.request({
        ':method': 'POST',
        ':path': '/grpc.health.v1.Health/Check',
        'content-type': 'application/grpc',
        te: 'trailers',
        'user-agent': `${options.userAgent} grpc-go/1.72.1`,
        'grpc-timeout': `${Math.max(1, deadline - Date.now())}m`,
      });
      const timer = setTimeout(() => {
        req.close();
        resolve({ ok: false, message: `timeout: health rpc did not complete within ${within}` });
      }, Math.max(0, deadline - Date.now()));
      const chunks: Buffer[] = [];
      let headers: http2.IncomingHttpHeaders = {};
      req.on('response', (h) => (headers = h));
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('trailers', (t) => (headers = { ...headers, ...t }));
      req.on('error', (err) => {
        clearTimeout(timer);
        resolve({ ok: false, message: `error: health rpc probe failed: rpc error: code = Unavailable desc = ${err.message}` });
      });
      req.on('end', () => {
        clearTimeout(timer);
        const code = Number(headers['grpc-status'] ?? 2);
        const desc = decodeURIComponent(String(headers['grpc-message'] ?? ''));
        if (code === 12) return resolve({ ok: false, message: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${desc}` });
        if (code === 4) return resolve({ ok: false, message: `timeout: health rpc did not complete within ${within}` });
        if (code !== 0) return resolve({ ok: false, message: `error: health rpc probe failed: rpc error: code = ${CODE_NAMES[code] ?? `Code(${code})`} desc = ${desc}` });
        const status = responseStatus(Buffer.concat(chunks));
        if (status !== 1) return resolve({ ok: false, message: `service unhealthy (responded with ${JSON.stringify(STATUS_NAMES[status] ?? String(status))})` });
        resolve({ ok: true, message: '' });
      });
      req.end(healthRequest(options.service));
    });
  } finally {
    session.close();
  }
}
