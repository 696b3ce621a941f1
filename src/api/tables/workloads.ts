/**
 * @module Printers for Deployment (`NAME READY UP-TO-DATE AVAILABLE AGE | CONTAINERS IMAGES
 * SELECTOR`) and ReplicaSet (`NAME DESIRED CURRENT READY AGE | CONTAINERS IMAGES SELECTOR`).
 */
import { AGE_COLUMN, NAME_COLUMN, column, containerCells, int, str } from './columns.js';
import { DOC } from './descriptions.js';
import { since } from './duration.js';
import { formatLabelSelector, labelSelectorString, type LabelSelector } from './selectors.js';
import type { KubeObject } from '../types.js';
import type { PrintContext, Printer, TableRow } from './types.js';

/** The fields of an apps/v1 Deployment or ReplicaSet these printers read. */
interface ReplicatedView {
  metadata: { name?: string; creationTimestamp?: string | null };
  spec?: {
    replicas?: number;
    selector?: LabelSelector | null;
    template?: { spec?: { containers?: Array<{ name?: string; image?: string }> } };
  };
  status?: { replicas?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

/** apps/v1 defaulting sets an unset `spec.replicas` to 1 before upstream prints it. */
function desiredReplicas(obj: ReplicatedView): number {
  return typeof obj.spec?.replicas === 'number' ? obj.spec.replicas : 1;
}

const CONTAINERS = column('Containers', 'string', 'Names of each container in the template.', { priority: 1 });
const IMAGES = column('Images', 'string', 'Images referenced by each container in the template.', { priority: 1 });

export const deploymentPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', DOC.deploymentUpdatedReplicas),
    column('Available', 'string', DOC.deploymentAvailableReplicas),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    column('Selector', 'string', DOC.deploymentSelector, { priority: 1 }),
  ],
  row(obj: KubeObject, { now }: PrintContext): TableRow {
    const d = obj as unknown as ReplicatedView;
    const status = d.status ?? {};
    const [names, images] = containerCells(d.spec?.template?.spec?.containers);
    // Deployments print the raw selector string: empty when unset, `<invalid>` on error.
    const selector = labelSelectorString(d.spec?.selector) ?? '<invalid>';
    return {
      cells: [
        str(d.metadata.name),
        `${int(status.readyReplicas)}/${desiredReplicas(d)}`,
        int(status.updatedReplicas),
        int(status.availableReplicas),
        since(d.metadata.creationTimestamp, now),
        names,
        images,
        selector,
      ],
    };
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', DOC.replicaSetSpecReplicas),
    column('Current', 'integer', DOC.replicaSetStatusReplicas),
    column('Ready', 'integer', DOC.replicaSetReadyReplicas),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    column('Selector', 'string', DOC.replicaSetSelector, { priority: 1 }),
  ],
  row(obj: KubeObject, { now }: PrintContext): TableRow {
    const rs = obj as unknown as ReplicatedView;
    const status = rs.status ?? {};
    const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
    return {
      cells: [
        str(rs.metadata.name),
        desiredReplicas(rs),
        int(status.replicas),
        int(status.readyReplicas),
        since(rs.metadata.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(rs.spec?.selector),
      ],
    };
  },
};
