/**
 * @module An HTTP/1.1 response parser for one keep-alive connection: feed it the bytes as they
 * come, get the response once it is whole. It reads the status line and headers, then the body
 * by Content-Length, by chunked transfer coding, or until the connection closes, and says
 * whether the connection can carry another request. Pure (no sockets); http1-pool.ts drives it.
 */

/** A whole response. Header names are lower case; repeated headers are joined with ", ". */
export interface Http1Response {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** False when the server said `Connection: close`, spoke HTTP/1.0 without keep-alive, or ended the body by closing. */
  reusable: boolean;
}

/** The server's bytes do not parse as an HTTP/1.1 response. */
export class Http1ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Http1ParseError';
  }
}

/** The most a status line and its headers may take (Node's default --max-http-header-size is 16 KiB). */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type BodyMode = { kind: 'none' } | { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };

/** Parses the response to one request; a new parser for each request on the connection. */
export class Http1ResponseParser {
  readonly #noBody: boolean;
  #pending: Buffer = Buffer.alloc(0);
  #head: { status: number; headers: Record<string, string>; reusable: boolean } | undefined;
  #mode: BodyMode = { kind: 'none' };
  readonly #body: Buffer[] = [];
  /** In chunked mode: bytes left in the current chunk's data (then its CRLF), or -1 between chunks. */
  #chunkLeft = -1;
  #inTrailers = false;
  #done: Http1Response | undefined;

  /** `noBody`: the request was HEAD (a response to it has no body whatever its headers say). */
  constructor(options: { noBody?: boolean } = {}) {
    this.#noBody = options.noBody ?? false;
  }

