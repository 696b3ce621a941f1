/**
 * @module The ownership algorithm against structured-merge-diff's own scenarios
 * (sigs.k8s.io/structured-merge-diff/v6/merge/*_test.go, run through its fixture: a series of
 * Apply/Update operations, then the expected object and managers). Each test names the
 * upstream case it mirrors; versions are all "v1" (kubito serves one version per kind).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { Schema } from '../../api/schema/types.js';
import { lookupFromRecord } from '../patch/schema-lookup.js';
import { FieldSet } from './field-set.js';
import { pathString } from './fieldpath.js';
import { type Managed, emptyManaged } from './managed-fields.js';
import { type UpdaterContext, ConflictsError, apply, update } from './updater.js';
import { Types } from './typed.js';

const str: Schema = { type: 'string' };
const num: Schema = { type: 'number' };

const DEFS: Record<string, Schema> = {
  // leaf_test.go leafFieldsParser
  leafFields: { type: 'object', properties: { numeric: num, string: str, bool: { type: 'boolean' } } },
  // set_test.go setFieldsParser
  sets: { type: 'object', properties: { list: { type: 'array', items: str, 'x-kubernetes-list-type': 'set' } } },
  // key_test.go associativeListParser
  type: { type: 'object', properties: { list: { ref: 'associativeList' } } },
  associativeList: { type: 'array', items: { ref: 'myElement' }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
  myElement: { type: 'object', properties: { name: str, value: num } },
  // nested_test.go nestedTypeParser (the parts used here)
  nested: { type: 'object', properties: { struct: { ref: 'struct' }, mapOfMapsRecursive: { ref: 'mapOfMapsRecursive' } } },
  struct: { type: 'object', properties: { name: str, value: num } },
  mapOfMapsRecursive: { type: 'object', additionalProperties: { ref: 'mapOfMapsRecursive' } },
  // multiple_appliers_test.go structMultiversionParser (v1 only)
  v1: { type: 'object', properties: { struct: { ref: 'structV1' }, version: str } },
  structV1: { type: 'object', properties: { name: str, scalarField_v1: str, complexField_v1: { ref: 'complex' } } },
  complex: { type: 'object', properties: { name: str } },
};

type Op =
  | { apply: string; object: string; conflicts?: string[]; force?: boolean }
  | { update: string; object: string };

/** Runs operations like the upstream fixture (State.Apply / State.Update) and returns the final state. */
function run(root: string, ops: Op[]): { object: unknown; managed: Managed } {
  const ctx: UpdaterContext = { kind: { types: new Types(lookupFromRecord(DEFS)), ref: { schema: { ref: root } } }, apiVersion: 'v1', ignored: new FieldSet() };
  let live: unknown = {};
  let managed = emptyManaged();
  for (const op of ops) {
    const obj = parse(op.object) ?? {};
    if ('update' in op) {
      const r = update(ctx, { live, next: obj, managed });
      const set = r.changed.union(r.managed.fields.get(op.update)?.set ?? new FieldSet());
      if (set.isEmpty()) r.managed.fields.delete(op.update);
      else r.managed.fields.set(op.update, { set, apiVersion: 'v1', applied: false });
      live = obj;
      managed = r.managed;
      continue;
    }
    try {
      const r = apply(ctx, { live, config: obj, managed, manager: op.apply, force: op.force ?? false });
      const mine = r.managed.fields.get(op.apply);
      if (mine?.set.isEmpty()) r.managed.fields.delete(op.apply);
      if (op.conflicts) assert.fail(`expected conflicts ${op.conflicts.join(', ')}`);
      live = r.object ?? live;
      managed = r.managed;
    } catch (err) {
      if (!(err instanceof ConflictsError) || !op.conflicts) throw err;
      assert.deepEqual(err.conflicts.map((c) => `${c.manager} ${pathString(c.path)}`), op.conflicts);
    }
  }
  return { object: live, managed };
}

function owned(managed: Managed): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [m, vs] of managed.fields) out[m] = vs.set.paths().map(pathString).sort();
  return out;
}

test('TestUpdateLeaf/apply_update_apply_with_conflict', () => {
  const s = run('leafFields', [
    { apply: 'default', object: 'numeric: 1\nstring: "string"' },
    { update: 'controller', object: 'numeric: 1\nstring: "controller string"\nbool: true' },
    { apply: 'default', object: 'numeric: 2\nstring: "user string"', conflicts: ['controller .string'] },
    { apply: 'default', object: 'numeric: 2\nstring: "user string"', force: true },
  ]);
  assert.deepEqual(s.object, { numeric: 2, string: 'user string', bool: true });
  assert.deepEqual(owned(s.managed), { default: ['.numeric', '.string'], controller: ['.bool'] });
});

