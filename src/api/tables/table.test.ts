import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../errors.js';
import { RESOURCES, findKind } from '../resources.js';
import type { KubeObject } from '../types.js';
import { DOC } from './descriptions.js';
import { PRINTERS } from './printers.js';
import { columnsFor, metadataFieldsFor, rowFor, toTable } from './table.js';
import { MINUTE, NOW, SECOND, ago, makePod, makeService } from './testing/builders.js';
import { lines, printTable } from './testing/kubectl-print.js';

const SERVICES = findKind('v1', 'Service')!;

function chapterService() {
  return makeService('default', 'nginx', (s) => {
    s.metadata.creationTimestamp = ago(3 * MINUTE + 36 * SECOND);
    s.metadata.resourceVersion = '1001';
    s.metadata.labels = { app: 'nginx' };
    s.spec.clusterIP = '10.43.1.37';
    s.spec.clusterIPs = ['10.43.1.37'];
    s.spec.selector = { app: 'nginx' };
  });
}

test('the Service Table, as kube-apiserver sends it to kubectl get svc', () => {
  const svc = chapterService();
  const table = toTable(SERVICES, [svc], { now: NOW, listMeta: { resourceVersion: '1042', continue: '' } });
  assert.deepEqual(table, {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '1042' },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: DOC.name, priority: 0 },
      { name: 'Type', type: 'string', format: '', description: DOC.serviceType, priority: 0 },
      { name: 'Cluster-IP', type: 'string', format: '', description: DOC.clusterIP, priority: 0 },
      { name: 'External-IP', type: 'string', format: '', description: DOC.externalIPs, priority: 0 },
      { name: 'Port(s)', type: 'string', format: '', description: DOC.servicePorts, priority: 0 },
      { name: 'Age', type: 'string', format: '', description: DOC.creationTimestamp, priority: 0 },
      { name: 'Selector', type: 'string', format: '', description: DOC.serviceSelector, priority: 1 },
    ],
    rows: [
      {
        cells: ['nginx', 'ClusterIP', '10.43.1.37', '<none>', '80/TCP', '3m36s', 'app=nginx'],
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: svc.metadata },
      },
    ],
  });
  // Field order on the wire follows Go's struct order.
  assert.deepEqual(Object.keys(table), ['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
  assert.deepEqual(Object.keys(table.rows![0]), ['cells', 'object']);
  assert.ok(DOC.servicePorts.startsWith('The list of ports that are exposed by this service.'));
  assert.ok(DOC.name.startsWith('Name must be unique within a namespace.'));
});

test('includeObject: Metadata (default), Object, None; anything else is a 400', () => {
  const svc = chapterService();
  const object = (includeObject?: string) => toTable(SERVICES, [svc], { now: NOW, includeObject }).rows![0].object;
  assert.deepEqual(object(''), { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: svc.metadata });
  assert.deepEqual(object('Metadata'), object(undefined));
  assert.equal(object('Object'), svc);
  assert.equal(object('None'), null);
  assert.throws(
    () => object('Everything'),
    (err: unknown) =>
      err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest' && err.message === 'unrecognized includeObject value: "Everything"',
  );
});

test('noHeaders leaves columnDefinitions null; v1beta1 Tables carry v1beta1 partial objects', () => {
  const svc = chapterService();
  const table = toTable(SERVICES, [svc], { now: NOW, noHeaders: true, apiVersion: 'meta.k8s.io/v1beta1' });
  assert.equal(table.columnDefinitions, null);
  assert.equal(table.apiVersion, 'meta.k8s.io/v1beta1');
  assert.equal((table.rows![0].object as { apiVersion: string }).apiVersion, 'meta.k8s.io/v1beta1');
});

test('list metadata keeps continue and remainingItemCount as Go would encode them', () => {
  const table = toTable(SERVICES, [], { now: NOW, listMeta: { resourceVersion: '7', continue: 'abc', remainingItemCount: 0 } });
  assert.deepEqual(table.metadata, { resourceVersion: '7', continue: 'abc', remainingItemCount: 0 });
  assert.deepEqual(table.rows, []);
  assert.deepEqual(toTable(SERVICES, [], { now: NOW }).metadata, {});
});

