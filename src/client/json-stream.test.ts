/** @module Tests of the watch stream splitter: every cut position, no separators, unfinished objects, garbage. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonObjectSplitter } from './json-stream.js';

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
