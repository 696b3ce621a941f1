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

test('a Table as text is JSON.stringify of the Table of the full items', async () => {
  const storage = new RestStorage(SERVICES, await openMemoryStore());
  for (let i = 0; i < 3; i++) {
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}`, labels: { a: 'x{"' }, annotations: { note: 'brace } and \\ "' }, managedFields: [{ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } } }] }, spec: { type: 'ClusterIP', clusterIP: `10.0.0.${i}`, ports: [{ port: 80, protocol: 'TCP' }] } };
    await storage.create('ns', svc);
  }
  const { list, metadataTexts } = await storage.listForTable('ns');
  const full = await storage.list('ns');
  assert.equal(metadataTexts.filter(Boolean).length, 3);
  // Each item's metadata text is its whole metadata, managedFields and resourceVersion included.
  assert.deepEqual(metadataTexts.map((t) => JSON.parse(t!)), full.items.map((item) => item.metadata));
  // Items listed for a Table lack managedFields: their text comes apart.
  assert.equal(list.items[0].metadata.managedFields, undefined);
  const now = new Date('2026-11-28T08:00:00Z');
  for (const includeObject of [undefined, 'Metadata', 'None']) {
    const table = toTable(SERVICES, list.items, { now, listMeta: list.metadata, includeObject, apiVersion: 'meta.k8s.io/v1' }) as Table;
    const expected = toTable(SERVICES, full.items, { now, listMeta: full.metadata, includeObject, apiVersion: 'meta.k8s.io/v1' });
    assert.deepEqual(JSON.parse(tableText(table, list.items, metadataTexts)), JSON.parse(JSON.stringify(expected)), String(includeObject));
  }
  // Items decoded in full (no text apart) are encoded as they are.
  const table = toTable(SERVICES, full.items, { now, listMeta: full.metadata, apiVersion: 'meta.k8s.io/v1' }) as Table;
  assert.equal(tableText(table, full.items, [undefined, undefined, undefined]), JSON.stringify(table));
  // A row that does not carry its partial item is refused rather than sent without managedFields.
  const whole = toTable(SERVICES, list.items, { now, listMeta: list.metadata, includeObject: 'Object', apiVersion: 'meta.k8s.io/v1' }) as Table;
  assert.throws(() => tableText(whole, list.items, metadataTexts));
  // Values with the characters a text splice could trip over come out as they went in.
  await storage.create('ns', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'odd', annotations: { x: '\u0000kubito:managedFields\u0000' }, managedFields: [{ manager: 'n' }] }, spec: { ports: [{ port: 1 }] } });
  const odd = await storage.listForTable('ns');
  const oddFull = await storage.list('ns');
  const oddTable = toTable(SERVICES, odd.list.items, { now, listMeta: odd.list.metadata, apiVersion: 'meta.k8s.io/v1' }) as Table;
  const oddExpected = toTable(SERVICES, oddFull.items, { now, listMeta: oddFull.metadata, apiVersion: 'meta.k8s.io/v1' });
  assert.deepEqual(JSON.parse(tableText(oddTable, odd.list.items, odd.metadataTexts)), JSON.parse(JSON.stringify(oddExpected)));
  const empty = toTable(SERVICES, [], { now, listMeta: list.metadata, apiVersion: 'meta.k8s.io/v1' }) as Table;
  assert.equal(tableText(empty, [], []), JSON.stringify(empty));
});
