/**
 * @module Printers for Service, Endpoints and EndpointSlice, as kube-apiserver fills
 * `NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE | SELECTOR`, `NAME ENDPOINTS AGE` and
 * `NAME ADDRESSTYPE PORTS ENDPOINTS AGE` (pkg/printers/internalversion/printers.go).
 */
import { AGE_COLUMN, NAME_COLUMN, column, int, str } from './columns.js';
import { DOC } from './descriptions.js';
import { since } from './duration.js';
import { compareStrings, formatLabels } from './selectors.js';
import type { KubeObject } from '../types.js';
import type { PrintContext, Printer, TableRow } from './types.js';

/** The fields of a v1 Service this printer reads. */
interface ServiceView {
  metadata: { name?: string; creationTimestamp?: string | null };
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    externalName?: string;
    selector?: Record<string, string>;
    ports?: Array<{ port?: number; nodePort?: number; protocol?: string }>;
  };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

export const servicePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', DOC.serviceType),
    column('Cluster-IP', 'string', DOC.clusterIP),
    column('External-IP', 'string', DOC.externalIPs),
    column('Port(s)', 'string', DOC.servicePorts),
    AGE_COLUMN,
    column('Selector', 'string', DOC.serviceSelector, { priority: 1 }),
  ],
  metadataFields: ['name', 'creationTimestamp'],
  row(obj: KubeObject, { now }: PrintContext): TableRow {
    const svc = obj as unknown as ServiceView;
    const spec = svc.spec ?? {};
    // v1 defaulting (SetDefaults_Service) makes an unset type ClusterIP and an unset
    // protocol TCP before upstream's printer ever sees the object.
    const type = str(spec.type) || 'ClusterIP';
    // v1 -> internal conversion puts `clusterIP` first in `clusterIPs` when both are set.
    const clusterIP = str(spec.clusterIP) || str(spec.clusterIPs?.[0]) || '<none>';
    const ports = (spec.ports ?? [])
      .map((p) => {
        const protocol = str(p.protocol) || 'TCP';
        return int(p.nodePort) > 0 ? `${int(p.port)}:${int(p.nodePort)}/${protocol}` : `${int(p.port)}/${protocol}`;
      })
      .join(',');
    return {
      cells: [
        str(svc.metadata.name),
        type,
        clusterIP,
        externalIP(svc, type),
        ports || '<none>',
        since(svc.metadata.creationTimestamp, now),
        formatLabels(spec.selector),
      ],
    };
  },
};

/** `getServiceExternalIP` with `wide` set, as the server always prints (no 16-char clip). */
function externalIP(svc: ServiceView, type: string): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      // loadBalancerStatusStringer: a sorted set of ingress IPs, else hostnames.
      const ingress = new Set<string>();
      for (const i of svc.status?.loadBalancer?.ingress ?? []) {
        if (str(i.ip) !== '') ingress.add(str(i.ip));
        else if (str(i.hostname) !== '') ingress.add(str(i.hostname));
      }
      const lb = [...ingress].sort(compareStrings);
      if (externalIPs.length > 0) return [...lb, ...externalIPs].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(svc.spec?.externalName);
    default:
      return '<unknown>';
  }
}

/** The fields of a v1 Endpoints this printer reads. */
interface EndpointsView {
  metadata: { name?: string; creationTimestamp?: string | null };
  subsets?: Array<{ addresses?: Array<{ ip?: string }>; ports?: Array<{ port?: number }> }>;
}

/** How many addresses the Endpoints and EndpointSlice columns list before `+ N more...`. */
const MAX_LISTED = 3;

export const endpointsPrinter: Printer = {
  columns: [NAME_COLUMN, column('Endpoints', 'string', DOC.endpointsSubsets), AGE_COLUMN],
  metadataFields: ['name', 'creationTimestamp'],
  row(obj: KubeObject, { now }: PrintContext): TableRow {
    const ep = obj as unknown as EndpointsView;
    return { cells: [str(ep.metadata.name), formatEndpoints(ep), since(ep.metadata.creationTimestamp, now)] };
  },
};

/**
 * `formatEndpoints` with no port filter: `ip:port` for every (port, address) pair, subset by
 * subset, bare IPs for port-less (headless) subsets; the first three, then `+ N more...`.
 */
function formatEndpoints(ep: EndpointsView): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses = subset.addresses ?? [];
    const ports = subset.ports ?? [];
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === MAX_LISTED) break;
        list.push(str(a.ip));
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === MAX_LISTED) break;
        list.push(joinHostPort(str(a.ip), int(port.port)));
      }
    }
  }
  const text = list.join(',');
  return count > MAX_LISTED ? `${text} + ${count - MAX_LISTED} more...` : text;
}

/** Go's `net.JoinHostPort`: brackets around a host that contains a colon (IPv6). */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The fields of a discovery.k8s.io/v1 EndpointSlice this printer reads. */
interface EndpointSliceView {
  metadata: { name?: string; creationTimestamp?: string | null };
  addressType?: string;
  ports?: Array<{ port?: number | null; name?: string | null }> | null;
  endpoints?: Array<{ addresses?: string[] }> | null;
}

export const endpointSlicePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'string', DOC.endpointSliceAddressType),
    column('Ports', 'string', DOC.endpointSlicePorts),
    column('Endpoints', 'string', DOC.endpointSliceEndpoints),
    AGE_COLUMN,
  ],
  row(obj: KubeObject, { now }: PrintContext): TableRow {
    const slice = obj as unknown as EndpointSliceView;
    // formatDiscoveryPorts: the port number, else its name, else `*` (all ports).
    const ports = (slice.ports ?? []).map((p) => (typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*'));
    const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return {
      cells: [
        str(slice.metadata.name),
        str(slice.addressType),
        listWithMore(ports),
        listWithMore(addresses),
        since(slice.metadata.creationTimestamp, now),
      ],
    };
  },
};

/** `listWithMoreString`: the first three joined with `,`, `+ N more...`, or `<unset>`. */
function listWithMore(items: string[]): string {
  const text = items.slice(0, MAX_LISTED).join(',');
  if (items.length > MAX_LISTED) return `${text} + ${items.length - MAX_LISTED} more...`;
  return text === '' ? '<unset>' : text;
}
