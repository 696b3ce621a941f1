/**
 * @module Tests for FieldSet and path elements, mirroring structured-merge-diff's
 * fieldpath/set_test.go (TestSetUnion, TestSetIntersectionDifference, TestSetDifference,
 * TestRecursiveDifference) and serialize_test.go (TestSerializeV1 round trips).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from './field-set.js';
import { type Path, type PathElement, comparePathElements, deserializeElement, fieldElement, keyElement, pathString, serializeElement } from './fieldpath.js';

const f = fieldElement;
const p = (...names: string[]): Path => names.map(f);
const paths = (s: FieldSet): string[] => s.paths().map(pathString);

test('FieldsV1 round trip keeps `.` for nodes that are members and parents, in upstream key order', () => {
  const fields = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:ports': {
        '.': {},
        'k:{"port":443,"protocol":"TCP"}': { '.': {}, 'f:port': {} },
        'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} },
      },
      'f:selector': {},
      'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} },
    },
  };
  const set = FieldSet.fromFieldsV1(fields);
  const out = set.toFieldsV1();
  assert.deepEqual(out, fields);
  // Keys sort numerically by value (80 before 443), fields before keys.
  assert.deepEqual(Object.keys((out['f:spec'] as Record<string, Record<string, unknown>>)['f:ports']), ['.', 'k:{"port":80,"protocol":"TCP"}', 'k:{"port":443,"protocol":"TCP"}']);
  assert.deepEqual(Object.keys(out['f:spec'] as object), ['f:finalizers', 'f:ports', 'f:selector']);
});

test('path elements: text and FieldsV1 forms', () => {
  const key = keyElement([['protocol', 'TCP'], ['port', 80]]);
  assert.equal(serializeElement(key), 'k:{"port":80,"protocol":"TCP"}');
  assert.equal(pathString([f('spec'), f('ports'), key, f('targetPort')]), '.spec.ports[port=80,protocol="TCP"].targetPort');
  assert.equal(pathString([f('metadata'), f('finalizers'), { value: 'x' }]), '.metadata.finalizers[="x"]');
  assert.equal(serializeElement({ value: 'a<b' }), 'v:"a\\u003cb"');
  assert.deepEqual(deserializeElement('k:{"protocol":"TCP","port":80}'), key);
  assert.deepEqual(deserializeElement('i:3'), { index: 3 });
  assert.equal(deserializeElement('x:unknown'), undefined);
  assert.throws(() => deserializeElement('f'), /key must be 2 characters long/);
  assert.ok(comparePathElements(f('z'), key) < 0);
  assert.ok(comparePathElements({ value: 1 }, { value: 'a' }) < 0);
});

test('union, intersection, difference', () => {
  const a = FieldSet.of(p('a'), p('b', 'c'), p('d', 'e'));
  const b = FieldSet.of(p('a'), p('b', 'x'), p('d'));
  assert.deepEqual(paths(a.union(b)), ['.a', '.d', '.b.c', '.b.x', '.d.e']);
  assert.deepEqual(paths(a.intersection(b)), ['.a']);
  // difference removes exact members only: `.d` in b does not take `.d.e` with it.
  assert.deepEqual(paths(a.difference(b)), ['.b.c', '.d.e']);
  // recursiveDifference removes whole subtrees under members of the other set.
  assert.deepEqual(paths(a.recursiveDifference(b)), ['.b.c']);
  assert.ok(a.has(p('b', 'c')) && !a.has(p('b')));
  assert.ok(FieldSet.of().isEmpty() && FieldSet.of([]).isEmpty());
  assert.ok(a.equals(FieldSet.fromFieldsV1(a.toFieldsV1())));
});

/**
 * FieldsV1 as an object built level by level from the public view of a set (the encoder the
 * set itself used before it wrote text): members and non-empty children in path-element order,
 * `.` first for a node that is both.
 */
function referenceFieldsV1(set: FieldSet, includeSelf = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (includeSelf && !set.isEmpty()) out['.'] = {};
  const entries: Array<{ pe: PathElement; member: boolean; child?: FieldSet }> = set.members().map((pe) => ({ pe, member: true }));
  for (const c of set.children()) {
    if (c.set.isEmpty()) continue;
    const existing = entries.find((e) => comparePathElements(e.pe, c.pe) === 0);
    if (existing) existing.child = c.set;
    else entries.push({ pe: c.pe, member: false, child: c.set });
  }
  entries.sort((a, b) => comparePathElements(a.pe, b.pe));
  for (const e of entries) out[serializeElement(e.pe)] = e.child ? referenceFieldsV1(e.child, e.member) : {};
  return out;
}

test('toFieldsV1Text is the JSON text of the FieldsV1 object, for sets of every element kind and emptied subtrees', () => {
  // A seeded stream, so a failure names a reproducible set.
  let seed = 7;
  const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const element = () => {
    switch (next(4)) {
      case 0:
        return f(['a', 'b', 'spec', 'z', 'ports', 'x<y', '"q"'][next(7)]);
      case 1:
        return keyElement([['port', [80, 443, 8080][next(3)]], ['protocol', ['TCP', 'UDP'][next(2)]]]);
      case 2:
        return { value: [1, 'one', true, null, 'a&b'][next(5)] };
      default:
        return { index: next(3) };
    }
  };
  assert.equal(new FieldSet().toFieldsV1Text(), '{}');
  for (let round = 0; round < 200; round++) {
    const set = new FieldSet();
    for (let i = next(12); i > 0; i--) set.insert(Array.from({ length: 1 + next(4) }, element));
    // A difference can leave empty child sets behind, which encoding skips.
    const other = new FieldSet();
    for (let i = next(6); i > 0; i--) other.insert(Array.from({ length: 1 + next(3) }, element));
    for (const s of [set, set.difference(other), set.recursiveDifference(other), set.union(other)]) {
      assert.equal(s.toFieldsV1Text(), JSON.stringify(referenceFieldsV1(s)), `round ${round}`);
    }
  }
  assert.equal(FieldSet.of(p('b'), p('a', 'c'), p('a')).toFieldsV1Text(), '{"f:a":{".":{},"f:c":{}},"f:b":{}}');
});
