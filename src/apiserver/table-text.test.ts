import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../api/resources.js';
import { metadataFieldsFor, toTable } from '../api/tables/table.js';
import type { Table } from '../api/tables/types.js';
import type { KubeObject } from '../api/types.js';
import { openMemoryStore } from '../storage/memory/memory-store.js';
import { RestStorage } from './registry/rest-storage.js';
import { tableRowTexts, tableText, tableWithRows } from './table-text.js';

const SERVICES = RESOURCES.find((r) => r.group === '' && r.resource === 'services')!;
const now = new Date('2026-11-28T08:00:00Z');

function service(name: string, annotations: Record<string, string> = { note: 'brace } and \\ "' }): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { a: 'x{"' }, annotations, managedFields: [{ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } } }] }, spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] } };
}

/** The Table text as the list handler makes it, and what each chunk's items were. */
async function listedTable(storage: RestStorage, includeObject?: string, metadataFields?: readonly string[]): Promise<{ text: string; objects: KubeObject[]; texts: (string | undefined)[] }> {
  const objects: KubeObject[] = [];
  const texts: (string | undefined)[] = [];
  const render = (items: KubeObject[], listMeta = {}) => toTable(SERVICES, items, { now, listMeta, includeObject, apiVersion: 'meta.k8s.io/v1' }) as Table;
  const { rows, metadata } = await storage.listForTable('ns', { metadataFields }, (chunk, metadataTexts) => {
    objects.push(...chunk);
    texts.push(...metadataTexts);
    return tableRowTexts(render(chunk), chunk, metadataTexts);
  });
  return { text: tableWithRows(render([], metadata), rows), objects, texts };
}

test('a Table listed as text is JSON.stringify of the Table of the full items, over several chunks', async () => {
  const storage = new RestStorage(SERVICES, await openMemoryStore());
  for (let i = 0; i < 600; i++) await storage.create('ns', service(`s${i}`));
  // Values with the characters a text splice could trip over come out as they went in.
  await storage.create('ns', service('odd', { x: '\u0000kubito:managedFields\u0000', y: '"},{' }));
  const full = await storage.list('ns');
  for (const includeObject of [undefined, 'Metadata', 'None']) {
    const { text, objects, texts } = await listedTable(storage, includeObject);
    const expected = toTable(SERVICES, full.items, { now, listMeta: full.metadata, includeObject, apiVersion: 'meta.k8s.io/v1' });
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(expected)), String(includeObject));
    // Items came apart: no managedFields parsed, each item's whole metadata as text.
    assert.equal(objects[0].metadata.managedFields, undefined);
    assert.deepEqual(texts.map((t) => JSON.parse(t!)), full.items.map((item) => item.metadata));
  }
});

test('with the printer metadata fields, items carry only those, and the Table text is still the full one', async () => {
  const storage = new RestStorage(SERVICES, await openMemoryStore());
  for (let i = 0; i < 300; i++) await storage.create('ns', service(`s${i}`));
  await storage.create('ns', service('odd', { x: '"name":"no","creationTimestamp":"no"', y: '"},{' }));
  const full = await storage.list('ns');
  const fields = metadataFieldsFor(SERVICES)!;
  for (const includeObject of [undefined, 'None']) {
    const { text, objects, texts } = await listedTable(storage, includeObject, fields);
    const expected = toTable(SERVICES, full.items, { now, listMeta: full.metadata, includeObject, apiVersion: 'meta.k8s.io/v1' });
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(expected)), String(includeObject));
    assert.deepEqual(Object.keys(objects[0].metadata).sort(), [...fields, 'resourceVersion'].sort());
    assert.deepEqual(texts.map((t) => JSON.parse(t!)), full.items.map((item) => item.metadata));
  }
});

test('tableText: items decoded in full are encoded as they are; a row without its partial item is refused; empty tables', async () => {
  const storage = new RestStorage(SERVICES, await openMemoryStore());
  for (let i = 0; i < 3; i++) await storage.create('ns', service(`s${i}`));
  const full = await storage.list('ns');
  const table = toTable(SERVICES, full.items, { now, listMeta: full.metadata, apiVersion: 'meta.k8s.io/v1' }) as Table;
  assert.equal(tableText(table, full.items, [undefined, undefined, undefined]), JSON.stringify(table));
  const whole = toTable(SERVICES, full.items, { now, listMeta: full.metadata, includeObject: 'Object', apiVersion: 'meta.k8s.io/v1' }) as Table;
  assert.throws(() => tableText(whole, full.items, ['{}', '{}', '{}']));
  const empty = toTable(SERVICES, [], { now, listMeta: full.metadata, apiVersion: 'meta.k8s.io/v1' }) as Table;
  assert.equal(tableText(empty, [], []), JSON.stringify(empty));
  assert.equal(tableWithRows(empty, []), JSON.stringify(empty));
});

test('items a watch decoded (a store with cached ranges hands lists the same values) give the same Table text', async () => {
  const fields = metadataFieldsFor(SERVICES)!;
  const store = await openMemoryStore({ cacheRanges: true });
  const watched = new RestStorage(SERVICES, store);
  // A second registry on the same store has decoded nothing: its items come from stored text.
  const plain = new RestStorage(SERVICES, store);
  await watched.list('ns');
  const seen: KubeObject[] = [];
  const watch = await watched.watch('ns', { resourceVersion: '0' }, { onEvent: (ev) => seen.push(ev.object), onClose: () => undefined });
  for (let i = 0; i < 300; i++) await watched.create('ns', service(`s${i}`));
  await watched.create('ns', service('odd', { x: '"resourceVersion":"1"}', y: '"},{' }));
  watch.stop();
  assert.equal(seen.length, 301);
  const a = await listedTable(plain, undefined, fields);
  const b = await listedTable(watched, undefined, fields);
  // The same text, byte for byte (resourceVersion first in each row's metadata); b's items are
  // the watch's objects themselves, a's carry only the printer's metadata fields.
  assert.equal(b.text, a.text);
  const byName = new Map(seen.map((o) => [o.metadata.name, o]));
  assert.ok(b.objects.every((o) => o === byName.get(o.metadata.name)));
  assert.ok(a.objects.every((o) => o.metadata.managedFields === undefined));
});