test('TestUpdateLeaf/apply_update_apply_no_conflict', () => {
  const s = run('leafFields', [
    { apply: 'default', object: 'numeric: 1\nstring: "string"' },
    { update: 'controller', object: 'numeric: 1\nstring: "string"\nbool: true' },
    { apply: 'default', object: 'numeric: 2\nstring: "string"' },
  ]);
  assert.deepEqual(s.object, { numeric: 2, string: 'string', bool: true });
  assert.deepEqual(owned(s.managed), { default: ['.numeric', '.string'], controller: ['.bool'] });
});

test('TestUpdateLeaf/apply_twice_remove', () => {
  const s = run('leafFields', [
    { apply: 'default', object: 'numeric: 1\nstring: "string"\nbool: false' },
    { apply: 'default', object: 'string: "new string"' },
  ]);
  assert.deepEqual(s.object, { string: 'new string' });
  assert.deepEqual(owned(s.managed), { default: ['.string'] });
});

test('TestUpdateLeaf/update_apply_omits', () => {
  const s = run('leafFields', [
    { apply: 'default', object: 'numeric: 2' },
    { update: 'controller', object: 'numeric: 1' },
    { apply: 'default', object: '' },
  ]);
  assert.deepEqual(s.object, { numeric: 1 });
  assert.deepEqual(owned(s.managed), { controller: ['.numeric'] });
});

test('TestUpdateLeaf/update_remove_empty_set and apply_remove_empty_set', () => {
  const updated = run('leafFields', [
    { apply: 'default', object: 'string: "string"' },
    { update: 'controller', object: 'string: "new string"' },
  ]);
  assert.deepEqual(owned(updated.managed), { controller: ['.string'] });
  const emptied = run('leafFields', [
    { apply: 'default', object: 'string: "string"' },
    { apply: 'default', object: '' },
  ]);
  assert.deepEqual(emptied.object, {});
  assert.deepEqual(owned(emptied.managed), {});
});

test('TestUpdateSet/apply_update_apply_reorder', () => {
  const s = run('sets', [
    { apply: 'default', object: 'list: [a, b, c, d]' },
    { update: 'controller', object: 'list: [a, d, c, b]' },
    { apply: 'default', object: 'list: [a, b, c, d]' },
  ]);
  assert.deepEqual(s.object, { list: ['a', 'b', 'c', 'd'] });
  assert.deepEqual(owned(s.managed), { default: ['.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'] });
});

test('TestUpdateSet/apply_twice_remove', () => {
  const s = run('sets', [
    { apply: 'default', object: 'list: [a, b, c, d]' },
    { apply: 'default', object: 'list: [a, c, e]' },
  ]);
  assert.deepEqual(s.object, { list: ['a', 'c', 'e'] });
  assert.deepEqual(owned(s.managed), { default: ['.list[="a"]', '.list[="c"]', '.list[="e"]'] });
});

test('TestUpdateAssociativeLists/removing_obsolete_applied_structs', () => {
  const s = run('type', [
    { apply: 'default', object: 'list: [{name: a, value: 1}]' },
    { apply: 'default', object: 'list: [{name: b, value: 2}]' },
  ]);
  assert.deepEqual(s.object, { list: [{ name: 'b', value: 2 }] });
  assert.deepEqual(owned(s.managed), { default: ['.list[name="b"]', '.list[name="b"].name', '.list[name="b"].value'] });
});

test('TestMultipleAppliersSet/remove_one_keep_one', () => {
  const s = run('type', [
    { apply: 'apply-one', object: 'list: [{name: a}, {name: b}, {name: c}]' },
    { apply: 'apply-two', object: 'list: [{name: c}, {name: d}]' },
    { apply: 'apply-one', object: 'list: [{name: a}]' },
  ]);
  assert.deepEqual(s.object, { list: [{ name: 'a' }, { name: 'c' }, { name: 'd' }] });
  assert.deepEqual(owned(s.managed), {
    'apply-one': ['.list[name="a"]', '.list[name="a"].name'],
    'apply-two': ['.list[name="c"]', '.list[name="c"].name', '.list[name="d"]', '.list[name="d"].name'],
  });
});

