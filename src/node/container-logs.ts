/**
 * @module Reading a container's CRI log file the way `kubectl logs` wants it (the kubelet's
 * ReadLogs): `tailLines` (last N lines), `sinceSeconds`/`sinceTime`, `timestamps` (each line
 * prefixed with its RFC3339Nano time and a space), `limitBytes`, and `follow` (keep reading
 * while the container runs; end once it has stopped and the file is drained).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parseCriLine, parseTimeNanos, type LogRecord } from './cri-log.js';

export interface LogOptions {
  follow?: boolean;
  timestamps?: boolean;
  tailLines?: number;
  limitBytes?: number;
  /** Only records at or after this time (nanoseconds since the epoch). */
  sinceNanos?: bigint;
}

/** PodLogOptions from the kubelet API's query; throws a message for a malformed one. */
export function logOptionsFromQuery(query: URLSearchParams, nowNanos: bigint): LogOptions {
  const bool = (name: string): boolean => {
    const v = query.get(name);
    return v !== null && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
  };
  const int = (name: string, min: number): number | undefined => {
    const v = query.get(name);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v) || Number(v) < min) throw new Error(`invalid ${name}: ${JSON.stringify(v)}`);
    return Number(v);
  };
  const options: LogOptions = { follow: bool('follow'), timestamps: bool('timestamps') };
  const tail = query.get('tailLines');
  if (tail !== 'all') {
    const n = int('tailLines', 0);
    if (n !== undefined) options.tailLines = n;
  }
  const limit = int('limitBytes', 1);
  if (limit !== undefined) options.limitBytes = limit;
  const since = int('sinceSeconds', 1);
  if (since !== undefined) options.sinceNanos = nowNanos - BigInt(since) * 1_000_000_000n;
  const sinceTime = query.get('sinceTime');
  if (sinceTime) {
    const t = parseTimeNanos(sinceTime);
    if (t === undefined) throw new Error(`invalid sinceTime: ${JSON.stringify(sinceTime)}`);
    options.sinceNanos = t;
  }
  return options;
}

/** Renders one record for the reader. */
function render(record: LogRecord, timestamps: boolean): Buffer {
  const parts: Buffer[] = [];
  if (timestamps) parts.push(Buffer.from(`${record.time} `));
  parts.push(record.message);
  if (record.full) parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

/** Splits file bytes into complete lines; returns the lines and how many bytes they used. */
function splitLines(buf: Buffer): { lines: Buffer[]; used: number } {
  const lines: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break;
    lines.push(buf.subarray(start, nl));
    start = nl + 1;
  }
  return { lines, used: start };
}

/** Records of a finished read (pure): applies since and tail. */
export function selectRecords(records: LogRecord[], options: LogOptions): LogRecord[] {
  let out = options.sinceNanos !== undefined ? records.filter((r) => r.nanos >= options.sinceNanos!) : records;
  if (options.tailLines !== undefined) {
    // tailLines counts lines: a run of P records plus its F record is one line.
    let lines = 0;
    let i = out.length;
    while (i > 0) {
      if (out[i - 1].full) {
        if (lines === options.tailLines) break;
        lines++;
      }
      i--;
    }
    out = out.slice(i);
  }
  return out;
}

export interface LogFile {
  path: string;
  /** True while the run writing this file may still write. */
  running(): boolean;
}

/**
 * A stream of the file's log, as selected. Following polls the file every `pollMs` until the
 * run has stopped and nothing new arrived; destroy the stream to stop early.
 */
export function readContainerLog(file: LogFile, options: LogOptions, pollMs = 100): Readable {
  let offset = 0;
  let carry = Buffer.alloc(0);
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  let first = true;
  const limit = options.limitBytes ?? Infinity;

  function readNew(): LogRecord[] {
    let fd: number;
    try {
      fd = openSync(file.path, 'r');
    } catch {
      return [];
    }
    try {
      const size = statSync(file.path).size;
      if (size <= offset) return [];
      const buf = Buffer.alloc(size - offset);
      const n = readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      const all = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      const { lines, used } = splitLines(all);
      carry = Buffer.from(all.subarray(used));
      return lines.map(parseCriLine).filter((r): r is LogRecord => r !== undefined);
    } finally {
      closeSync(fd);
    }
  }

  const stream = new Readable({
    read() {
      if (timer) return;
      pump();
    },
    destroy(err, cb) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      cb(err);
    },
  });

  function push(records: LogRecord[]): boolean {
    for (const r of records) {
      let chunk = render(r, options.timestamps ?? false);
      if (sent + chunk.length > limit) chunk = chunk.subarray(0, limit - sent);
      sent += chunk.length;
      if (chunk.length) stream.push(chunk);
      if (sent >= limit) return false;
    }
    return true;
  }

  function pump(): void {
    timer = undefined;
    if (stream.destroyed) return;
    const wasRunning = file.running();
    let records = readNew();
    if (first) {
      records = selectRecords(records, options);
      first = false;
    } else if (options.sinceNanos !== undefined) {
      records = records.filter((r) => r.nanos >= options.sinceNanos!);
    }
    if (!push(records)) {
      stream.push(null);
      return;
    }
    // Done when not following, or when the run had stopped before this read and it found nothing.
    if (!options.follow || (!wasRunning && records.length === 0)) {
      stream.push(null);
      return;
    }
    timer = setTimeout(pump, pollMs);
  }

  return stream;
}
