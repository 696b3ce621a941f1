import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveUnix } from './server.js';
import type { HandlerResponse } from './http-types.js';

/** A stream answer writing `chunks`: the first ones in one turn, the rest on later turns, then the end. */
function streamOf(chunks: (string | Buffer)[]): HandlerResponse {
  return {
    kind: 'stream',
    status: 200,
    contentType: 'application/json',
    start(sink) {
      for (const chunk of chunks.slice(0, 3)) sink.write(chunk);
      let i = 3;
      const next = (): void => {
        if (i < chunks.length) {
          sink.write(chunks[i++]);
          setImmediate(next);
        } else {
          sink.end();
        }
      };
      setImmediate(next);
      return () => undefined;
    },
  };
}

const CHUNKS = ['{"type":"ADDED"}\n', Buffer.from('{"b":"ü€"}\n'), '', 'ñ€😀 multibyte\n', Buffer.alloc(0), `${'x'.repeat(70_000)}\n`, 'last\n'];
const EXPECTED = Buffer.concat(CHUNKS.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))).toString();

test('a streamed answer arrives whole and chunked (HTTP/1.1), written in one turn or over several', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-server-'));
  const server = await serveUnix(async () => streamOf(CHUNKS), join(dir, 'api.sock'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (let round = 0; round < 2; round++) {
    // Two requests on one keep-alive agent: the connection stays usable after a stream ends.
    const body = await new Promise<{ text: string; encoding: string | undefined }>((resolve, reject) => {
      request({ socketPath: join(dir, 'api.sock'), path: '/api/v1/services?watch=true' }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ text: Buffer.concat(parts).toString(), encoding: res.headers['transfer-encoding'] }));
        res.on('error', reject);
      }).on('error', reject).end();
    });
    assert.equal(body.encoding, 'chunked');
    assert.equal(body.text, EXPECTED);
  }
});

test('an HTTP/1.0 client gets the stream unframed, ended by the connection closing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-server-'));
  const server = await serveUnix(async () => streamOf(CHUNKS), join(dir, 'api.sock'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(join(dir, 'api.sock'), () => socket.write('GET /api/v1/services?watch=true HTTP/1.0\r\n\r\n'));
    const parts: Buffer[] = [];
    socket.on('data', (c: Buffer) => parts.push(c));
    socket.on('end', () => resolve(Buffer.concat(parts).toString()));
    socket.on('error', reject);
  });
  const [head, body] = [raw.slice(0, raw.indexOf('\r\n\r\n')), raw.slice(raw.indexOf('\r\n\r\n') + 4)];
  assert.match(head, /^HTTP\/1\.1 200/);
  assert.doesNotMatch(head, /chunked/i);
  assert.equal(body, EXPECTED);
});

test('the same text written to several streams in turn reaches each whole (frames shared)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-server-'));
  const sinks: { write(chunk: string | Buffer): void; end(): void }[] = [];
  let opened!: () => void;
  const bothOpen = new Promise<void>((resolve) => (opened = resolve));
  const server = await serveUnix(async () => ({
    kind: 'stream',
    status: 200,
    contentType: 'application/json',
    start(sink) {
      if (sinks.push(sink) === 2) opened();
      return () => undefined;
    },
  }), join(dir, 'api.sock'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const read = (): Promise<string> => new Promise((resolve, reject) => {
    request({ socketPath: join(dir, 'api.sock'), path: '/api/v1/services?watch=true', agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve(Buffer.concat(parts).toString()));
      res.on('error', reject);
    }).on('error', reject).end();
  });
  const bodies = [read(), read()];
  await bothOpen;
  // Each text to both streams in turn; texts of equal length and equal content as separate strings.
  const texts = ['ab€\n', 'cd€\n', ['c', 'd€\n'].join(''), 'é\n'];
  for (const text of texts) for (const sink of sinks) sink.write(text);
  sinks[1].write('only the second\n');
  sinks[0].write('é\n');
  for (const sink of sinks) sink.end();
  const [first, second] = await Promise.all(bodies);
  assert.equal(first, `${texts.join('')}é\n`);
  assert.equal(second, `${texts.join('')}only the second\n`);
});

