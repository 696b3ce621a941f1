/**
 * @module ClusterIP, NodePort and health check port allocation for a Service create or update,
 * as kube-apiserver 1.33's registry does it (pkg/registry/core/service/storage/alloc.go:
 * allocateCreate, allocateUpdate, initNodePorts, updateNodePorts,
 * allocHealthCheckNodePort), with its error answers: a 422 naming the requested value, or a
 * 500 when a range is full. Values go into a `Reservation`; the caller releases it when the
 * write does not happen. Nothing is released here: values a Service stops using are freed
 * only once the write that drops them is stored.
 */
import { newInternalError, newInvalid, StatusError, type FieldError } from '../errors.js';
import { goRendered, goStringSlice, invalid } from '../validation/index.js';
import type { ServiceAllocators } from './allocators.js';
import { initIPFamilyFields } from './ip-families.js';
import { formatIPv4, parseIP } from './net.js';
import type { Reservation } from './reservations.js';
import {
  clusterIPs,
  ipFamilies,
  needsHealthCheck,
  needsNodePort,
  nodePortsOf,
  ports,
  shouldAllocateNodePorts,
  type ServiceView,
} from './service-view.js';

/** The families kubito's service CIDR serves: IPv4 only. */
export const CONFIGURED_FAMILIES = ['IPv4'] as const;

/** The allocators and the attempt's reservation. */
export interface AllocContext {
  alloc: ServiceAllocators;
  res: Reservation;
}

function invalidService(svc: ServiceView, errs: FieldError[]): StatusError {
  return newInvalid({ group: '', kind: 'Service' }, svc.metadata.name ?? '', errs);
}

/** A plain Go error reaching the handler: 500 with no reason, the error's text as message. */
function plainError(message: string): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
}

/** allocClusterIPs: one address per family, requested ones honoured or refused. */
function allocClusterIPs(svc: ServiceView, { alloc, res }: AllocContext): void {
  if (svc.spec.type === 'ExternalName') return;
  const list = [...clusterIPs(svc)];
  if (list.length && list[0] === 'None') return;
  ipFamilies(svc).forEach((_family, i) => {
    if (i >= list.length) list.push('');
  });
  svc.spec.clusterIPs = list;
  list.forEach((requested, i) => {
    if (requested === '') {
      const r = res.ip();
      if (!r.ok) throw newInternalError(`failed to allocate a serviceIP: ${alloc.ipError(0, r)}`);
      list[i] = formatIPv4(r.value);
    } else {
      // Families were checked before (initIPFamilyFields): this is an IPv4 address.
      const value = parseIP(requested)?.v4 ?? -1;
      const r = res.ip(value);
      if (!r.ok) {
        const detail = `failed to allocate IP ${requested}: ${alloc.ipError(value, r)}`;
        throw invalidService(svc, [invalid('spec.clusterIPs', goRendered(goStringSlice(list)), detail)]);
      }
    }
    if (i === 0) svc.spec.clusterIP = list[0];
  });
}

/** initNodePorts (create): ports sharing a port number share a node port. */
function initNodePorts(svc: ServiceView, { alloc, res }: AllocContext): void {
  const byPort = new Map<number, number>();
  const list = ports(svc);
  list.forEach((p, i) => {
    if (!p.nodePort && !shouldAllocateNodePorts(svc)) return; // only explicit requests
    const port = p.port ?? 0;
    const given = byPort.get(port) ?? 0;
    if (!given) {
      // Any port with this number and a requested node port, this one or a later one.
      const requested = list.find((q) => (q.port ?? 0) === port && q.nodePort)?.nodePort ?? 0;
      if (requested) {
        const r = res.port(requested);
        if (!r.ok) throw invalidService(svc, [invalid(`spec.ports[${i}].nodePort`, requested, alloc.portError(r))]);
        p.nodePort = requested;
        byPort.set(port, requested);
      } else {
        const r = res.port();
        if (!r.ok) throw newInternalError(`failed to allocate a nodePort: ${alloc.portError(r)}`);
        p.nodePort = r.value;
        byPort.set(port, r.value);
      }
    } else if (p.nodePort !== given) {
      if (!p.nodePort) p.nodePort = given;
      else {
        const r = res.port(p.nodePort);
        if (!r.ok) throw invalidService(svc, [invalid(`spec.ports[${i}].nodePort`, p.nodePort, alloc.portError(r))]);
      }
    }
  });
}

/** updateNodePorts: new and changed node ports are taken; kept ones stay. */
function updateNodePorts(next: ServiceView, prev: ServiceView, { alloc, res }: AllocContext): void {
  const old = new Set(nodePortsOf(prev));
  const takenHere = new Set<number>();
  const pairs = new Set<string>();
  ports(next).forEach((p, i) => {
    if (!p.nodePort && !shouldAllocateNodePorts(next)) return;
    if (p.nodePort) {
      if (!old.has(p.nodePort) && !takenHere.has(p.nodePort)) {
        const r = res.port(p.nodePort);
        if (!r.ok) throw invalidService(next, [invalid(`spec.ports[${i}].nodePort`, p.nodePort, alloc.portError(r))]);
        takenHere.add(p.nodePort);
      }
    } else {
      const r = res.port();
      if (!r.ok) throw newInternalError(`failed to allocate a nodePort: ${alloc.portError(r)}`);
      p.nodePort = r.value;
    }
    const pair = `${p.protocol ?? ''} ${p.nodePort}`;
    if (pairs.has(pair)) throw plainError(`duplicate nodePort: {${pair}}`);
    pairs.add(pair);
  });
}

/** allocHealthCheckNodePort: the requested port, or any. */
function allocHealthCheckNodePort(svc: ServiceView, { alloc, res }: AllocContext): void {
  const requested = svc.spec.healthCheckNodePort ?? 0;
  if (requested) {
    const r = res.port(requested);
    if (!r.ok) throw newInternalError(`failed to allocate requested HealthCheck NodePort ${requested}: ${alloc.portError(r)}`);
    return;
  }
  const r = res.port();
  if (!r.ok) throw newInternalError(`failed to allocate a HealthCheck NodePort 0: ${alloc.portError(r)}`);
  svc.spec.healthCheckNodePort = r.value;
}

function initFamilies(next: ServiceView, prev: ServiceView | undefined): void {
  const errs = initIPFamilyFields(next, { prev, configured: CONFIGURED_FAMILIES });
  if (errs.length) throw invalidService(next, errs);
}

/** allocateCreate: families, then addresses, then node ports, then the health check port. Throws a StatusError. */
export function allocateCreate(svc: ServiceView, ctx: AllocContext): void {
  initFamilies(svc, undefined);
  allocClusterIPs(svc, ctx);
  if (needsNodePort(svc)) initNodePorts(svc, ctx);
  if (needsHealthCheck(svc)) allocHealthCheckNodePort(svc, ctx);
}

/**
 * allocateUpdate: an ExternalName turning into another type gets addresses; NodePort and
 * LoadBalancer get their new node ports; a Service starting to need a health check port
 * gets one. (Single-stack: no secondary address is ever added.) Throws a StatusError.
 */
export function allocateUpdate(next: ServiceView, prev: ServiceView, ctx: AllocContext): void {
  initFamilies(next, prev);
  if (prev.spec.type === 'ExternalName' && next.spec.type !== 'ExternalName') allocClusterIPs(next, ctx);
  if (needsNodePort(next)) updateNodePorts(next, prev, ctx);
  if (!needsHealthCheck(prev) && needsHealthCheck(next)) allocHealthCheckNodePort(next, ctx);
}
