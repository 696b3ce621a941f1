/**
 * @module The DNS record source: the slim projections of Services, EndpointSlices and
 * Namespaces cluster DNS answers from (STYLE §10), and RecordIndex, which keeps them from
 * informer events (`update(prev, curr)`: add is `update(null, x)`, delete `update(x, null)`).
 * Pure: no I/O, time comes from an injected `now`.
 */
import { isIPv6 } from 'node:net';
import { formatIPv4, mappedIPv4 } from '../api/service/net.js';
import type { KubeObject } from '../api/types.js';

export interface PortRecord {
  /** '' for an unnamed port. */
  name: string;
  /** Upper-case protocol as in the API (TCP, UDP, SCTP); '' for the "no ports" sentinel. */
  protocol: string;
  /** -1 is the sentinel of an EndpointSlice without ports (A records, no SRV), as CoreDNS. */
  port: number;
}

export interface ServiceRecord {
  namespace: string;
  name: string;
  type: string;
  /** spec.clusterIPs (or clusterIP); empty for headless and ExternalName. */
  clusterIPs: string[];
  headless: boolean;
  externalName?: string;
  ports: PortRecord[];
}

/** One EndpointSlice's ready addresses and its ports (CoreDNS's object.Endpoints subset). */
export interface EndpointSubset {
  addresses: Array<{ ip: string; hostname: string }>;
  ports: PortRecord[];
}

export interface EndpointOwner {
  service: ServiceRecord;
  hostname: string;
  /** The ports of the EndpointSlice the address is in. */
  ports: PortRecord[];
}

/**
 * What the answer function reads. Every name argument is lower-case. The contract:
 * - `synced()`: false until every informer has listed once; until then NXDOMAIN becomes SERVFAIL.
 * - `serial()`: the SOA serial, unix seconds of the last change seen.
 * - `namespaceExists(ns)`: the Namespace object exists.
 * - `service(ns, name)`: the Service, or undefined.
 * - `endpoints(ns, name)`: one subset per EndpointSlice of that Service (ready addresses only;
 *   empty when there are none).
 * - `servicesByClusterIP(ip)` / `endpointsByIP(ip)`: reverse lookups for PTR, in a stable order.
 */
export interface RecordSource {
  synced(): boolean;
  /** Counts changes; a cache of answers is stale once it moves (optional for test doubles). */
  generation?(): number;
  serial(): number;
  namespaceExists(namespace: string): boolean;
  service(namespace: string, name: string): ServiceRecord | undefined;
  endpoints(namespace: string, name: string): readonly EndpointSubset[];
  servicesByClusterIP(ip: string): readonly ServiceRecord[];
  endpointsByIP(ip: string): readonly EndpointOwner[];
}

/** The Service fields DNS reads. */
export interface ServiceObject extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalName?: string;
    ports?: Array<{ name?: string; protocol?: string; port: number }> | null;
  };
}

/** The EndpointSlice fields DNS reads. */
export interface EndpointSliceObject extends KubeObject {
  addressType?: string;
  endpoints?: Array<{ addresses?: string[]; hostname?: string; conditions?: { ready?: boolean | null } }> | null;
  ports?: Array<{ name?: string | null; protocol?: string | null; port?: number | null }> | null;
}

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';

/** An endpoint's DNS label: its hostname, else its IP with `.`/`:` as `-` (IPv6 ending in `-` gets `0`). */
export function endpointHostname(ip: string, hostname: string | undefined): string {
  if (hostname) return hostname;
  if (ip.includes('.')) return ip.replaceAll('.', '-');
  const dashed = ip.replaceAll(':', '-');
  return dashed.endsWith('-') ? `${dashed}0` : dashed;
}

/**
 * A cluster IP as CoreDNS answers it: an IPv4-mapped IPv6 address that Go's net.ParseIP reads
 * (`::ffff:a60:32`, `0:0:0:0:0:ffff:10.96.0.50`; the API takes them as IPv4) is an A record of
 * its IPv4 address (To4() != nil). What net.ParseIP refuses (a leading zero, `10.96.100.010`)
 * stays text, which CoreDNS answers as a CNAME to it.
 */
function answeredAddress(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const v4 = mappedIPv4(ip);
  return v4 === undefined ? ip : formatIPv4(v4);
}

export function serviceRecord(svc: ServiceObject): ServiceRecord {
  const spec = svc.spec ?? {};
  const headless = spec.clusterIP === 'None';
  const type = spec.type ?? 'ClusterIP';
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return {
    namespace: svc.metadata.namespace ?? '',
    name: svc.metadata.name ?? '',
    type,
    clusterIPs: headless || type === 'ExternalName' ? [] : ips.filter((ip) => ip && ip !== 'None').map(answeredAddress),
    headless,
    externalName: type === 'ExternalName' ? spec.externalName : undefined,
    ports: (spec.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port })),
  };
}

