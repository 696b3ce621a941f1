/**
 * @module kube-proxy's ServiceChangeTracker + EndpointsChangeTracker in one: informer handlers
 * reduce to `updateService(prev, curr)` / `updateSlice(prev, curr)` (add is `(null, x)`, delete is
 * `(x, null)`); changes that cannot alter the rules (status-only churn, resourceVersion bumps)
 * drop out; `take()` recomputes only the Services touched since the last call and returns the
 * whole desired state with the keys that changed. A recomputed port equal to the one before
 * (trigger time aside) keeps its old object, and the sorted array is merged (the new ports
 * placed by binary search) in place of a new sort, so a take costs what changed plus one copy
 * of the array (the backends cache renderings by port object, and find changed keys through
 * the port index the tracker keeps, port-index.ts). Also collects the slices'
 * last-change-trigger-times for network_programming_duration_seconds. Pure (no I/O, no timers).
 */
import { registerPortIndex, withdrawPortIndex } from '../port-index.js';
import { servicePortKey, type DesiredState, type ProxyNodeConfig, type ServicePortState } from '../types.js';
import { sameServicePort, serviceState } from './desired.js';
import { sliceService, sliceTriggerTime } from './endpoints.js';
import { compareServicePorts } from './service-ports.js';
import type { ProxyEndpointSlice, ProxyService } from './views.js';

export interface ChangeTrackerOptions {
  node: ProxyNodeConfig;
  nodeZone?: string;
  /** Trigger times not after this (ms since the epoch) are not observed: they predate the proxy. */
  startTimeMs?: number;
}

export interface TrackerResult {
  state: DesiredState;
  /** Keys (`servicePortKey`) added, removed or changed since the previous `take()`. */
  changed: Set<string>;
  /** Trigger times (ms) of the slice changes folded into this result. */
  triggerTimes: number[];
}

function objectId(obj: { metadata: { namespace?: string; name?: string } }): string {
  return `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name ?? ''}`;
}

/** What of a Service the proxy reads (status only for the LoadBalancer ingress). */
function serviceFacts(svc: ProxyService | null): string {
  if (!svc) return '';
  return JSON.stringify([svc.metadata.labels ?? {}, svc.metadata.annotations ?? {}, svc.spec ?? {}, svc.status?.loadBalancer ?? {}]);
}

function sliceFacts(slice: ProxyEndpointSlice | null): string {
  if (!slice) return '';
  return JSON.stringify([sliceService(slice) ?? '', slice.addressType, slice.endpoints ?? [], slice.ports ?? []]);
}

export class ChangeTracker {
  readonly #o: ChangeTrackerOptions;
  readonly #services = new Map<string, ProxyService>();
  /** Service id → slice id → slice. */
  readonly #slices = new Map<string, Map<string, ProxyEndpointSlice>>();
  readonly #ports = new Map<string, ServicePortState[]>();
  /** The last state's sorted ports (never mutated once handed out). */
  #sorted: ServicePortState[] | undefined;
  /** Key → port of the ports in #ports: the port index of #sorted (port-index.ts) while it is the newest. */
  readonly #byKey = new Map<string, ServicePortState>();
  #dirty = new Set<string>();
  #triggerTimes: number[] = [];

  constructor(options: ChangeTrackerOptions) {
    this.#o = options;
  }

  /** Records a Service change; returns false when nothing the proxy reads changed. */
  updateService(prev: ProxyService | null, curr: ProxyService | null): boolean {
    const obj = curr ?? prev;
    if (!obj) return false;
    const id = objectId(obj);
    if (curr) this.#services.set(id, curr);
    else this.#services.delete(id);
    // An add or a delete always changes the facts (only `null` has the facts ''): no text for it.
    if (prev && curr && serviceFacts(prev) === serviceFacts(curr)) return false;
    this.#dirty.add(id);
    return true;
  }

