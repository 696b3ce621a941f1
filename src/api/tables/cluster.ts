/**
 * @module Printers for the cluster-level kinds: Namespace (`NAME STATUS AGE`), Node (`NAME
 * STATUS ROLES AGE VERSION | INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME`)
 * and Lease (`NAME HOLDER AGE`).
 */
import { AGE_COLUMN, NAME_COLUMN, column, str } from './columns.js';
import { DOC } from './descriptions.js';
import { since } from './duration.js';
import { compareStrings } from './selectors.js';
import type { KubeObject } from '../types.js';
import type { PrintContext, Printer, TableRow } from './types.js';

interface NamespaceView {
  metadata: { name?: string; creationTimestamp?: string | null };
  status?: { phase?: string };
}

export const namespacePrinter: Printer = {
  columns: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  row(obj: KubeObject, { now }: PrintContext): TableRow {
    const ns = obj as unknown as NamespaceView;
    return { cells: [str(ns.metadata.name), str(ns.status?.phase), since(ns.metadata.creationTimestamp, now)] };
  },
};

interface NodeView {
  metadata: { name?: string; creationTimestamp?: string | null; labels?: Record<string, string> };
  spec?: { unschedulable?: boolean };
  status?: {
    conditions?: Array<{ type?: string; status?: string }>;
    addresses?: Array<{ type?: string; address?: string }>;
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
  };
}

/** Labels that name a node's roles: `node-role.kubernetes.io/<role>` and `kubernetes.io/role=<role>`. */
const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

export const nodePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'string', DOC.kubeletVersion),
    column('Internal-IP', 'string', DOC.nodeAddresses, { priority: 1 }),
    column('External-IP', 'string', DOC.nodeAddresses, { priority: 1 }),
    column('OS-Image', 'string', DOC.osImage, { priority: 1 }),
    column('Kernel-Version', 'string', DOC.kernelVersion, { priority: 1 }),
    column('Container-Runtime', 'string', DOC.containerRuntimeVersion, { priority: 1 }),
  ],
  row(obj: KubeObject, { now }: PrintContext): TableRow {
    const node = obj as unknown as NodeView;
    const info = node.status?.nodeInfo ?? {};
    const roles = nodeRoles(node);
    return {
      cells: [
        str(node.metadata.name),
        nodeStatus(node),
        roles.length > 0 ? roles.join(',') : '<none>',
        since(node.metadata.creationTimestamp, now),
        str(info.kubeletVersion),
        nodeAddress(node, 'InternalIP'),
        nodeAddress(node, 'ExternalIP'),
        str(info.osImage) || '<unknown>',
        str(info.kernelVersion) || '<unknown>',
        str(info.containerRuntimeVersion) || '<unknown>',
      ],
    };
  },
};

/** `Ready`, `NotReady` or `Unknown` from the (last) Ready condition, plus `SchedulingDisabled`. */
function nodeStatus(node: NodeView): string {
  let ready: string | undefined;
  for (const c of node.status?.conditions ?? []) if (c.type === 'Ready') ready = str(c.status);
  const parts = [ready === undefined ? 'Unknown' : ready === 'True' ? 'Ready' : 'NotReady'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** `findNodeRoles`: the sorted, de-duplicated roles the labels name. */
function nodeRoles(node: NodeView): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith(ROLE_PREFIX)) {
      const role = key.slice(ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (key === ROLE_LABEL && value) {
      roles.add(value);
    }
  }
  return [...roles].sort(compareStrings);
}

/** The first address of a type, or `<none>`. */
function nodeAddress(node: NodeView, type: 'InternalIP' | 'ExternalIP'): string {
  const address = node.status?.addresses?.find((a) => a.type === type);
  return address ? str(address.address) : '<none>';
}

interface LeaseView {
  metadata: { name?: string; creationTimestamp?: string | null };
  spec?: { holderIdentity?: string | null };
}

export const leasePrinter: Printer = {
  columns: [NAME_COLUMN, column('Holder', 'string', DOC.leaseHolderIdentity), AGE_COLUMN],
  row(obj: KubeObject, { now }: PrintContext): TableRow {
    const lease = obj as unknown as LeaseView;
    return { cells: [str(lease.metadata.name), str(lease.spec?.holderIdentity), since(lease.metadata.creationTimestamp, now)] };
  },
};
