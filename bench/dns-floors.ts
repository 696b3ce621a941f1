/**
 * @module The DNS bench's floors (see dns.bench.ts): servers that answer each query with
 * itself (QR set) and do no DNS work, over Node's dgram (`echo`) and over recvmmsg/sendmmsg
 * through dns-mmsg-floor.c (`echoMmsg`, the module built by `buildMmsg`). Each prints
 * `port N` once listening. (kubito's own batched transport is src/dns/native, from which this
 * floor differs only in doing no DNS work.)
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The floor's server: the query back with QR set, sent as DnsServer sends (see the module doc). */
export async function echo(): Promise<void> {
  const udp = createSocket({ type: 'udp4', lookup: ((address: string, family: number, cb: (e: null, a: string, f: number) => void) => cb(null, address, family)) as never });
  const queue: Array<Buffer | number | string> = [];
  let flushing = false;
  const flush = (): void => {
    flushing = false;
    for (let i = 0; i < queue.length; i += 3) udp.send(queue[i] as Buffer, queue[i + 1] as number, queue[i + 2] as string);
    queue.length = 0;
  };
  udp.on('message', (buf, rinfo) => {
    if (buf.length < 12) return;
    const out = Buffer.allocUnsafe(buf.length);
    out.set(buf);
    out[2] |= 0x80;
    queue.push(out, rinfo.port, rinfo.address);
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  });
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
  udp.setRecvBufferSize(4 << 20);
  udp.setSendBufferSize(4 << 20);
  process.stdout.write(`port ${udp.address().port}\n`);
}

interface MmsgModule {
  init(port: number, onBatch: (n: number) => void): number;
  send(n: number): number;
  inbuf: ArrayBuffer;
  outbuf: ArrayBuffer;
  meta: ArrayBuffer;
  SLOT: number;
}

/** The second floor's server: as `echo`, through bench/dns-mmsg-floor.c (one JS call per batch). */
export function echoMmsg(module: string): void {
  const m = createRequire(import.meta.url)(module) as MmsgModule;
  const inb = Buffer.from(m.inbuf);
  const outb = Buffer.from(m.outbuf);
  const meta = new Int32Array(m.meta);
  const port = m.init(0, (n) => {
    for (let i = 0; i < n; i++) {
      const len = meta[i * 4];
      const at = i * m.SLOT;
      outb.set(inb.subarray(at, at + len), at);
      outb[at + 2] |= 0x80;
      meta[i * 4 + 3] = len < 12 ? 0 : len;
    }
    m.send(n);
  });
  process.stdout.write(`port ${port}\n`);
}

/** Compiles bench/dns-mmsg-floor.c into `dir`; undefined (and why, on stderr) when it cannot. */
export function buildMmsg(dir: string): string | undefined {
  const source = fileURLToPath(new URL('../../bench/dns-mmsg-floor.c', import.meta.url));
  const include = join(dirname(dirname(realpathSync(process.execPath))), 'include', 'node');
  if (!existsSync(source) || !existsSync(join(include, 'node_api.h'))) {
    console.error(`# node-mmsg-floor skipped: no ${existsSync(source) ? join(include, 'node_api.h') : source}`);
    return undefined;
  }
  const out = join(dir, 'mmsg-floor.node');
  const r = spawnSync('gcc', ['-O2', '-shared', '-fPIC', `-I${include}`, '-o', out, source], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`# node-mmsg-floor skipped: gcc: ${r.error?.message ?? r.stderr}`);
    return undefined;
  }
  return out;
}
