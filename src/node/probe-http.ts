/**
 * @module The kubelet's HTTP GET for probes and lifecycle hooks (pkg/probe/http): the request
 * as NewRequestForHTTPGetAction builds it (the action's headers, a User-Agent
 * `kube-<purpose>/<major.minor>` and `Accept: *\/*` unless given, an empty Accept dropped, a Host
 * header as the request's host), and Go's http.Client around it with RedirectChecker(false):
 * redirects to the same host name are followed (at most 10), one to another host ends the
 * chain with its own 3xx response; the whole exchange under one timeout; at most 10 KiB of body
 * read. Errors read as Go's client words them: `Get "<url>": <reason>`.
 */
import http from 'node:http';
import https from 'node:https';
import type { HttpGetAction } from './pod-view.js';

/** pkg/probe/http maxRespBodyLength. */
export const MAX_BODY_BYTES = 10 * 1024;

/** What a GET ended with: the last response's status and (the start of) its body. */
export interface HttpGetResult {
  status: number;
  body: string;
}

/** The URL of an httpGet action (formatURL: the path may carry a query; host:port joined as Go's JoinHostPort). */
export function actionUrl(action: Pick<HttpGetAction, 'scheme' | 'path'>, host: string, port: number): string {
  const path = action.path ?? '';
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return `${(action.scheme ?? 'HTTP').toLowerCase()}://${hostPort}${path.startsWith('/') ? path : `/${path}`}`;
}

/** The request's headers (newProbeRequest): the action's, then User-Agent and Accept unless given. */
export function requestHeaders(list: Array<{ name: string; value: string }> | undefined, userAgent: string): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const h of list ?? []) (headers[h.name.toLowerCase()] ??= []).push(h.value);
  if (!headers['user-agent']) headers['user-agent'] = [userAgent];
  if (!headers.accept) headers.accept = ['*/*'];
  else if (headers.accept[0] === '') delete headers.accept;
  return headers;
}

/** A failed connection's error as Go's net package words it. */
export function dialError(err: NodeJS.ErrnoException, address: string): string {
  if (err.code === 'ECONNREFUSED') return `dial tcp ${address}: connect: connection refused`;
  if (err.code === 'EHOSTUNREACH') return `dial tcp ${address}: connect: no route to host`;
  if (err.code === 'ENETUNREACH') return `dial tcp ${address}: connect: network is unreachable`;
  if (err.code === 'ETIMEDOUT') return `dial tcp ${address}: i/o timeout`;
  if (err.code === 'ECONNRESET') return `read tcp ${address}: read: connection reset by peer`;
  return `dial tcp ${address}: ${err.message}`;
}

/** Go's url.Hostname(): the host without port or brackets. */
function hostname(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GETs `url` as the kubelet's prober client does; rejects with Go's client error text. The
 * timeout (0: none) covers every hop and the body.
 */
export async function httpGet(url: string, options: { headers: Record<string, string[]>; timeoutMs: number }): Promise<HttpGetResult> {
  const deadline = options.timeoutMs > 0 ? Date.now() + options.timeoutMs : Infinity;
  const first = new URL(url);
  let current = first;
  // A Host header is the request's host; through a relative redirect it is kept (Go's client).
  let hostHeader: string | undefined = options.headers.host?.[0];
  for (let hops = 0; ; hops++) {
    const res = await getOnce(current, options.headers, hostHeader, deadline);
    const location = res.location;
    if (!REDIRECTS.has(res.status) || !location) return res;
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new Error(`Get "${current.href}": failed to parse Location header "${location}"`);
    }
    if (hostname(next) !== hostname(first)) return res;
    if (hops + 1 >= 10) throw new Error(`Get "${next.href}": stopped after 10 redirects`);
    if (hostHeader !== undefined && /^[a-z][a-z0-9+.-]*:/i.test(location)) hostHeader = undefined;
    current = next;
  }
}

function getOnce(url: URL, headers: Record<string, string[]>, hostHeader: string | undefined, deadline: number): Promise<HttpGetResult & { location?: string }> {
  const send = url.protocol === 'https:' ? https.request : http.request;
  const outgoing: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (k !== 'host') outgoing[k] = v.length === 1 ? v[0] : v;
  if (hostHeader) outgoing.host = hostHeader;
  const address = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  return new Promise((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let headersIn = false;
    const finish = (err: Error | undefined, result?: HttpGetResult & { location?: string }): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      req.destroy();
      if (err) reject(err);
      else resolve(result!);
    };
    const req = send(url, { method: 'GET', headers: outgoing, agent: false, rejectUnauthorized: false }, (res) => {
      headersIn = true;
      const chunks: Buffer[] = [];
      let size = 0;
      const end = (): void => finish(undefined, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString(), location: res.headers.location });
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        if (size >= MAX_BODY_BYTES) end();
      });
      res.on('end', end);
      res.on('error', end);
    });
    if (deadline !== Infinity) {
      timer = setTimeout(() => {
        const what = headersIn ? 'context deadline exceeded (Client.Timeout or context cancellation while reading body)' : 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)';
        finish(new Error(`Get "${url.href}": ${what}`));
      }, Math.max(0, deadline - Date.now()));
    }
    req.on('error', (err: NodeJS.ErrnoException) => finish(new Error(`Get "${url.href}": ${dialError(err, address)}`)));
    req.end();
  });
}
