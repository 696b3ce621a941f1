/**
 * @module Tests for applyMergePatch: the examples of RFC 7386 Appendix A, and cases of
 * evanphx/json-patch merge_test.go (TestMergePatchNilDoc, TestMergePatchRecursesIntoObjects,
 * TestMergePatchReplacesNonObjectsWholesale, TestMergePatchNilArray) whose behaviour
 * kube-apiserver inherits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadMergePatchError, applyMergePatch } from './merge-patch.js';

// RFC 7386 Appendix A: [target, patch, result].
const RFC_EXAMPLES: Array<[unknown, unknown, unknown]> = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

for (const [target, patch, result] of RFC_EXAMPLES) {
  test(`RFC 7386 example: ${JSON.stringify(target)} + ${JSON.stringify(patch)}`, () => {
    assert.deepEqual(applyMergePatch(target as Record<string, unknown>, patch), result);
  });
}

test('an array patch replaces the document, with nulls pruned from objects inside it (TestMergePatchNilArray)', () => {
  assert.deepEqual(applyMergePatch({ a: 1 }, [{ b: null, c: 1 }, null]), [{ c: 1 }, null]);
});

test('nulls survive inside arrays that replace an existing object value', () => {
  // merge() returns a non-object patch value unpruned when the target is an object.
  assert.deepEqual(applyMergePatch({ a: { x: 1 } }, { a: [{ b: null }] }), { a: [{ b: null }] });
  // ...but prunes it when the target is not an object.
  assert.deepEqual(applyMergePatch({ a: 'x' }, { a: [{ b: null }] }), { a: [{}] });
});

test('a null or scalar patch is "Invalid JSON Patch"', () => {
  assert.throws(() => applyMergePatch({}, null), BadMergePatchError);
  assert.throws(() => applyMergePatch({}, 5), { message: 'Invalid JSON Patch' });
});

test('lists are replaced whole: no merge keys in a merge patch (kubectl patch --type=merge)', () => {
  const svc = { spec: { ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }], type: 'ClusterIP' } };
  assert.deepEqual(applyMergePatch(svc, { spec: { ports: [{ port: 8080 }] } }), { spec: { ports: [{ port: 8080 }], type: 'ClusterIP' } });
  assert.deepEqual(svc.spec.ports.length, 2, 'input untouched');
});

test('inPlace merges into the document itself; the patch is neither changed nor shared either way', () => {
  const doc = { metadata: { name: 'a', labels: { x: '1' } }, status: { phase: 'Pending' } };
  const patch = { metadata: { labels: { y: '2', x: null } }, status: { phase: 'Running', conditions: [{ type: 'Ready' }] } };
  const copy = applyMergePatch(doc, patch) as typeof doc;
  assert.notEqual(copy, doc);
  assert.deepEqual(doc.status, { phase: 'Pending' }, 'without inPlace the document is left as it was');
  const out = applyMergePatch(doc, patch, { inPlace: true }) as typeof doc & { status: { conditions: unknown[] } };
  assert.equal(out, doc);
  assert.deepEqual(doc, { metadata: { name: 'a', labels: { y: '2' } }, status: { phase: 'Running', conditions: [{ type: 'Ready' }] } });
  assert.notEqual(out.status.conditions, patch.status.conditions, 'parts of the patch are copies');
  assert.deepEqual(patch, { metadata: { labels: { y: '2', x: null } }, status: { phase: 'Running', conditions: [{ type: 'Ready' }] } });
});