  /** Records an EndpointSlice change; returns false when nothing the proxy reads changed. */
  updateSlice(prev: ProxyEndpointSlice | null, curr: ProxyEndpointSlice | null): boolean {
    const oldSvc = prev ? sliceService(prev) : undefined;
    const newSvc = curr ? sliceService(curr) : undefined;
    const sliceId = objectId((curr ?? prev)!);
    if (oldSvc && oldSvc !== newSvc) this.#slices.get(oldSvc)?.delete(sliceId);
    if (newSvc && curr) {
      let m = this.#slices.get(newSvc);
      if (!m) this.#slices.set(newSvc, (m = new Map()));
      m.set(sliceId, curr);
    }
    if (prev && curr && sliceFacts(prev) === sliceFacts(curr)) return false;
    if (oldSvc) this.#dirty.add(oldSvc);
    if (newSvc) this.#dirty.add(newSvc);
    const t = curr ? sliceTriggerTime(curr) : undefined;
    if (t !== undefined && t > (this.#o.startTimeMs ?? -Infinity) && t !== (prev ? sliceTriggerTime(prev) : undefined)) this.#triggerTimes.push(t);
    return true;
  }

  /** Whether some change waits for `take()`. */
  pending(): boolean {
    return this.#dirty.size > 0;
  }

  /** Recomputes the touched Services; the state, what changed, and the trigger times folded in. */
  take(): TrackerResult {
    const changed = new Set<string>();
    const gone = new Set<ServicePortState>();
    const added: ServicePortState[] = [];
    if (this.#dirty.size && this.#sorted) withdrawPortIndex(this.#sorted);
    for (const id of this.#dirty) {
      const svc = this.#services.get(id);
      const before = this.#ports.get(id) ?? [];
      const fresh = svc ? serviceState(svc, this.#slices.get(id)?.values() ?? [], { nodeName: this.#o.node.nodeName, nodeZone: this.#o.nodeZone }) : [];
      const old = new Map(before.map((sp) => [servicePortKey(sp), sp]));
      const after = fresh.map((sp) => {
        const prev = old.get(servicePortKey(sp));
        return prev && sameServicePort(prev, sp) ? prev : sp;
      });
      if (after.length) this.#ports.set(id, after);
      else this.#ports.delete(id);
      const kept = new Set(after);
      for (const sp of before) if (!kept.has(sp)) gone.add(sp);
      const had = new Set(before);
      for (const sp of after) if (!had.has(sp)) added.push(sp);
      for (const sp of after) {
        const key = servicePortKey(sp);
        const prev = old.get(key);
        old.delete(key);
        this.#byKey.set(key, sp);
        if (prev !== sp) changed.add(key);
      }
      for (const key of old.keys()) {
        changed.add(key);
        this.#byKey.delete(key);
      }
    }
    this.#dirty = new Set();
    if (this.#sorted && (gone.size || added.length)) this.#sorted = mergeSorted(this.#sorted, gone, added);
    if (this.#sorted) registerPortIndex(this.#sorted, this.#byKey);
    const triggerTimes = this.#triggerTimes;
    this.#triggerTimes = [];
    return { state: this.state(), changed, triggerTimes };
  }

  /** The desired state as of the last `take()` (changes since then not applied). */
  state(): DesiredState {
    if (!this.#sorted) {
      const servicePorts: ServicePortState[] = [];
      for (const ports of this.#ports.values()) servicePorts.push(...ports);
      servicePorts.sort(compareServicePorts);
      this.#sorted = servicePorts;
      registerPortIndex(servicePorts, this.#byKey);
    }
    return { node: this.#o.node, servicePorts: this.#sorted };
  }
}

/**
 * `sorted` without the ports of `gone`, with `added` in their places: what sorting the whole
 * state again gives (keys are unique), for a copy and a binary search per added port.
 */
function mergeSorted(sorted: readonly ServicePortState[], gone: ReadonlySet<ServicePortState>, added: ServicePortState[]): ServicePortState[] {
  added.sort(compareServicePorts);
  const out: ServicePortState[] = [];
  let from = 0;
  const copyUpTo = (end: number): void => {
    if (!gone.size) for (; from < end; from++) out.push(sorted[from]);
    else for (; from < end; from++) if (!gone.has(sorted[from])) out.push(sorted[from]);
  };
  for (const sp of added) {
    let lo = from;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareServicePorts(sorted[mid], sp) <= 0) lo = mid + 1;
      else hi = mid;
    }
    copyUpTo(lo);
    out.push(sp);
  }
  copyUpTo(sorted.length);
  return out;
}
