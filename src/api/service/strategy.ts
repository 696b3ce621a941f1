/**
 * @module The Service strategy: upstream's defaulting (SetDefaults_Service and the registry's
 * ipFamily defaults), ClusterIP and NodePort allocation on create and on type changes, release
 * on delete, and the validation of dataplane.md §4.3 with kube-apiserver's field paths.
 */
import type { FieldError } from '../errors.js';
import type { Strategy } from '../strategy.js';
import type { KubeObject } from '../types.js';
import { formatIPv4, parseIPv4, type ServiceAllocators } from './allocators.js';
import { serviceDefaults } from './defaults.js';
import { validateService, validateServiceUpdate, type ServiceView } from './validation.js';

function view(obj: KubeObject): ServiceView {
  return obj as unknown as ServiceView;
}

function needsClusterIP(svc: ServiceView): boolean {
  return svc.spec.type !== 'ExternalName' && svc.spec.clusterIP !== 'None';
}

function needsNodePorts(svc: ServiceView): boolean {
  return svc.spec.type === 'NodePort' || (svc.spec.type === 'LoadBalancer' && svc.spec.allocateLoadBalancerNodePorts !== false);
}

function goStrings(values: string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** What one Service holds: its ClusterIP and node ports. */
function holdings(svc: ServiceView): { ip?: number; ports: number[] } {
  const ip = svc.spec.clusterIP && svc.spec.clusterIP !== 'None' ? parseIPv4(svc.spec.clusterIP) : undefined;
  const ports = (svc.spec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number' && p > 0);
  return { ip, ports };
}

export function serviceStrategy(alloc: ServiceAllocators): Strategy {
  /** Allocations made by the current write, to undo if it fails. */
  const pending = new WeakMap<KubeObject, { ip?: number; ports: number[] }>();

  function allocate(obj: KubeObject, prev: ServiceView | undefined): FieldError[] {
    const svc = view(obj);
    const taken: { ip?: number; ports: number[] } = { ports: [] };
    const errors: FieldError[] = [];
    const had = prev ? holdings(prev) : { ports: [] as number[] };
    if (needsClusterIP(svc)) {
      const requested = svc.spec.clusterIP ?? '';
      if (!requested) {
        if (prev && had.ip !== undefined) {
          svc.spec.clusterIP = formatIPv4(had.ip);
        } else {
          const got = alloc.ips.allocateNext();
          if (!got.ok) errors.push({ type: 'InternalError', field: 'spec.clusterIPs', detail: `Internal error: failed to allocate a serviceIP: range is full` });
          else {
            taken.ip = got.value;
            svc.spec.clusterIP = formatIPv4(got.value);
          }
        }
      } else if (!(prev && had.ip !== undefined && parseIPv4(requested) === had.ip)) {
        const value = parseIPv4(requested);
        if (value !== undefined) {
          const got = alloc.ips.allocate(value);
          if (got.ok) taken.ip = value;
          else {
            const why = got.reason === 'taken'
              ? 'provided IP is already allocated'
              : `the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${alloc.serviceCIDR}`;
            errors.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', detail: `Invalid value: ${goStrings([requested])}: failed to allocate IP ${requested}: ${why}` });
          }
        }
      }
      if (svc.spec.clusterIP) svc.spec.clusterIPs = [svc.spec.clusterIP];
    }
    if (needsNodePorts(svc)) {
      const kept = new Set(had.ports);
      (svc.spec.ports ?? []).forEach((port, i) => {
        if (typeof port.nodePort === 'number' && port.nodePort > 0) {
          if (kept.has(port.nodePort)) {
            kept.delete(port.nodePort);
            return;
          }
          const got = alloc.ports.allocate(port.nodePort);
          if (got.ok) taken.ports.push(port.nodePort);
          else {
            const { first, last } = alloc.nodePortRange;
            const why = got.reason === 'taken' ? 'provided port is already allocated' : `provided port is not in the valid range. The range of valid ports is ${first}-${last}`;
            errors.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, detail: `Invalid value: ${port.nodePort}: ${why}` });
          }
          return;
        }
        // Upstream reuses one node port for the same port number across protocols.
        const twin = (svc.spec.ports ?? []).slice(0, i).find((p) => p.port === port.port && p.nodePort);
        if (twin) {
          port.nodePort = twin.nodePort;
          return;
        }
        const got = alloc.ports.allocateNext();
        if (!got.ok) errors.push({ type: 'InternalError', field: `spec.ports[${i}].nodePort`, detail: 'Internal error: failed to allocate a nodePort: range is full' });
        else {
          taken.ports.push(got.value);
          port.nodePort = got.value;
        }
      });
    }
    pending.set(obj, taken);
    if (errors.length) release(taken);
    return errors;
  }

  function release(h: { ip?: number; ports: number[] }): void {
    if (h.ip !== undefined) alloc.ips.release(h.ip);
    for (const p of h.ports) alloc.ports.release(p);
  }

  /** What prev held that next no longer does. */
  function releaseDropped(next: ServiceView, prev: ServiceView): void {
    const now = holdings(next);
    const before = holdings(prev);
    if (before.ip !== undefined && before.ip !== now.ip) alloc.ips.release(before.ip);
    const kept = new Set(now.ports);
    for (const p of before.ports) if (!kept.has(p)) alloc.ports.release(p);
  }

  const errorsOf = new WeakMap<KubeObject, FieldError[]>();

  return {
    prepareForCreate(obj) {
      serviceDefaults(obj);
      obj.status = { loadBalancer: {} };
      const preErrors = validateService(view(obj));
      if (preErrors.length) {
        errorsOf.set(obj, preErrors);
        return;
      }
      errorsOf.set(obj, allocate(obj, undefined));
    },
    validate(obj) {
      return errorsOf.get(obj) ?? validateService(view(obj));
    },
    rollbackCreate(obj) {
      const taken = pending.get(obj);
      if (taken) release(taken);
      pending.delete(obj);
    },
    prepareForUpdate(next, prev) {
      serviceDefaults(next);
      const nextSvc = view(next);
      const prevSvc = view(prev);
      // Leaving a type drops what it needed (a ClusterIP for ExternalName, node ports for ClusterIP).
      if (nextSvc.spec.type === 'ExternalName') {
        delete nextSvc.spec.clusterIP;
        delete nextSvc.spec.clusterIPs;
      }
      if (!needsNodePorts(nextSvc) && needsNodePorts(prevSvc)) for (const p of nextSvc.spec.ports ?? []) delete p.nodePort;
      const preErrors = [...validateService(nextSvc), ...validateServiceUpdate(nextSvc, prevSvc)];
      if (preErrors.length) {
        errorsOf.set(next, preErrors);
        return;
      }
      const errs = allocate(next, prevSvc);
      errorsOf.set(next, errs);
      if (!errs.length) releaseDropped(nextSvc, prevSvc);
    },
    validateUpdate(next) {
      return errorsOf.get(next) ?? [];
    },
    afterDelete(obj) {
      release(holdings(view(obj)));
    },
  };
}

/** Marks the addresses and ports of stored Services as used (at start, before serving). */
export function repairAllocations(alloc: ServiceAllocators, services: KubeObject[]): void {
  for (const obj of services) {
    const h = holdings(view(obj));
    if (h.ip !== undefined) alloc.ips.allocate(h.ip);
    for (const p of h.ports) alloc.ports.allocate(p);
  }
}
