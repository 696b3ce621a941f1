import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../api/resources.js';
import { toTable } from '../api/tables/table.js';
import type { Table } from '../api/tables/types.js';
import type { KubeObject } from '../api/types.js';
import { openMemoryStore } from '../storage/memory/memory-store.js';
import { RestStorage } from './registry/rest-storage.js';
import { tableText } from './table-text.js';

const SERVICES = RESOURCES.find((r) => r.group === '' && r.resource === 'services')!;

test('a Table as text is JSON.stringify of the Table, whatever includeObject says', async () => {
  const storage = new RestStorage(SERVICES, await openMemoryStore());
  for (let i = 0; i < 3; i++) {
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}`, labels: { a: 'x{"' }, annotations: { note: 'brace } and \\ "' }, managedFields: [{ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } } }] }, spec: { type: 'ClusterIP', clusterIP: `10.0.0.${i}`, ports: [{ port: 80, protocol: 'TCP' }] } };
    await storage.create('ns', svc);
  }
  const { list, texts } = await storage.listWithText('ns');
  const full = await storage.list('ns');
  assert.equal(texts.filter(Boolean).length, 3);
  // Items that come with a text may lack managedFields: the text has them.
  assert.equal(list.items[0].metadata.managedFields, undefined);
  const now = new Date('2026-11-28T08:00:00Z');
  for (const includeObject of [undefined, 'Metadata', 'Object', 'None']) {
    const table = toTable(SERVICES, list.items, { now, listMeta: list.metadata, includeObject, apiVersion: 'meta.k8s.io/v1' }) as Table;
    const expected = toTable(SERVICES, full.items, { now, listMeta: full.metadata, includeObject, apiVersion: 'meta.k8s.io/v1' });
    assert.deepEqual(JSON.parse(tableText(table, list.items, texts)), JSON.parse(JSON.stringify(expected)), String(includeObject));
  }
  // Items without text (another layout) are encoded: here, the full ones.
  const table = toTable(SERVICES, full.items, { now, listMeta: full.metadata, apiVersion: 'meta.k8s.io/v1' }) as Table;
  assert.deepEqual(JSON.parse(tableText(table, full.items, [undefined, texts[1], undefined])), JSON.parse(JSON.stringify(table)));
  const empty = toTable(SERVICES, [], { now: new Date(), listMeta: list.metadata, apiVersion: 'meta.k8s.io/v1' }) as Table;
  assert.equal(tableText(empty, [], []), JSON.stringify(empty));
});