test('a writer that waits for onDrain meets a slow client: the socket says "wait", and the answer arrives whole', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-server-'));
  const pieces = Array.from({ length: 24 }, (_, i) => Buffer.alloc(256 * 1024, 97 + i));
  let waits = 0;
  const server = await serveUnix(async () => ({
    kind: 'stream',
    status: 200,
    contentType: 'application/json',
    start(sink) {
      let i = 0;
      const pump = (): void => {
        while (i < pieces.length) {
          if (sink.write(pieces[i++]) === false) {
            waits++;
            return sink.onDrain!(pump);
          }
        }
        sink.end();
      };
      pump();
      return () => undefined;
    },
  }), join(dir, 'api.sock'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const body = await new Promise<Buffer>((resolve, reject) => {
    request({ socketPath: join(dir, 'api.sock'), path: '/api/v1/services' }, (res) => {
      const parts: Buffer[] = [];
      // Slow at first: nothing is read for 200 ms.
      res.pause();
      setTimeout(() => res.resume(), 200);
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve(Buffer.concat(parts)));
      res.on('error', reject);
    }).on('error', reject).end();
  });
  assert.ok(body.equals(Buffer.concat(pieces)));
  assert.ok(waits > 0, 'the socket never asked the writer to wait');
});

test('a client that leaves while its answer is made: the stream is stopped once started, not kept until shutdown', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-server-'));
  let started = false;
  let stopped = false;
  let arrived!: () => void;
  const requestArrived = new Promise<void>((r) => (arrived = r));
  let release!: () => void;
  const answerMade = new Promise<void>((r) => (release = r));
  const server = await serveUnix(async () => {
    arrived();
    await answerMade;
    return {
      kind: 'stream',
      status: 200,
      contentType: 'application/json',
      start(sink) {
        started = true;
        sink.write('{"a":1}\n');
        return () => (stopped = true);
      },
    };
  }, join(dir, 'api.sock'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const socket = connect(join(dir, 'api.sock'), () => socket.write('GET /api/v1/services?watch=true HTTP/1.1\r\nHost: x\r\n\r\n'));
  socket.on('error', () => undefined);
  await requestArrived;
  socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  release();
  for (let i = 0; i < 50 && !stopped; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(started, true);
  assert.equal(stopped, true, 'the stream was left running for a client that had gone');
});

test('a Warning past ASCII leaves as its UTF-8 bytes, on a whole answer and on a streamed one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-server-'));
  const warning = Buffer.from('299 - "unknown field \\"é中\\""', 'utf8').toString('latin1');
  let streamed = false;
  const server = await serveUnix(async () => {
    streamed = !streamed;
    const headers = { Warning: [warning] };
    return streamed ? { ...streamOf(['a\n', 'b\n']), headers } : { kind: 'body', status: 200, contentType: 'application/json', body: '{"ü":1}', headers };
  }, join(dir, 'api.sock'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const parts of [['\r\na\n\r\n', '\r\nb\n\r\n'], ['\r\n\r\n{"ü":1}']]) {
    // The raw bytes of the head, as a Go client reads them.
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(join(dir, 'api.sock'));
      const parts: Buffer[] = [];
      socket.on('data', (c: Buffer) => parts.push(c));
      socket.on('end', () => resolve(Buffer.concat(parts)));
      socket.on('error', reject);
      socket.end('GET /api/v1/services HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    const text = raw.toString('utf8');
    assert.ok(text.includes('299 - "unknown field \\"é中\\""'), text.slice(0, 300));
    for (const part of parts) assert.ok(text.includes(part), `${JSON.stringify(part)} in ${JSON.stringify(text)}`);
  }
});
