/**
 * @module The `meta.k8s.io` Table shapes (k8s.io/apimachinery/pkg/apis/meta/v1 `Table`,
 * `TableColumnDefinition`, `TableRow`, `TableRowCondition`), and the one interface every
 * kind's printer implements. JSON field order and null-versus-absent follow Go's encoder.
 */
import type { KubeObject, ListMeta, ObjectMeta } from '../types.js';

/** One column: `priority: 0` always shows; higher only with `kubectl get -o wide`. */
export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type: `string`, `integer`, `number`, `boolean`, `date`. */
  type: string;
  /** OpenAPI format hint; `name` marks the column holding the object name, else `""`. */
  format: string;
  description: string;
  priority: number;
}

/** A cell is what Go puts in `[]interface{}`: a string, an int64 or a bool. */
export type TableCell = string | number | boolean;

/** metav1.TableRowCondition; the only type upstream defines is `Completed`. */
export interface TableRowCondition {
  type: 'Completed';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** A row as a printer makes it: the cells, in column order, and row conditions if any. */
export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
}

/** `metav1.PartialObjectMetadata`: what a row carries by default instead of the object. */
export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: string;
  metadata: ObjectMeta;
}

/** A row as it goes on the wire. `object` is `null` with `includeObject=None`. */
export interface TableRowWithObject extends TableRow {
  object: PartialObjectMetadata | KubeObject | null;
}

/** A whole `Table`. `columnDefinitions` is `null` when headers were refused (`noHeaders`). */
export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[] | null;
  /** `null` only for the default table of an empty list, as upstream's nil slice encodes. */
  rows: TableRowWithObject[] | null;
}

/** What every printer gets besides the object. */
export interface PrintContext {
  /** The clock; every Age and Last Seen cell is measured from it. */
  now: Date;
}

/**
 * A kind's printer: fixed columns, and a pure function from one object to one row whose
 * cells line up with them. Rows always carry every column (upstream's server-side printers
 * run with `Wide: true`; kubectl hides priority > 0 columns itself).
 */
export interface Printer {
  columns: readonly TableColumnDefinition[];
  row(obj: KubeObject, ctx: PrintContext): TableRow;
  /**
   * When set, the only metadata fields `row` reads: a list may then hand it items whose
   * metadata holds just these (read from the stored text, the rest of metadata never decoded).
   */
  metadataFields?: readonly string[];
}
