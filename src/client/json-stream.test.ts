/** @module Tests of the watch stream splitter: every cut position, no separators, unfinished objects, garbage. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonObjectSplitter, StreamDecodeError } from './json-stream.js';

const events = [
  { type: 'ADDED', object: { metadata: { name: 'a', annotations: { note: 'braces } { and "quotes" \\ in a string' } } } },
  { type: 'MODIFIED', object: { metadata: { name: 'b' }, spec: { ports: [{ port: 80 }, { port: 443 }] } } },
  { type: 'DELETED', object: { metadata: { name: 'ñandú ☃ 🚀' } } },
];

test('newline-delimited events come out whole, wherever the stream is cut', () => {
  const text = events.map((e) => JSON.stringify(e) + '\n').join('');
  for (let cut = 0; cut <= text.length; cut++) {
    for (const step of [1, 7]) {
      const splitter = new JsonObjectSplitter();
      const out = [...splitter.push(text.slice(0, cut))];
      for (let i = cut; i < text.length; i += step) out.push(...splitter.push(text.slice(i, i + step)));
      assert.deepEqual(out.map((t) => JSON.parse(t)), events, `cut at ${cut}, step ${step}`);
      assert.ok(splitter.isIdle());
    }
  }
});

test('objects back to back without newlines are split too', () => {
  const splitter = new JsonObjectSplitter();
  const out = splitter.push(events.map((e) => JSON.stringify(e)).join(''));
  assert.deepEqual(out.map((t) => JSON.parse(t)), events);
});

test('an unfinished object is held back and reported as not idle', () => {
  const splitter = new JsonObjectSplitter();
  assert.deepEqual(splitter.push('{"type":"ADDED","object":{"metadata":{"na'), []);
  assert.equal(splitter.isIdle(), false);
  assert.deepEqual(splitter.push('me":"x"}}}\n'), ['{"type":"ADDED","object":{"metadata":{"name":"x"}}}']);
  assert.equal(splitter.isIdle(), true);
});

test('text outside an object is an error', () => {
  const splitter = new JsonObjectSplitter();
  assert.throws(() => splitter.push('{"a":1}\nnot json'), SyntaxError);
});

test('strings with escaped quotes and backslashes split at every position', () => {
  const events = [{ a: 'x\\"}{', b: ['\\\\', '"{[', 'end\\'] }, { c: '\\\\\\"', d: {} }, { e: 'q' }];
  const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  for (let cut = 0; cut <= text.length; cut++) {
    for (const step of [1, 3, 7]) {
      const splitter = new JsonObjectSplitter();
      const out = [...splitter.push(text.slice(0, cut))];
      for (let i = cut; i < text.length; i += step) out.push(...splitter.push(text.slice(i, i + step)));
      assert.deepEqual(out.map((t) => JSON.parse(t)), events);
      assert.equal(splitter.isIdle(), true);
    }
  }
});

test('pushParsed gives the same objects as push, whole lines or cut anywhere, mixed with pretty-printed and glued objects', () => {
  const lines = events.map((e) => JSON.stringify(e) + '\n').join('');
  const pretty = JSON.stringify(events[1], null, 2) + '\n';
  const glued = JSON.stringify(events[0]) + JSON.stringify(events[2]) + '\n';
  const text = lines + pretty + '\n  \n' + glued + lines;
  const want = [...events, events[1], events[0], events[2], ...events];
  for (const size of [text.length, 1, 5, 64, lines.length]) {
    const splitter = new JsonObjectSplitter();
    const out: unknown[] = [];
    for (let i = 0; i < text.length; i += size) out.push(...splitter.pushParsed(text.slice(i, i + size)));
    assert.deepEqual(out, want, `chunks of ${size}`);
    assert.equal(splitter.isIdle(), true);
  }
  // Whole lines one event each: the fast path, and it leaves the splitter idle for the next.
  const splitter = new JsonObjectSplitter();
  for (const e of events) assert.deepEqual(splitter.pushParsed(JSON.stringify(e) + '\n'), [e]);
  assert.equal(splitter.isIdle(), true);
});

test('pushParsed reports a framing fault and a bad object with the objects before them', () => {
  const first = JSON.stringify(events[0]) + '\n';
  assert.throws(() => new JsonObjectSplitter().pushParsed(first + 'not json\n'), (err: unknown) => {
    assert.ok(err instanceof StreamDecodeError);
    assert.equal(err.kind, 'framing');
    assert.deepEqual(err.parsed, [events[0]]);
    assert.ok(err.cause instanceof SyntaxError);
    return true;
  });
  assert.throws(() => new JsonObjectSplitter().pushParsed(first + '{"a":01}\n'), (err: unknown) => {
    assert.ok(err instanceof StreamDecodeError);
    assert.equal(err.kind, 'json');
    assert.deepEqual(err.parsed, [events[0]]);
    return true;
  });
  // A top-level array is not an event, on the fast path too.
  assert.throws(() => new JsonObjectSplitter().pushParsed('[1]\n'), (err: unknown) => err instanceof StreamDecodeError && err.kind === 'framing');
});

test('a string resumed across chunks: runs of backslashes before a quote, cut at every point', () => {
  const values = ['\\', '\\\\', '\\"', '\\\\"', 'a\\\\\\"b', '"\\', '\\\\\\\\', '}"{'];
  const events = values.map((v, i) => ({ i, v, w: [v + v, { v }] }));
  const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  for (const step of [1, 2, 3, 4, 5, 9]) {
    for (let offset = 0; offset < step; offset++) {
      const splitter = new JsonObjectSplitter();
      const out: unknown[] = [];
      out.push(...splitter.pushParsed(text.slice(0, offset)));
      for (let i = offset; i < text.length; i += step) out.push(...splitter.pushParsed(text.slice(i, i + step)));
      assert.deepEqual(out, events, `step ${step}, offset ${offset}`);
      assert.equal(splitter.isIdle(), true);
    }
  }
});

test('an object of several MiB in 16 KiB chunks comes out whole, and the next line takes the fast path', () => {
  const big = { type: 'MODIFIED', object: { metadata: { name: 'big' }, data: { blob: 'x\\"y'.repeat(300_000), keys: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, `v${i}"`])) } } };
  const small = { type: 'DELETED', object: { metadata: { name: 's' } } };
  const text = JSON.stringify(big) + '\n';
  const splitter = new JsonObjectSplitter();
  const out: unknown[] = [];
  for (let i = 0; i < text.length; i += 16_384) {
    out.push(...splitter.pushParsed(text.slice(i, i + 16_384)));
    assert.equal(splitter.isIdle(), i + 16_384 >= text.length);
  }
  assert.deepEqual(out, [big]);
  assert.deepEqual(splitter.pushParsed(JSON.stringify(small) + '\n'), [small]);
});
