/**
 * @module Tests for applyJsonPatch. Cases mirror evanphx/json-patch (v4) patch_test.go:
 * `Cases`, `BadCases` and `TestCases`, the library kube-apiserver applies JSON patches with.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonPatchError, applyJsonPatch } from './json-patch.js';

function run(doc: string, patch: string): unknown {
  return applyJsonPatch(JSON.parse(doc), JSON.parse(patch));
}

// evanphx/json-patch Cases: each [doc, patch, expected].
const CASES: Array<[string, string, string]> = [
  ['{ "foo": "bar"}', '[{ "op": "add", "path": "/baz", "value": "qux" }]', '{ "baz": "qux", "foo": "bar" }'],
  ['{ "foo": [ "bar", "baz" ] }', '[{ "op": "add", "path": "/foo/1", "value": "qux" }]', '{ "foo": [ "bar", "qux", "baz" ] }'],
  ['{ "foo": [ "bar", "baz" ] }', '[{ "op": "add", "path": "/foo/-1", "value": "qux" }]', '{ "foo": [ "bar", "baz", "qux" ] }'],
  ['{ "baz": "qux", "foo": "bar" }', '[ { "op": "remove", "path": "/baz" } ]', '{ "foo": "bar" }'],
  ['{ "foo": [ "bar", "qux", "baz" ] }', '[ { "op": "remove", "path": "/foo/1" } ]', '{ "foo": [ "bar", "baz" ] }'],
  ['{ "baz": "qux", "foo": "bar" }', '[ { "op": "replace", "path": "/baz", "value": "boo" } ]', '{ "baz": "boo", "foo": "bar" }'],
  [
    '{ "foo": { "bar": "baz", "waldo": "fred" }, "qux": { "corge": "grault" } }',
    '[ { "op": "move", "from": "/foo/waldo", "path": "/qux/thud" } ]',
    '{ "foo": { "bar": "baz" }, "qux": { "corge": "grault", "thud": "fred" } }',
  ],
  ['{ "foo": [ "all", "grass", "cows", "eat" ] }', '[ { "op": "move", "from": "/foo/1", "path": "/foo/3" } ]', '{ "foo": [ "all", "cows", "eat", "grass" ] }'],
  ['{ "foo": [ "all", "grass", "cows", "eat" ] }', '[ { "op": "move", "from": "/foo/1", "path": "/foo/2" } ]', '{ "foo": [ "all", "cows", "grass", "eat" ] }'],
  ['{ "foo": "bar" }', '[ { "op": "add", "path": "/child", "value": { "grandchild": { } } } ]', '{ "foo": "bar", "child": { "grandchild": { } } }'],
  ['{ "foo": ["bar"] }', '[ { "op": "add", "path": "/foo/-", "value": ["abc", "def"] } ]', '{ "foo": ["bar", ["abc", "def"]] }'],
  ['{ "foo": "bar", "qux": { "baz": 1, "bar": null } }', '[ { "op": "remove", "path": "/qux/bar" } ]', '{ "foo": "bar", "qux": { "baz": 1 } }'],
  ['{ "foo": "bar" }', '[ { "op": "add", "path": "/baz", "value": null } ]', '{ "baz": null, "foo": "bar" }'],
  ['{ "foo": ["bar","qux","baz"]}', '[ { "op": "replace", "path": "/foo/1", "value": "bum"}]', '{ "foo": ["bar", "bum","baz"]}'],
  ['[ {"foo": ["bar","qux","baz"]}]', '[ { "op": "replace", "path": "/0/foo/0", "value": "bum"}]', '[ {"foo": ["bum","qux","baz"]}]'],
  ['[ {"foo": ["bar","qux","baz"], "bar": ["qux","baz"]}]', '[ { "op": "copy", "from": "/0/foo/0", "path": "/0/bar/0"}]', '[ {"foo": ["bar","qux","baz"], "bar": ["bar", "qux", "baz"]}]'],
  ['{ "foo": ["bar"]}', '[{"op": "copy", "path": "/foo/0", "from": "/foo"}]', '{ "foo": [["bar"], "bar"]}'],
  ['{ "foo": ["bar","qux","baz"]}', '[ { "op": "remove", "path": "/foo/-2"}]', '{ "foo": ["bar", "baz"]}'],
  ['{ "foo": []}', '[ { "op": "add", "path": "/foo/-1", "value": "qux"}]', '{ "foo": ["qux"]}'],
  ['{ "bar": [{"baz": null}]}', '[ { "op": "replace", "path": "/bar/0/baz", "value": 1 } ]', '{ "bar": [{"baz": 1}]}'],
  ['{ "bar": [1]}', '[ { "op": "replace", "path": "/bar/0", "value": null } ]', '{ "bar": [null]}'],
  [
    '{ "id": "0", "parentID": "0" }',
    '[{ "op": "test", "path": "", "value": { "id": "0", "parentID": "0" } }, { "op": "replace", "path": "", "value": { "id": "7", "originalID": "bar", "parentID": "0" } }]',
    '{ "id": "7", "originalID": "bar", "parentID": "0" }',
  ],
  // v4 quirks kube-apiserver inherits: replace adds a missing key, copy from a missing key copies null.
  ['{ "a": 1 }', '[ { "op": "replace", "path": "/b", "value": 2 } ]', '{ "a": 1, "b": 2 }'],
  ['{ "a": 1 }', '[ { "op": "copy", "from": "/missing", "path": "/b" } ]', '{ "a": 1, "b": null }'],
  // RFC 6901 escapes.
  ['{ "metadata": { "labels": {} } }', '[ { "op": "add", "path": "/metadata/labels/app.kubernetes.io~1name", "value": "x" } ]', '{ "metadata": { "labels": { "app.kubernetes.io/name": "x" } } }'],
  ['{ "a~b": 1 }', '[ { "op": "move", "from": "/a~0b", "path": "/c" } ]', '{ "c": 1 }'],
];

for (const [doc, patch, want] of CASES) {
  test(`Cases: ${patch}`, () => {
    assert.deepEqual(run(doc, patch), JSON.parse(want));
  });
}

// evanphx/json-patch BadCases, with the message the library gives.
const BAD_CASES: Array<[string, string, string]> = [
  ['{ "foo": "bar" }', '[ { "op": "add", "path": "/baz/bat", "value": "qux" } ]', 'add operation does not apply: doc is missing path: "/baz/bat": missing value'],
  ['{ "a": { "b": { "d": 1 } } }', '[ { "op": "remove", "path": "/a/b/c" } ]', "error in remove for path: '/a/b/c': Unable to remove nonexistent key: c: missing value"],
  ['{ "a": { "b": { "d": 1 } } }', '[ { "op": "move", "from": "/a/b/c", "path": "/a/b/e" } ]', "error in move for path: 'c': Unable to remove nonexistent key: c: missing value"],
  ['{ "a": { "b": [1] } }', '[ { "op": "remove", "path": "/a/b/1" } ]', "error in remove for path: '/a/b/1': Unable to access invalid index: 1: invalid index referenced"],
  ['{ "a": { "b": [1] } }', '[ { "op": "move", "from": "/a/b/1", "path": "/a/b/2" } ]', "error in move for path: '1': Unable to access invalid index: 1: invalid index referenced"],
  ['{ "foo": "bar" }', '[ { "op": "add", "pathz": "/baz", "value": "qux" } ]', 'add operation failed to decode path: missing value'],
  ['{ "foo": "bar" }', '[ { "op": "add", "path": "", "value": "qux" } ]', 'add operation does not apply: doc is missing path: "": missing value'],
  ['{ "foo": ["bar","baz"]}', '[ { "op": "replace", "path": "/foo/2", "value": "bum"}]', 'replace operation does not apply: doc is missing key: /foo/2: missing value'],
  ['{ "foo": ["bar","baz"]}', '[ { "op": "add", "path": "/foo/-4", "value": "bum"}]', "error in add for path: '/foo/-4': Unable to access invalid index: -4: invalid index referenced"],
  ['{ "name":{ "foo": "bat", "qux": "bum"}}', '[ { "op": "replace", "path": "/foo/bar", "value":"baz"}]', 'replace operation does not apply: doc is missing path: /foo/bar: missing value'],
  ['{ "foo": ["bar"]}', '[ {"op": "add", "path": "/foo/2", "value": "bum"}]', "error in add for path: '/foo/2': Unable to access invalid index: 2: invalid index referenced"],
  ['{ "foo": []}', '[ {"op": "remove", "path": "/foo/-"}]', 'error in remove for path: \'/foo/-\': strconv.Atoi: parsing "-": invalid syntax'],
  ['{ "foo": []}', '[ {"op": "remove", "path": "/foo/-1"}]', "error in remove for path: '/foo/-1': Unable to access invalid index: -1: invalid index referenced"],
  ['{}', '[ {"op":null,"path":""} ]', 'Unexpected kind: unknown'],
  ['{}', '[ {"op":"add","path":null} ]', 'add operation failed to decode path: missing value'],
  ['{}', '[ { "op": "copy", "from": null }]', 'copy operation failed to decode from: operation, missing from field: missing value'],
  ['{ "foo": ["bar"]}', '[{"op": "copy", "path": "/foo/2", "from": "/foo/0"}]', "error while adding value during copy: Unable to access invalid index: 2: invalid index referenced"],
  ['{ "foo": [ "all", "grass", "cows", "eat" ] }', '[ { "op": "move", "from": "/foo/1", "path": "/foo/4" } ]', "error in move for path: '/foo/4': Unable to access invalid index: 4: invalid index referenced"],
  ['{}', '[ { "op": "frobnicate", "path": "/a" } ]', 'Unexpected kind: frobnicate'],
];

for (const [doc, patch, message] of BAD_CASES) {
  test(`BadCases: ${patch}`, () => {
    assert.throws(() => run(doc, patch), (err: unknown) => err instanceof JsonPatchError && err.message === message);
  });
}

// evanphx/json-patch TestCases: the `test` operation; [doc, patch, passes].
const TEST_CASES: Array<[string, string, boolean]> = [
  ['{ "baz": "qux", "foo": [ "a", 2, "c" ] }', '[{ "op": "test", "path": "/baz", "value": "qux" }, { "op": "test", "path": "/foo/1", "value": 2 }]', true],
  ['{ "baz": "qux" }', '[ { "op": "test", "path": "/baz", "value": "bar" } ]', false],
  ['{ "baz": "qux", "foo": ["a", 2, "c"] }', '[{ "op": "test", "path": "/baz", "value": "qux" }, { "op": "test", "path": "/foo/1", "value": "c" }]', false],
  ['{ "baz": "qux" }', '[ { "op": "test", "path": "/foo", "value": 42 } ]', false],
  ['{ "baz": "qux" }', '[ { "op": "test", "path": "/foo", "value": null } ]', true],
  ['{ "foo": null }', '[ { "op": "test", "path": "/foo", "value": null } ]', true],
  ['{ "foo": {} }', '[ { "op": "test", "path": "/foo", "value": null } ]', false],
  ['{ "foo": [] }', '[ { "op": "test", "path": "/foo", "value": null } ]', false],
  ['{ "baz/foo": "qux" }', '[ { "op": "test", "path": "/baz~1foo", "value": "qux"} ]', true],
  ['{ "foo": [] }', '[ { "op": "test", "path": "/foo"} ]', false],
  ['{ "baz": [] }', '[ { "op": "test", "path": "/foo"} ]', true],
];

for (const [doc, patch, passes] of TEST_CASES) {
  test(`TestCases: ${doc} ${patch}`, () => {
    if (passes) run(doc, patch);
    else assert.throws(() => run(doc, patch), /^JsonPatchError: testing value \/\S* failed: test failed$|testing value/);
  });
}

test('copy operations are limited in the total size they add', () => {
  const doc = { foo: ['A', 'A'.repeat(48)] };
  const ops = [
    { op: 'copy', path: '/foo/-', from: '/foo/1' },
    { op: 'copy', path: '/foo/-', from: '/foo/1' },
  ];
  assert.deepEqual(applyJsonPatch(doc, ops, { copySizeLimit: 100 }), { foo: ['A', 'A'.repeat(48), 'A'.repeat(48), 'A'.repeat(48)] });
  assert.throws(() => applyJsonPatch({ foo: ['A', 'A'.repeat(49)] }, ops, { copySizeLimit: 101 }), {
    message: 'Unable to complete the copy, the accumulated size increase of copy is 102, exceeding the limit 101',
  });
});

test('the input document is left untouched', () => {
  const doc = { spec: { replicas: 1 } };
  applyJsonPatch(doc, [{ op: 'replace', path: '/spec/replicas', value: 3 }]);
  assert.deepEqual(doc, { spec: { replicas: 1 } });
});