/** CoreDNS's EndpointSliceToEndpoints: ready (nil or true) endpoints; no ports → the -1 sentinel. */
export function endpointSubset(slice: EndpointSliceObject): EndpointSubset | undefined {
  if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') return undefined;
  const addresses: EndpointSubset['addresses'] = [];
  for (const ep of slice.endpoints ?? []) {
    const ready = ep.conditions?.ready;
    if (ready === false) continue;
    for (const ip of ep.addresses ?? []) addresses.push({ ip, hostname: endpointHostname(ip, ep.hostname) });
  }
  const ports = (slice.ports ?? []).filter((p) => p.port != null).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port! }));
  return { addresses, ports: ports.length ? ports : [{ name: '', protocol: '', port: -1 }] };
}

function key(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

/**
 * The index. `onChange` runs after every update that changed something (the server drops its
 * answer cache there); `generation()` counts those changes.
 */
export class RecordIndex implements RecordSource {
  #services = new Map<string, ServiceRecord>();
  /** service key → slice key → subset */
  #slices = new Map<string, Map<string, EndpointSubset>>();
  /** slice key → service key it was filed under */
  #sliceOwner = new Map<string, string>();
  #namespaces = new Set<string>();
  #byClusterIP: Map<string, ServiceRecord[]> | undefined;
  #byEndpointIP: Map<string, EndpointOwner[]> | undefined;
  #synced = false;
  #serial: number;
  #generation = 0;
  readonly #now: () => number;
  readonly #onChange: (() => void) | undefined;

  constructor(options: { now?: () => number; onChange?: () => void } = {}) {
    this.#now = options.now ?? Date.now;
    this.#onChange = options.onChange;
    this.#serial = Math.floor(this.#now() / 1000);
  }

  #changed(): void {
    this.#byClusterIP = undefined;
    this.#byEndpointIP = undefined;
    this.#serial = Math.floor(this.#now() / 1000);
    this.#generation++;
    this.#onChange?.();
  }

  generation(): number {
    return this.#generation;
  }

  setSynced(synced: boolean): void {
    if (this.#synced === synced) return;
    this.#synced = synced;
    this.#changed();
  }

  updateService(prev: ServiceObject | null, curr: ServiceObject | null): void {
    if (prev) this.#services.delete(key(prev.metadata.namespace, prev.metadata.name));
    if (curr) this.#services.set(key(curr.metadata.namespace, curr.metadata.name), serviceRecord(curr));
    this.#changed();
  }

  updateEndpointSlice(prev: EndpointSliceObject | null, curr: EndpointSliceObject | null): void {
    if (prev) {
      const sk = key(prev.metadata.namespace, prev.metadata.name);
      const owner = this.#sliceOwner.get(sk);
      if (owner) {
        this.#slices.get(owner)?.delete(sk);
        if (this.#slices.get(owner)?.size === 0) this.#slices.delete(owner);
      }
      this.#sliceOwner.delete(sk);
    }
    if (curr) {
      const svc = curr.metadata.labels?.[LABEL_SERVICE_NAME];
      const subset = endpointSubset(curr);
      if (svc && subset) {
        const sk = key(curr.metadata.namespace, curr.metadata.name);
        const owner = key(curr.metadata.namespace, svc);
        this.#sliceOwner.set(sk, owner);
        let m = this.#slices.get(owner);
        if (!m) this.#slices.set(owner, (m = new Map()));
        m.set(sk, subset);
      }
    }
    this.#changed();
  }

  updateNamespace(prev: KubeObject | null, curr: KubeObject | null): void {
    if (prev) this.#namespaces.delete(prev.metadata.name ?? '');
    if (curr) this.#namespaces.add(curr.metadata.name ?? '');
    this.#changed();
  }

  synced(): boolean {
    return this.#synced;
  }

  serial(): number {
    return this.#serial;
  }

  namespaceExists(namespace: string): boolean {
    return this.#namespaces.has(namespace);
  }

  service(namespace: string, name: string): ServiceRecord | undefined {
    return this.#services.get(key(namespace, name));
  }

  endpoints(namespace: string, name: string): readonly EndpointSubset[] {
    const m = this.#slices.get(key(namespace, name));
    return m ? [...m.values()] : [];
  }

  servicesByClusterIP(ip: string): readonly ServiceRecord[] {
    if (!this.#byClusterIP) {
      const idx = new Map<string, ServiceRecord[]>();
      for (const svc of this.#sorted()) for (const cip of svc.clusterIPs) push(idx, cip, svc);
      this.#byClusterIP = idx;
    }
    return this.#byClusterIP.get(ip) ?? [];
  }

  endpointsByIP(ip: string): readonly EndpointOwner[] {
    if (!this.#byEndpointIP) {
      const idx = new Map<string, EndpointOwner[]>();
      for (const svc of this.#sorted()) {
        for (const subset of this.endpoints(svc.namespace, svc.name)) {
          for (const a of subset.addresses) push(idx, a.ip, { service: svc, hostname: a.hostname, ports: subset.ports });
        }
      }
      this.#byEndpointIP = idx;
    }
    return this.#byEndpointIP.get(ip) ?? [];
  }

  #sorted(): ServiceRecord[] {
    return [...this.#services.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
  }

  /** Counts for status and benchmarks. */
  size(): { services: number; endpointSlices: number; namespaces: number } {
    return { services: this.#services.size, endpointSlices: this.#sliceOwner.size, namespaces: this.#namespaces.size };
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