  /**
   * Adds bytes; returns the response once it is whole (then `extra` holds bytes after it, which a
   * well-behaved server never sends before the next request). Throws Http1ParseError.
   */
  push(data: Buffer): { response: Http1Response; extra: Buffer } | undefined {
    if (this.#done) throw new Http1ParseError('data after the response ended');
    this.#pending = this.#pending.length === 0 ? data : Buffer.concat([this.#pending, data]);
    while (this.#head === undefined) {
      const end = this.#pending.indexOf(HEAD_END);
      if (end < 0) {
        if (this.#pending.length > MAX_HEAD_BYTES) throw new Http1ParseError(`response head over ${MAX_HEAD_BYTES} bytes`);
        return undefined;
      }
      const head = parseHead(this.#pending.subarray(0, end).toString('latin1'));
      this.#pending = this.#pending.subarray(end + HEAD_END.length);
      // 1xx answers (100 Continue) come before the real one; 101 would switch protocols, which
      // this client never asks for.
      if (head.status >= 100 && head.status < 200 && head.status !== 101) continue;
      this.#head = head;
      this.#mode = bodyMode(head, this.#noBody);
      if (this.#mode.kind === 'close') this.#head.reusable = false;
    }
    return this.#readBody();
  }

  /** The connection closed: the response if it was being read until the close, else undefined (incomplete). */
  end(): Http1Response | undefined {
    if (this.#done) return this.#done;
    if (this.#head && this.#mode.kind === 'close') {
      this.#body.push(this.#pending);
      this.#pending = Buffer.alloc(0);
      return this.#finish();
    }
    return undefined;
  }

  /** Whether some bytes of this response arrived. */
  get started(): boolean {
    return this.#head !== undefined || this.#pending.length > 0;
  }

  #readBody(): { response: Http1Response; extra: Buffer } | undefined {
    const mode = this.#mode;
    if (mode.kind === 'none') return { response: this.#finish(), extra: this.#rest() };
    if (mode.kind === 'close') {
      this.#body.push(this.#take(this.#pending.length));
      return undefined;
    }
    if (mode.kind === 'length') {
      const n = Math.min(mode.left, this.#pending.length);
      this.#body.push(this.#take(n));
      mode.left -= n;
      return mode.left === 0 ? { response: this.#finish(), extra: this.#rest() } : undefined;
    }
    return this.#readChunks();
  }

  /** Chunked transfer coding: size line (extensions ignored), data, CRLF; size 0 starts the trailers, an empty line ends them. */
  #readChunks(): { response: Http1Response; extra: Buffer } | undefined {
    for (;;) {
      if (this.#inTrailers) {
        const eol = this.#pending.indexOf(CRLF);
        if (eol < 0) return this.#needMore('trailer');
        const line = this.#take(eol + 2);
        if (line.length === 2) return { response: this.#finish(), extra: this.#rest() };
        continue;
      }
      if (this.#chunkLeft < 0) {
        const eol = this.#pending.indexOf(CRLF);
        if (eol < 0) return this.#needMore('chunk size line');
        const line = this.#take(eol + 2).subarray(0, eol).toString('latin1');
        const sizeText = line.split(';')[0].trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw new Http1ParseError(`bad chunk size line ${JSON.stringify(line.slice(0, 40))}`);
        const size = parseInt(sizeText, 16);
        if (size === 0) {
          this.#inTrailers = true;
          continue;
        }
        this.#chunkLeft = size;
      }
      if (this.#chunkLeft > 0) {
        const n = Math.min(this.#chunkLeft, this.#pending.length);
        if (n === 0) return undefined;
        this.#body.push(this.#take(n));
        this.#chunkLeft -= n;
        if (this.#chunkLeft > 0) return undefined;
      }
      if (this.#pending.length < 2) return undefined;
      if (this.#pending[0] !== 0x0d || this.#pending[1] !== 0x0a) throw new Http1ParseError('chunk data not followed by CRLF');
      this.#take(2);
      this.#chunkLeft = -1;
    }
  }

  #needMore(what: string): undefined {
    if (this.#pending.length > MAX_HEAD_BYTES) throw new Http1ParseError(`${what} over ${MAX_HEAD_BYTES} bytes`);
    return undefined;
  }

  /** What came after the response (and no longer belongs to this parser). */
  #rest(): Buffer {
    const out = this.#pending;
    this.#pending = Buffer.alloc(0);
    return out;
  }

  #take(n: number): Buffer {
    const out = this.#pending.subarray(0, n);
    this.#pending = this.#pending.subarray(n);
    return out;
  }

  #finish(): Http1Response {
    const head = this.#head!;
    const body = this.#body.length === 1 ? this.#body[0] : Buffer.concat(this.#body);
    this.#done = { status: head.status, headers: head.headers, body, reusable: head.reusable };
    return this.#done;
  }
}

function parseHead(text: string): { status: number; headers: Record<string, string>; reusable: boolean } {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: .*)?$/.exec(lines[0]);
  if (!m) throw new Http1ParseError(`bad status line ${JSON.stringify(lines[0].slice(0, 60))}`);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Http1ParseError(`bad header line ${JSON.stringify(line.slice(0, 60))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]}, ${value}` : value;
  }
  const connection = (headers.connection ?? '').toLowerCase();
  const reusable = m[1] === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
  return { status: Number(m[2]), headers, reusable };
}

function bodyMode(head: { status: number; headers: Record<string, string> }, noBody: boolean): BodyMode {
  if (noBody || head.status === 204 || head.status === 304) return { kind: 'none' };
  const coding = head.headers['transfer-encoding'];
  if (coding !== undefined) {
    if (/(^|,)\s*chunked\s*$/i.test(coding)) return { kind: 'chunked' };
    return { kind: 'close' };
  }
  const length = head.headers['content-length'];
  if (length !== undefined) {
    if (!/^\d{1,15}$/.test(length)) throw new Http1ParseError(`bad Content-Length ${JSON.stringify(length.slice(0, 40))}`);
    const n = Number(length);
    return n === 0 ? { kind: 'none' } : { kind: 'length', left: n };
  }
  return { kind: 'close' };
}