test('TestMultipleAppliersSet/same_value_no_conflict and change_value_yes_conflict', () => {
  const same = run('type', [
    { apply: 'apply-one', object: 'list: [{name: a, value: 0}]' },
    { apply: 'apply-two', object: 'list: [{name: a, value: 0}]' },
  ]);
  const both = ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].value'];
  assert.deepEqual(owned(same.managed), { 'apply-one': both, 'apply-two': both });
  const changed = run('type', [
    { apply: 'apply-one', object: 'list: [{name: a, value: 0}]' },
    { apply: 'apply-two', object: 'list: [{name: a, value: 1}]', conflicts: ['apply-one .list[name="a"].value'] },
  ]);
  assert.deepEqual(changed.object, { list: [{ name: 'a', value: 0 }] });
  assert.deepEqual(owned(changed.managed), { 'apply-one': both });
});

test('TestMultipleAppliersFieldUnsetting/unset_scalar_shared_with_updater', () => {
  const s = run('v1', [
    { update: 'updater', object: 'struct: {name: a, scalarField_v1: a}' },
    { apply: 'applier', object: 'struct: {name: a, scalarField_v1: a}' },
    { apply: 'applier', object: 'struct: {name: a}' },
  ]);
  assert.deepEqual(s.object, { struct: { name: 'a', scalarField_v1: 'a' } });
  assert.deepEqual(owned(s.managed), { updater: ['.struct', '.struct.name', '.struct.scalarField_v1'], applier: ['.struct.name'] });
});

test('TestMultipleAppliersFieldUnsetting/unset_scalar_sole_owner and unset_complex_sole_owner', () => {
  const scalar = run('v1', [
    { apply: 'apply-one', object: 'struct: {name: a, scalarField_v1: a}' },
    { apply: 'apply-one', object: 'struct: {name: a}' },
  ]);
  assert.deepEqual(scalar.object, { struct: { name: 'a' } });
  const complex = run('v1', [
    { apply: 'apply-one', object: 'struct: {name: a, complexField_v1: {name: b}}' },
    { apply: 'apply-one', object: 'struct: {name: a}' },
  ]);
  assert.deepEqual(complex.object, { struct: { name: 'a' } });
  assert.deepEqual(owned(complex.managed), { 'apply-one': ['.struct.name'] });
});

test('TestUpdateNestedType/struct_apply_remove_dangling (an emptied map stays as null)', () => {
  const s = run('nested', [
    { apply: 'default', object: 'struct: {name: a}' },
    { apply: 'default', object: 'struct:' },
  ]);
  assert.deepEqual(s.object, { struct: null });
  assert.deepEqual(owned(s.managed), { default: ['.struct'] });
});

test('TestUpdateNestedType/struct_apply_update_remove_all and struct_apply_update_dict_dangling', () => {
  const removeAll = run('nested', [
    { apply: 'default', object: 'struct: {name: a}' },
    { update: 'controller', object: 'struct: {name: a, value: 1}' },
    { apply: 'default', object: '' },
  ]);
  assert.deepEqual(removeAll.object, { struct: { value: 1 } });
  const dangling = run('nested', [
    { apply: 'default', object: 'struct: {name: a}' },
    { update: 'controller', object: 'struct: {name: a, value: 1}' },
    { apply: 'default', object: 'struct: {}' },
  ]);
  assert.deepEqual(dangling.object, { struct: { value: 1 } });
});

test('TestMultipleAppliersNestedType/multiple_appliers_recursive_map', () => {
  const s = run('nested', [
    { apply: 'apply-one', object: 'mapOfMapsRecursive: {a: {b: null}, c: {d: null}}' },
    { apply: 'apply-two', object: 'mapOfMapsRecursive: {a: null, c: {d: null}}' },
    { update: 'controller-one', object: 'mapOfMapsRecursive: {a: {b: {c: null}}, c: {d: {e: null}}}' },
    { update: 'controller-two', object: 'mapOfMapsRecursive: {a: {b: {c: {d: null}}}, c: {d: {e: {f: null}}}}' },
    { update: 'controller-one', object: 'mapOfMapsRecursive: {a: {b: {c: {d: {e: null}}}}, c: {d: {e: {f: {g: null}}}}}' },
    { apply: 'apply-one', object: 'mapOfMapsRecursive:' },
  ]);
  assert.deepEqual(s.object, { mapOfMapsRecursive: { a: null, c: { d: { e: { f: { g: null } } } } } });
  assert.deepEqual(owned(s.managed), {
    'apply-one': ['.mapOfMapsRecursive'],
    'apply-two': ['.mapOfMapsRecursive.a', '.mapOfMapsRecursive.c', '.mapOfMapsRecursive.c.d'],
    'controller-one': ['.mapOfMapsRecursive.c.d.e', '.mapOfMapsRecursive.c.d.e.f.g'],
    'controller-two': ['.mapOfMapsRecursive.c.d.e.f'],
  });
});