test('a watch event object is a one-row Table; kubectl get -w prints its row under the same header', () => {
  const svc = chapterService();
  const event = toTable(SERVICES, [svc], { now: NOW, listMeta: { resourceVersion: svc.metadata.resourceVersion } });
  assert.equal(event.metadata.resourceVersion, '1001');
  assert.equal(event.rows!.length, 1);
  assert.deepEqual(columnsFor(SERVICES), event.columnDefinitions);
  assert.deepEqual(rowFor(SERVICES, svc, { now: NOW }).cells, event.rows![0].cells);
});

test('kinds without a printer get the default table: NAME, CREATED AT (RFC 3339, UTC)', () => {
  const widget = { group: 'example.com', kind: 'Widget' };
  const objects: KubeObject[] = [
    { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', creationTimestamp: '2024-05-01T13:59:00+02:00' } },
    { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2' } },
  ];
  const table = toTable(widget, objects, { now: NOW });
  assert.deepEqual(table.columnDefinitions, [
    { name: 'Name', type: 'string', format: 'name', description: DOC.name, priority: 0 },
    { name: 'Created At', type: 'date', format: '', description: DOC.creationTimestamp, priority: 0 },
  ]);
  assert.equal(
    printTable(table),
    lines(
      'NAME   CREATED AT',
      'w1     2024-05-01T11:59:00Z',
      'w2     0001-01-01T00:00:00Z',
    ),
  );
  // Upstream appends rows to a nil slice: an empty list encodes `rows: null`.
  assert.equal(toTable(widget, [], { now: NOW }).rows, null);
});

test('every served kind has its own printer, and every row fills every column, even from a bare object', () => {
  for (const info of RESOURCES) {
    assert.ok(PRINTERS.has(`${info.group}/${info.kind}`), `${info.group}/${info.kind}`);
    const bare: KubeObject = { apiVersion: info.version, kind: info.kind, metadata: { name: 'x' } };
    const row = rowFor(info, bare, { now: NOW });
    assert.equal(row.cells.length, columnsFor(info).length, info.kind);
    for (const cell of row.cells) assert.ok(['string', 'number', 'boolean'].includes(typeof cell), `${info.kind}: ${cell}`);
  }
});

test('a printer that names the metadata fields it reads prints the same row from an item with only those', () => {
  const full = makeService('ns', 'web', (s) => {
    s.metadata.labels = { app: 'web' };
    s.metadata.annotations = { note: 'x' };
    s.metadata.deletionTimestamp = ago(SECOND);
    s.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u' }];
    s.metadata.finalizers = ['f'];
    s.metadata.generation = 3;
  });
  let declared = 0;
  for (const info of RESOURCES) {
    const fields = metadataFieldsFor(info);
    if (!fields) continue;
    declared++;
    const obj = { ...full, apiVersion: info.version, kind: info.kind } as KubeObject;
    const meta = obj.metadata as Record<string, unknown>;
    const partial = { ...obj, metadata: Object.fromEntries(fields.filter((f) => f in meta).map((f) => [f, meta[f]])) } as KubeObject;
    assert.deepEqual(rowFor(info, partial, { now: NOW }), rowFor(info, obj, { now: NOW }), info.kind);
  }
  assert.ok(metadataFieldsFor({ group: '', kind: 'Service' }));
  assert.ok(declared >= 2);
});

test('column definitions are copies: callers cannot corrupt the shared printers', () => {
  const pods = findKind('v1', 'Pod')!;
  columnsFor(pods)[0].name = 'Mutated';
  toTable(pods, [makePod('default', 'p')], { now: NOW }).columnDefinitions![1].priority = 9;
  assert.equal(columnsFor(pods)[0].name, 'Name');
  assert.equal(columnsFor(pods)[1].priority, 0);
  assert.deepEqual(
    columnsFor(pods).map((c) => `${c.name}:${c.type}:${c.priority}`),
    ['Name:string:0', 'Ready:string:0', 'Status:string:0', 'Restarts:string:0', 'Age:string:0', 'IP:string:1', 'Node:string:1', 'Nominated Node:string:1', 'Readiness Gates:string:1'],
  );
});
