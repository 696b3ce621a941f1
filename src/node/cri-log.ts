/**
 * @module Container logs in the CRI format the kubelet reads (`<RFC3339Nano time> <stream>
 * <tag> <message>`; tag `F` ends a line, `P` is part of a longer one): a writer that turns a
 * process's output chunks into such lines, and a parser. The writer keeps an unfinished line
 * until its newline arrives or `maxLine` bytes pile up (then a `P` record), and writes what
 * remains at the end as an `F` record, as containerd does.
 */
import { closeSync, open, openSync, writeSync } from 'node:fs';

export type LogStream = 'stdout' | 'stderr';

/** Go's RFC3339Nano: nanoseconds with trailing zeros dropped. */
export function rfc3339Nano(epochNanos: bigint): string {
  const ms = Number(epochNanos / 1_000_000n);
  const nanos = Number(epochNanos % 1_000_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = String(nanos).padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

const ORIGIN_NS = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Wall-clock time in nanoseconds, monotonic within the process. */
export function nowNanos(): bigint {
  return ORIGIN_NS + process.hrtime.bigint();
}

export interface LogRecord {
  /** The timestamp as written. */
  time: string;
  /** Nanoseconds since the epoch, for comparisons. */
  nanos: bigint;
  stream: LogStream;
  /** false for a `P` record. */
  full: boolean;
  message: Buffer;
}

/** Parses one line of a CRI log file (without its newline); undefined if malformed. */
export function parseCriLine(line: Buffer): LogRecord | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const s3 = line.indexOf(0x20, s2 + 1);
  const time = line.subarray(0, s1).toString();
  const stream = line.subarray(s1 + 1, s2).toString();
  const tagEnd = s3 < 0 ? line.length : s3;
  const tag = line.subarray(s2 + 1, tagEnd).toString();
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const nanos = parseTimeNanos(time);
  if (nanos === undefined) return undefined;
  return { time, nanos, stream, full: !tag.split(':').includes('P'), message: s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1) };
}

/** Parses an RFC 3339 time with up to nanosecond precision. */
export function parseTimeNanos(time: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** Formats one record. */
export function formatCriLine(time: string, stream: LogStream, full: boolean, message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${time} ${stream} ${full ? 'F' : 'P'} `), message, Buffer.from('\n')]);
}

/**
 * Opens (creating) a CRI log file for appending, in libuv's thread pool: a synchronous open on a
 * busy disk stalls the event loop (half a millisecond to several a container start in a burst).
 */
export function openLogFile(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, 'a', 0o640, (err, fd) => (err ? reject(err) : resolve(fd))));
}

/** Appends a process's output to a CRI log file. */
export class CriLogWriter {
  readonly path: string;
  #fd: number | undefined;
  #pending: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] };
  #pendingBytes: Record<LogStream, number> = { stdout: 0, stderr: 0 };
  #maxLine: number;
  #clock: () => bigint;

  /** `fd`: the file already open for appending (the agent opens it off the event loop, openLogFile); the writer closes it. */
  constructor(path: string, options: { maxLine?: number; clock?: () => bigint; fd?: number } = {}) {
    this.path = path;
    this.#fd = options.fd ?? openSync(path, 'a', 0o640);
    this.#maxLine = options.maxLine ?? 16 * 1024;
    this.#clock = options.clock ?? nowNanos;
  }

  write(stream: LogStream, chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0) {
      const nl = rest.indexOf(0x0a);
      if (nl < 0) {
        this.#pending[stream].push(rest);
        this.#pendingBytes[stream] += rest.length;
        if (this.#pendingBytes[stream] >= this.#maxLine) this.#flush(stream, false);
        return;
      }
      this.#pending[stream].push(rest.subarray(0, nl));
      this.#flush(stream, true);
      rest = rest.subarray(nl + 1);
    }
  }

  /** Writes any unfinished lines as full records and closes the file. */
  close(): void {
    for (const stream of ['stdout', 'stderr'] as const) if (this.#pendingBytes[stream] > 0) this.#flush(stream, true);
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #flush(stream: LogStream, full: boolean): void {
    let message = Buffer.concat(this.#pending[stream]);
    this.#pending[stream] = [];
    this.#pendingBytes[stream] = 0;
    if (message.length > 0 && message[message.length - 1] === 0x0d && full) message = message.subarray(0, message.length - 1);
    if (this.#fd === undefined) return;
    writeSync(this.#fd, formatCriLine(rfc3339Nano(this.#clock()), stream, full, message));
  }
}
