import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, hasStatusCause, isNotFound } from '../api/errors.js';
import { RESOURCES } from '../api/resources.js';
import { RestStorage } from '../apiserver/registry/rest-storage.js';
import { openMemoryStore } from '../storage/memory/memory-store.js';
import { NamespaceGate } from './namespace-gate.js';

const NAMESPACES = RESOURCES.find((r) => r.group === '' && r.resource === 'namespaces')!;

async function refusal(p: Promise<void>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('the gate let the create through');
}

test('the gate follows namespaces as they are created, terminate and go', async () => {
  const store = await openMemoryStore();
  const namespaces = new RestStorage(NAMESPACES, store);
  await namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'before' } });
  const gate = await NamespaceGate.start(namespaces);
  await gate.check('before');
  assert.ok(isNotFound(await refusal(gate.check('later'))));

  await namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'later', finalizers: ['test/hold'] } });
  await gate.check('later');
  await namespaces.delete('', 'later');
  const terminating = await refusal(gate.check('later'));
  assert.ok(terminating instanceof StatusError && terminating.status.code === 403);
  assert.match((terminating as Error).message, /unable to create new content in namespace later because it is being terminated/);
  // As upstream's admission error: names what is created, and carries the cause controllers look for.
  const named = await refusal(gate.check('later', { group: 'discovery.k8s.io', resource: 'endpointslices', name: 'web-abc' }));
  assert.equal((named as Error).message, 'endpointslices.discovery.k8s.io "web-abc" is forbidden: unable to create new content in namespace later because it is being terminated');
  assert.ok(hasStatusCause(named, 'NamespaceTerminating'));
  assert.deepEqual((named as StatusError).status.details?.causes, [{ reason: 'NamespaceTerminating', message: 'namespace later is being terminated', field: 'metadata.namespace' }]);

  await namespaces.update('', 'later', { ...(await namespaces.get('', 'later')), metadata: { ...(await namespaces.get('', 'later')).metadata, finalizers: [] } });
  assert.ok(isNotFound(await refusal(gate.check('later'))));
  gate.stop();
  await store.close();
});

test('once its watch has ended, the gate reads the store', async () => {
  const store = await openMemoryStore();
  const namespaces = new RestStorage(NAMESPACES, store);
  const gate = await NamespaceGate.start(namespaces);
  gate.stop();
  await namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });
  await gate.check('a');
  assert.ok(isNotFound(await refusal(gate.check('b'))));
  await store.close();
});
