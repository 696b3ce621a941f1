/** @module The HTTP/1.1 response parser: framings, every split of the bytes, and what it refuses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Http1ParseError, Http1ResponseParser, type Http1Response } from './http1-response.js';

/** Feeds `text` cut at `cuts` (byte offsets); the response and the bytes after it, or undefined. */
function parse(text: string, cuts: number[] = [], options: { noBody?: boolean; close?: boolean } = {}): { response?: Http1Response; extra?: string } {
  const bytes = Buffer.from(text, 'latin1');
  const parser = new Http1ResponseParser(options);
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    const done = parser.push(bytes.subarray(from, at));
    from = at;
    if (done) return { response: done.response, extra: done.extra.toString('latin1') };
  }
  if (options.close) return { response: parser.end() };
  return {};
}

const CASES: { name: string; text: string; status: number; body: string; reusable: boolean; noBody?: boolean; close?: boolean }[] = [
  { name: 'Content-Length', text: 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"a":"béb"}', status: 200, body: '{"a":"béb"}', reusable: true },
  { name: 'chunked, with an extension and a trailer', text: 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{"a"\r\nA\r\n:"0123456"\r\n1\r\n}\r\n0\r\nX-Trailer: 1\r\n\r\n', status: 201, body: '{"a":"0123456"}', reusable: true },
  { name: 'no body for 204', text: 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n', status: 204, body: '', reusable: true },
  { name: 'no body for HEAD', text: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', status: 200, body: '', reusable: true, noBody: true },
  { name: '100 Continue first', text: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', status: 200, body: 'ok', reusable: true },
  { name: 'Connection: close', text: 'HTTP/1.1 409 Conflict\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno', status: 409, body: 'no', reusable: false },
  { name: 'HTTP/1.0 without keep-alive', text: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', status: 200, body: 'ok', reusable: false },
  { name: 'HTTP/1.0 with keep-alive', text: 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok', status: 200, body: 'ok', reusable: true },
  { name: 'read until close', text: 'HTTP/1.1 200 OK\r\n\r\nall of it', status: 200, body: 'all of it', reusable: false, close: true },
];

for (const c of CASES) {
  test(`${c.name}: the same response however the bytes are cut`, () => {
    const length = Buffer.byteLength(c.text, 'latin1');
    for (let a = 0; a <= length; a++) {
      for (const b of [a, Math.min(length, a + 1), Math.min(length, a + 7)]) {
        const { response, extra } = parse(c.text, a === b ? [a] : [a, b], { noBody: c.noBody, close: c.close });
        assert.ok(response, `cut at ${a},${b}`);
        assert.equal(response.status, c.status);
        assert.equal(response.body.toString('latin1'), c.body, `cut at ${a},${b}`);
        assert.equal(response.reusable, c.reusable);
        if (extra !== undefined) assert.equal(extra, '');
      }
    }
  });
}

test('headers: lower-case names, repeated ones joined; bytes after the response are handed back', () => {
  const { response, extra } = parse('HTTP/1.1 200 OK\r\nWarning: 299 - "a"\r\nwarning: 299 - "b"\r\nContent-Length: 1\r\n\r\nxHTTP/1.1');
  assert.deepEqual(response?.headers, { warning: '299 - "a", 299 - "b"', 'content-length': '1' });
  assert.equal(extra, 'HTTP/1.1');
});

test('a response cut off is not whole: end() answers undefined, and started says whether bytes came', () => {
  const parser = new Http1ResponseParser();
  assert.equal(parser.started, false);
  assert.equal(parser.end(), undefined);
  assert.equal(parser.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')), undefined);
  assert.equal(parser.started, true);
  assert.equal(parser.end(), undefined);
});

test('malformed answers throw Http1ParseError', () => {
  for (const text of [
    'HTTP/2 200 OK\r\n\r\n',
    'HTTP/1.1 2000 OK\r\n\r\n',
    'SSH-2.0-OpenSSH\r\n\r\n',
    'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY',
  ]) {
    assert.throws(() => new Http1ResponseParser().push(Buffer.from(text, 'latin1')), Http1ParseError, text);
  }
  const huge = new Http1ResponseParser();
  assert.throws(() => {
    for (let i = 0; i < 100; i++) huge.push(Buffer.from(`X-${i}: ${'v'.repeat(1000)}\r\n`));
  }, Http1ParseError);
});
