/**
 * @module Server-side Tables for `kubectl get` (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`):
 * the columns of a resource, one object's row, and the whole `meta.k8s.io` Table with each
 * row's `object` as upstream's `asTable` fills it. Pure: the caller brings the objects and
 * the clock. A watch event's object is `toTable(resource, [obj], ...)`, a one-row Table.
 */
import { newBadRequest } from '../errors.js';
import type { ResourceInfo } from '../resources.js';
import type { KubeObject, ListMeta } from '../types.js';
import { printerFor } from './printers.js';
import type { PrintContext, Table, TableColumnDefinition, TableRow, TableRowWithObject } from './types.js';

/** `includeObject` query values: metadata only (the default), the whole object, or nothing. */
export type IncludeObject = 'Metadata' | 'Object' | 'None';

export interface ToTableOptions extends PrintContext {
  /** The list's metadata (resourceVersion, continue, remainingItemCount); for one object, its resourceVersion. */
  listMeta?: ListMeta;
  /** The raw `includeObject` query value; `""`/absent means `Metadata`. Others are a 400. */
  includeObject?: string;
  /** `TableOptions.noHeaders`: leave `columnDefinitions` null. */
  noHeaders?: boolean;
  /** The Table version asked for in Accept; rows' PartialObjectMetadata use the same one. */
  apiVersion?: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';
}

/** The resource's column definitions, priority > 0 (wide) included. Fresh copies. */
export function columnsFor(resource: Pick<ResourceInfo, 'group' | 'kind'>): TableColumnDefinition[] {
  return printerFor(resource).printer.columns.map((c) => ({ ...c }));
}

/** One object's row: cells for every column, and row conditions (completed Pods). */
export function rowFor(resource: Pick<ResourceInfo, 'group' | 'kind'>, obj: KubeObject, ctx: PrintContext): TableRow {
  return printerFor(resource).printer.row(obj, ctx);
}

/** The only metadata fields the resource's rows read, when its printer says (Printer.metadataFields). */
export function metadataFieldsFor(resource: Pick<ResourceInfo, 'group' | 'kind'>): readonly string[] | undefined {
  return printerFor(resource).printer.metadataFields;
}

/**
 * The whole Table. Rows carry PartialObjectMetadata unless `includeObject` says `Object` (the
 * object itself, shared, not copied) or `None` (`object: null`). Throws a 400 StatusError for
 * any other `includeObject`, with upstream's message.
 */
export function toTable(resource: Pick<ResourceInfo, 'group' | 'kind'>, objects: readonly KubeObject[], opts: ToTableOptions): Table {
  const include = parseIncludeObject(opts.includeObject);
  const apiVersion = opts.apiVersion ?? 'meta.k8s.io/v1';
  const { printer, isDefault } = printerFor(resource);
  const rows = objects.map((obj): TableRowWithObject => {
    const row = printer.row(obj, { now: opts.now });
    const object =
      include === 'Object' ? obj : include === 'None' ? null : { kind: 'PartialObjectMetadata' as const, apiVersion, metadata: obj.metadata };
    return row.conditions ? { cells: row.cells, conditions: row.conditions, object } : { cells: row.cells, object };
  });
  return {
    kind: 'Table',
    apiVersion,
    metadata: listMetadata(opts.listMeta),
    columnDefinitions: opts.noHeaders ? null : printer.columns.map((c) => ({ ...c })),
    // The default convertor appends to a nil slice, so an empty list encodes as `null`.
    rows: isDefault && rows.length === 0 ? null : rows,
  };
}

function parseIncludeObject(value: string | undefined): IncludeObject {
  if (value === undefined || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'Object' || value === 'None') return value;
  throw newBadRequest(`unrecognized includeObject value: ${JSON.stringify(value)}`);
}

/** ListMeta with Go's omitempty: no empty strings; remainingItemCount only if set. */
function listMetadata(meta: ListMeta | undefined): ListMeta {
  const out: ListMeta = {};
  if (meta?.resourceVersion) out.resourceVersion = meta.resourceVersion;
  if (meta?.continue) out.continue = meta.continue;
  if (typeof meta?.remainingItemCount === 'number') out.remainingItemCount = meta.remainingItemCount;
  return out;
}
