/**
 * @module The canonical layout of Endpoints subsets (pkg/api/v1/endpoints RepackSubsets) and
 * the 1000-address cap (truncateEndpoints of the Endpoints controller).
 *
 * Repacking expands subsets to (address, port, ready) facts and regroups them: one subset per
 * distinct set of addresses, holding every port those addresses share. An address that is
 * not ready on a port stays not ready there even if another subset says ready. Addresses are
 * deduplicated by IP and pod uid and sorted by IP bytes, then uid, as upstream sorts them.
 * Upstream orders ports and subsets by the md5 of a Go dump of each; kubito orders them by
 * their content instead (order carries no meaning; one subset of one port, the usual case,
 * reads the same).
 */
import { MAX_CAPACITY, type EndpointAddress, type EndpointSubset, type EndpointsPort } from './types.js';

function addressKey(a: EndpointAddress): string {
  return `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
}

function portKey(p: EndpointsPort): string {
  return JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? null]);
}

/** LessEndpointAddress: IP bytes, then pod uid (an address without a pod first). */
export function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  const byIP = Buffer.compare(Buffer.from(a.ip), Buffer.from(b.ip));
  if (byIP !== 0) return byIP;
  if (!b.targetRef) return a.targetRef ? 1 : 0;
  if (!a.targetRef) return -1;
  const ua = a.targetRef.uid ?? '';
  const ub = b.targetRef.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** RepackSubsets: a new array; the input is not changed. Subsets without ports keep their addresses. */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addresses = new Map<string, EndpointAddress>();
  // port key → the port (undefined: the "no ports" sentinel) and address key → ready.
  const byPort = new Map<string, { port: EndpointsPort | undefined; ready: Map<string, boolean> }>();
  const note = (addr: EndpointAddress, port: EndpointsPort | undefined, ready: boolean) => {
    const key = addressKey(addr);
    if (!addresses.has(key)) addresses.set(key, { ...addr });
    const pk = port ? portKey(port) : '';
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, (entry = { port, ready: new Map() }));
    // Not ready wins over ready.
    if (entry.ready.get(key) !== false) entry.ready.set(key, ready);
  };
  for (const subset of subsets) {
    const ports = subset.ports?.length ? subset.ports : [undefined];
    for (const port of ports) {
      for (const a of subset.addresses ?? []) note(a, port, true);
      for (const a of subset.notReadyAddresses ?? []) note(a, port, false);
    }
  }
  // Group ports by the exact set of (address, ready) they reach.
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointsPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const signature = JSON.stringify([...ready].sort(([a], [b]) => compareText(a, b)));
    let group = groups.get(signature);
    if (!group) groups.set(signature, (group = { ready, ports: [] }));
    if (port) group.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const group of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [key, isReady] of group.ready) (isReady ? ready : notReady).push(addresses.get(key)!);
    const subset: EndpointSubset = {};
    if (ready.length) subset.addresses = ready.sort(compareAddresses);
    if (notReady.length) subset.notReadyAddresses = notReady.sort(compareAddresses);
    if (group.ports.length) subset.ports = group.ports.sort((a, b) => compareText(portKey(a), portKey(b)));
    out.push(subset);
  }
  const subsetKey = (s: EndpointSubset) => JSON.stringify([(s.ports ?? []).map(portKey), (s.addresses ?? []).map(addressKey), (s.notReadyAddresses ?? []).map(addressKey)]);
  return out.sort((a, b) => compareText(subsetKey(a), subsetKey(b)));
}

/** The number of addresses, ready and not, over all subsets. */
export function countAddresses(subsets: readonly EndpointSubset[] | null | undefined): number {
  return (subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
}

/**
 * truncateEndpoints: past MAX_CAPACITY addresses, keep ready ones first. If the ready ones
 * alone are too many, each subset keeps a share of MAX_CAPACITY in proportion to its ready
 * addresses (rounded up, the last ones getting what is left) and no not-ready ones; otherwise
 * the not-ready addresses are cut the same way to fill what the ready ones leave. Returns the
 * new subsets, or undefined when nothing had to go.
 */
export function truncateSubsets(subsets: readonly EndpointSubset[], max = MAX_CAPACITY): EndpointSubset[] | undefined {
  const totalReady = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const totalNotReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (totalReady + totalNotReady <= max) return undefined;
  const truncateReady = totalReady > max;
  const budget = truncateReady ? max : max - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let left = budget;
  return subsets.map((subset) => {
    const inSubset = truncateReady ? (subset.addresses?.length ?? 0) : (subset.notReadyAddresses?.length ?? 0);
    const share = Math.min(Math.ceil((inSubset / total) * budget), left);
    const out: EndpointSubset = { ...subset };
    if (truncateReady) {
      out.addresses = (subset.addresses ?? []).slice(0, share);
      delete out.notReadyAddresses;
      left -= out.addresses.length;
      if (out.addresses.length === 0) delete out.addresses;
    } else {
      out.notReadyAddresses = (subset.notReadyAddresses ?? []).slice(0, share);
      left -= out.notReadyAddresses.length;
      if (out.notReadyAddresses.length === 0) delete out.notReadyAddresses;
    }
    return out;
  });
}
