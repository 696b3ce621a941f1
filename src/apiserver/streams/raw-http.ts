/**
 * @module Plain HTTP/1.1 answers written straight onto an upgrade socket: once node hands a
 * request to the 'upgrade' event there is no ServerResponse, so refusals (404, 400, 101 headers)
 * are written here by hand.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** What node's 'upgrade' event hands over: the request, its socket, and bytes read past the headers. */
export interface UpgradeRequest {
  req: IncomingMessage;
  socket: Duplex;
  head?: Buffer;
}

export interface RawResponse {
  status: number;
  body: string | Buffer;
  /** Default `text/plain; charset=utf-8`. */
  contentType?: string;
}

/** Writes a complete non-101 response and closes the socket once it is flushed. */
export function writeHttpResponse(socket: Duplex, response: RawResponse): void {
  if (socket.destroyed) return;
  const { status, body } = response;
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`,
    `Content-Type: ${response.contentType ?? 'text/plain; charset=utf-8'}`,
    `Content-Length: ${payload.length}`,
    'Cache-Control: no-cache, private',
    'Connection: close',
    '',
    '',
  ].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), payload]));
}

/** Writes `101 Switching Protocols` with the given headers; the socket then carries the new protocol. */
export function writeSwitchingProtocols(socket: Duplex, headers: Record<string, string>): void {
  const lines = ['HTTP/1.1 101 Switching Protocols', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''];
  socket.write(lines.join('\r\n'), 'latin1');
}

/** All values of a header (node joins repeated headers with ", "; Set-Cookie aside). */
export function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** True if a comma-separated header holds `token` (case-insensitive), as RFC 7230 lists do. */
export function headerHasToken(value: string | string[] | undefined, token: string): boolean {
  const wanted = token.toLowerCase();
  return headerValues(value).some((v) => v.toLowerCase() === wanted);
}
