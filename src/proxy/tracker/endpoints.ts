/**
 * @module A Service's EndpointSlices merged per service port, as kube-proxy's EndpointSliceCache
 * does (K/K pkg/proxy/endpointslicecache.go): ports match by name and protocol across slices,
 * endpoints are deduplicated by `ip:port` (a local copy wins), only IPv4 slices and the first
 * address of each endpoint count, nil conditions read as upstream reads them. Pure. An address
 * that is not an IPv4 address, or a port outside 1-65535, is skipped: API validation refuses
 * them, and rule text must never carry anything else.
 */
import { parseIPv4 } from '../../api/service/net.js';
import { endpointString, sortEndpoints, type Protocol, type ProxyEndpoint } from '../types.js';
import { ANNOTATION_TRIGGER_TIME, LABEL_HEADLESS, LABEL_SERVICE_NAME, type ProxyEndpointSlice } from './views.js';

/** The endpoints of one (port name, protocol) of a Service. */
export interface PortEndpoints {
  endpoints: ProxyEndpoint[];
  /** Per `ip:port`, the zones its hints name (for topology). */
  hints: Map<string, string[]>;
}

/** `<portName>/<protocol>`: how slice ports meet service ports. */
export function portKey(portName: string, protocol: Protocol): string {
  return `${portName}/${protocol}`;
}

/** The `<ns>/<service>` a slice belongs to, or undefined when kube-proxy ignores it. */
export function sliceService(slice: ProxyEndpointSlice): string | undefined {
  const labels = slice.metadata.labels ?? {};
  if (labels[LABEL_HEADLESS] !== undefined) return undefined;
  const svc = labels[LABEL_SERVICE_NAME];
  if (!svc) return undefined;
  return `${slice.metadata.namespace ?? 'default'}/${svc}`;
}

/** The slice's `last-change-trigger-time` in ms since the epoch, or undefined. */
export function sliceTriggerTime(slice: ProxyEndpointSlice): number | undefined {
  const text = slice.metadata.annotations?.[ANNOTATION_TRIGGER_TIME];
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Merges one Service's slices into endpoints per port key; `nodeName` decides `isLocal`. */
export function mergeSlices(slices: Iterable<ProxyEndpointSlice>, nodeName: string): Map<string, PortEndpoints> {
  const byPort = new Map<string, { set: Map<string, ProxyEndpoint>; hints: Map<string, string[]> }>();
  // Slices in name order, so which duplicate wins does not depend on arrival order.
  const sorted = [...slices].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0));
  for (const slice of sorted) {
    if ((slice.addressType ?? 'IPv4') !== 'IPv4') continue;
    for (const port of slice.ports ?? []) {
      // API validation keeps ports in 1-65535 and addresses IPs; a slice stored before it did
      // (or read from anywhere else) must not put other text into the rules.
      const portNumber = port.port;
      if (port.name === undefined || port.name === null || typeof portNumber !== 'number' || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) continue;
      const protocol: Protocol = port.protocol === 'UDP' || port.protocol === 'SCTP' ? port.protocol : 'TCP';
      const k = portKey(port.name, protocol);
      let entry = byPort.get(k);
      if (!entry) byPort.set(k, (entry = { set: new Map(), hints: new Map() }));
      for (const ep of slice.endpoints ?? []) {
        const ip = ep.addresses?.[0];
        if (!ip || parseIPv4(ip) === undefined) continue;
        const c = ep.conditions ?? {};
        const ready = c.ready ?? true;
        const isLocal = !!ep.nodeName && ep.nodeName === nodeName;
        const endpoint: ProxyEndpoint = {
          ip,
          port: portNumber,
          ready,
          // kube-proxy's `Serving == nil || *Serving`, not the API doc's "defer to ready".
          serving: c.serving ?? true,
          terminating: c.terminating ?? false,
          isLocal,
          ...(ep.nodeName ? { nodeName: ep.nodeName } : {}),
          ...(ep.zone ? { zone: ep.zone } : {}),
        };
        const id = endpointString(endpoint);
        if (!entry.set.has(id) || isLocal) {
          entry.set.set(id, endpoint);
          const zones = ep.hints?.forZones?.map((z) => z.name);
          if (zones) entry.hints.set(id, zones);
          else entry.hints.delete(id);
        }
      }
    }
  }
  const out = new Map<string, PortEndpoints>();
  for (const [k, { set, hints }] of byPort) out.set(k, { endpoints: sortEndpoints([...set.values()]), hints });
  return out;
}
