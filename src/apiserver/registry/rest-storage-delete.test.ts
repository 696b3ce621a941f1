/** @module The generic registry's deletes against a memory store: what is stored, answered and refused around a deletion. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { RESOURCES } from '../../api/resources.js';
import { namespaceStrategy } from '../../api/strategies/namespace.js';
import type { KubeObject } from '../../api/types.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { validateMetadata } from './meta-validation.js';
import { RestStorage } from './rest-storage.js';

const CONFIGMAPS = RESOURCES.find((r) => r.group === '' && r.resource === 'configmaps')!;
const NAMESPACES = RESOURCES.find((r) => r.group === '' && r.resource === 'namespaces')!;

function configMap(name: string, finalizers?: string[]): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, finalizers } };
}

async function rejection(p: Promise<unknown>): Promise<StatusError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof StatusError, String(err));
  return err;
}

test('an update adding a finalizer to an object being deleted is refused with one cause, not two', async () => {
  const storage = new RestStorage(CONFIGMAPS, await openMemoryStore(), { validateMeta: validateMetadata });
  await storage.create('ns', configMap('held', ['example.com/a']));
  const { object } = await storage.delete('ns', 'held');
  const next = structuredClone(object);
  next.metadata.finalizers = ['example.com/a', 'example.com/b'];
  const err = await rejection(storage.update('ns', 'held', next));
  assert.equal(err.status.code, 422);
  assert.deepEqual(err.status.details?.causes, [
    { reason: 'FieldValueForbidden', message: 'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/b"}', field: 'metadata.finalizers' },
  ]);
});

test('creating over an object being deleted says so: "object is being deleted: ... already exists"', async () => {
  const storage = new RestStorage(CONFIGMAPS, await openMemoryStore());
  await storage.create('ns', configMap('held', ['example.com/a']));
  await storage.create('ns', configMap('plain'));
  await storage.delete('ns', 'held');
  for (const dryRun of [false, true]) {
    const err = await rejection(storage.create('ns', configMap('held'), { dryRun }));
    assert.equal(err.status.reason, 'AlreadyExists');
    assert.equal(err.status.message, 'object is being deleted: configmaps "held" already exists');
  }
  assert.equal((await rejection(storage.create('ns', configMap('plain')))).status.message, 'configmaps "plain" already exists');
});

test('a collection delete answers the objects as they were listed, not as each delete left them', async () => {
  const storage = new RestStorage(CONFIGMAPS, await openMemoryStore());
  await storage.create('ns', configMap('a'));
  await storage.create('ns', configMap('b', ['example.com/hold']));
  const list = await storage.deleteCollection('ns', {});
  assert.deepEqual(list.items.map((o) => [o.metadata.name, o.metadata.deletionTimestamp]), [['a', undefined], ['b', undefined]]);
  assert.ok((await storage.get('ns', 'b')).metadata.deletionTimestamp, 'b is marked all the same');
});

test('a Namespace is marked Terminating with a deletionTimestamp and no deletionGracePeriodSeconds, and kept while spec.finalizers hold it', async () => {
  const storage = new RestStorage(NAMESPACES, await openMemoryStore(), { strategy: namespaceStrategy });
  await storage.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  const first = await storage.delete('', 'shop', {});
  assert.equal(first.deleted, false);
  assert.ok(first.object.metadata.deletionTimestamp);
  assert.equal(first.object.metadata.deletionGracePeriodSeconds, undefined);
  assert.equal((first.object.status as { phase?: string }).phase, 'Terminating');
  const again = await storage.delete('', 'shop', { propagationPolicy: 'Orphan' });
  assert.equal(again.object.metadata.resourceVersion, first.object.metadata.resourceVersion, 'nothing written');
  assert.equal(again.object.metadata.finalizers, undefined);
});
