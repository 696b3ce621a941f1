/**
 * @module The Service strategy: kube-apiserver 1.33's Service write path on kubito's Strategy
 * hooks. Create: SetDefaults_Service, normalizeClusterIPs, allocation (IP families,
 * ClusterIPs, NodePorts, health check port), then ValidateService. Update: defaults,
 * patchAllocatedValues, normalizeClusterIPs, allocation for the type change, then
 * dropTypeDependentFields and ValidateServiceUpdate. Delete frees what the Service held.
 *
 * Allocation safety. A create's values are released by `rollbackCreate` when the write fails.
 * An update never frees anything before its write is stored: values a Service stops using
 * (node ports on NodePort→ClusterIP, the address on →ExternalName) and values taken by an
 * attempt that did not land are settled by `PendingUpdates` the next time the Service is
 * written (the registry's conflict retry included) or deleted, or at once by `finishUpdate`
 * when the registry calls it (the hook this module asks for; see ServiceStrategy).
 */
import type { Strategy, StrategyContext } from '../strategy.js';
import type { KubeObject } from '../types.js';
import { allocateCreate, allocateUpdate } from './allocate.js';
import type { ServiceAllocators } from './allocators.js';
import { serviceDefaults } from './defaults.js';
import { PendingUpdates, Reservation } from './reservations.js';
import { asService, holdingsOf, type ServiceView } from './service-view.js';
import { defaultOnRead, dropTypeDependentFields, normalizeClusterIPs, patchAllocatedValues } from './transitions.js';
import { validateService, validateServiceStatusUpdate, validateServiceUpdate } from './validation.js';
import { serviceWarnings } from './warnings.js';

/**
 * The Strategy plus the hook that makes update allocation exact without waiting for the next
 * write: `finishUpdate(next, prev, committed)`, to be called once for every
 * `prepareForUpdate` that returned, after the store write (committed = true) or when the
 * update stops short of it (validation error, dry run, unchanged object, store conflict or
 * error: committed = false). Upstream's registry has the same hook (BeginUpdate's FinishFunc).
 */
export interface ServiceStrategy extends Strategy {
  finishUpdate(next: KubeObject, prev: KubeObject, committed: boolean): void;
}

/** Allocations are owned by the Service's uid (set by the registry before the hooks run). */
function ownerOf(obj: KubeObject): string {
  return obj.metadata.uid || `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

function resourceVersion(obj: KubeObject): number {
  const rv = obj.metadata.resourceVersion;
  return rv && /^[0-9]+$/.test(rv) ? Number(rv) : Number.NaN;
}

/** Upstream drops internalTrafficPolicy from ExternalName Services when reading them. */
function dropExternalNameInternalPolicy(svc: ServiceView): void {
  if (svc.spec.type === 'ExternalName') delete svc.spec.internalTrafficPolicy;
}

interface UpdateState {
  reservation: Reservation;
  /** The stored object as upstream reads it (defaultOnRead), for validation and settlement. */
  before: ServiceView;
}

export function serviceStrategy(alloc: ServiceAllocators): ServiceStrategy {
  const pending = new PendingUpdates(alloc);
  const creates = new WeakMap<KubeObject, Reservation>();
  const updates = new WeakMap<KubeObject, UpdateState>();

  /** Runs an allocation step; on failure gives back what it took and rethrows. */
  function allocating(res: Reservation, step: () => void): void {
    try {
      step();
    } catch (err) {
      res.releaseAll();
      throw err;
    }
  }

  return {
    prepareForCreate(obj: KubeObject, ctx: StrategyContext) {
      serviceDefaults(obj);
      const svc = asService(obj);
      normalizeClusterIPs(svc);
      const res = new Reservation(alloc, ownerOf(obj));
      allocating(res, () => allocateCreate(svc, { alloc, res }));
      // A dry run checks that allocation would succeed but keeps nothing.
      if (ctx.dryRun) res.releaseAll();
      else creates.set(obj, res);
      svc.status = { loadBalancer: {} };
      dropExternalNameInternalPolicy(svc);
    },

    validate(obj: KubeObject) {
      return validateService(asService(obj));
    },

    warningsOnCreate(obj: KubeObject) {
      return serviceWarnings(asService(obj));
    },

    warningsOnUpdate(next: KubeObject) {
      return serviceWarnings(asService(next));
    },

    rollbackCreate(obj: KubeObject) {
      creates.get(obj)?.releaseAll();
      creates.delete(obj);
    },

    prepareForUpdate(next: KubeObject, prev: KubeObject, ctx: StrategyContext) {
      serviceDefaults(next);
      const svc = asService(next);
      const before = structuredClone(asService(prev));
      defaultOnRead(before, 'IPv4');
      patchAllocatedValues(svc, before);
      normalizeClusterIPs(svc, before);
      const owner = ownerOf(prev);
      const baseRV = resourceVersion(prev);
      // `prev` was just read from the store: settle earlier attempts against it.
      if (!ctx.dryRun) pending.reconcile(owner, { stored: holdingsOf(before), storedRV: baseRV });
      const res = new Reservation(alloc, owner);
      allocating(res, () => allocateUpdate(svc, before, { alloc, res }));
      if (ctx.dryRun) res.releaseAll();
      else pending.add(res, Number.isFinite(baseRV) ? baseRV : Number.POSITIVE_INFINITY);
      svc.status = structuredClone(before.status ?? {});
      dropTypeDependentFields(svc, before);
      dropExternalNameInternalPolicy(svc);
      updates.set(next, { reservation: res, before });
    },

    validateUpdate(next: KubeObject, prev: KubeObject, subresource?: string) {
      if (subresource === 'status') return validateServiceStatusUpdate(asService(next));
      const state = updates.get(next);
      const errs = validateServiceUpdate(asService(next), state?.before ?? asService(prev));
      // An invalid update is never written: give its reservations back now.
      if (errs.length && state) {
        pending.remove(state.reservation);
        state.reservation.releaseAll();
        updates.delete(next);
      }
      return errs;
    },

    finishUpdate(next: KubeObject, _prev: KubeObject, committed: boolean) {
      const state = updates.get(next);
      if (!state) return;
      updates.delete(next);
      pending.remove(state.reservation);
      if (!committed) {
        state.reservation.releaseAll();
        return;
      }
      // The write replaced `before`: what it held and `next` does not is free now.
      const now = holdingsOf(asService(next));
      const old = holdingsOf(state.before);
      alloc.release(
        { ips: old.ips.filter((v) => !now.ips.includes(v)), ports: old.ports.filter((v) => !now.ports.includes(v)) },
        state.reservation.owner,
      );
    },

    afterDelete(obj: KubeObject) {
      const owner = ownerOf(obj);
      // Everything the Service owned: its stored values and those of attempts that will now fail.
      alloc.release(alloc.ownedBy(owner), owner);
      pending.forget(owner);
    },
  };
}

/**
 * Marks the addresses and ports of stored Services as used, each by its Service's uid (at
 * start, before serving). Returns the "ns/name" of Services whose values another already holds.
 */
export function repairAllocations(alloc: ServiceAllocators, services: KubeObject[]): string[] {
  const conflicts: string[] = [];
  for (const obj of services) {
    const svc = structuredClone(asService(obj));
    defaultOnRead(svc, 'IPv4');
    const clash = alloc.claim(holdingsOf(svc), ownerOf(obj));
    if (clash.ips.length || clash.ports.length) conflicts.push(`${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`);
  }
  return conflicts;
}
