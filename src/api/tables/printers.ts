/**
 * @module Which printer serves which kind, in one explicit table keyed by `group/Kind` (`""`
 * for the core group), plus upstream's default printer (`rest.DefaultTableConvertor`: Name,
 * Created At) for every kind without one. Add a kind here and nowhere else.
 */
import { leasePrinter, namespacePrinter, nodePrinter } from './cluster.js';
import { NAME_COLUMN, column, str } from './columns.js';
import { configMapPrinter, secretPrinter, serviceAccountPrinter } from './config.js';
import { DOC } from './descriptions.js';
import { formatRFC3339 } from './duration.js';
import { eventPrinter, eventsV1EventPrinter } from './events.js';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './network.js';
import { podPrinter } from './pod.js';
import { deploymentPrinter, replicaSetPrinter } from './workloads.js';
import type { KubeObject } from '../types.js';
import type { Printer, TableRow } from './types.js';

/**
 * `rest.DefaultTableConvertor`: the name and the creation time as RFC 3339 in UTC (Go's zero
 * time, `0001-01-01T00:00:00Z`, when unset). kubectl shows it as `NAME CREATED AT`.
 */
export const defaultPrinter: Printer = {
  columns: [NAME_COLUMN, column('Created At', 'date', DOC.creationTimestamp)],
  metadataFields: ['name', 'creationTimestamp'],
  row(obj: KubeObject): TableRow {
    return { cells: [str(obj.metadata.name), formatRFC3339(obj.metadata.creationTimestamp)] };
  },
};

/** Printers by `group/Kind`. */
export const PRINTERS: ReadonlyMap<string, Printer> = new Map([
  ['/ConfigMap', configMapPrinter],
  ['/Endpoints', endpointsPrinter],
  ['/Event', eventPrinter],
  ['/Namespace', namespacePrinter],
  ['/Node', nodePrinter],
  ['/Pod', podPrinter],
  ['/Secret', secretPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/Service', servicePrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  // apiextensions-apiserver prints CRDs with the default table (NAME, CREATED AT).
  ['apiextensions.k8s.io/CustomResourceDefinition', defaultPrinter],
  ['events.k8s.io/Event', eventsV1EventPrinter],
]);

/** The printer for a kind, and whether it is the default one. */
export function printerFor(kind: { group: string; kind: string }): { printer: Printer; isDefault: boolean } {
  const printer = PRINTERS.get(`${kind.group}/${kind.kind}`);
  return printer ? { printer, isDefault: false } : { printer: defaultPrinter, isDefault: true };
}
