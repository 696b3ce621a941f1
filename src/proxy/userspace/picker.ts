/**
 * @module Endpoint choice for one proxied address (upstream's userspace LoadBalancerRR, as it
 * was in pkg/proxy/userspace/roundrobin.go): round-robin over the endpoints, and with ClientIP
 * affinity the endpoint a client IP used last, while it was used within the timeout. Pure:
 * time comes from the caller.
 */
import type { ProxyEndpoint } from '../types.js';
import { inLocalSources, type ListenerSpec } from './plan.js';

/** `ip:port`, how endpoints are compared (affinity entries, exclusions, flows). */
export function endpointKey(ep: Pick<ProxyEndpoint, 'ip' | 'port'>): string {
  return `${ep.ip}:${ep.port}`;
}

export interface PickOptions {
  /** Ignore (and replace) the client's affinity: a retry after its endpoint failed. */
  resetAffinity?: boolean;
  /** Endpoints (by endpointKey) not to pick, e.g. those that refused this connection already. */
  exclude?: ReadonlySet<string>;
}

interface Affinity {
  endpoint: string;
  lastUsedMs: number;
}

/** How many picks between sweeps of expired affinity entries. */
const SWEEP_EVERY = 1024;

export class EndpointPicker {
  #endpoints: ProxyEndpoint[] = [];
  #next = 0;
  #stickyMs = 0;
  #affinity = new Map<string, Affinity>();
  #picks = 0;

  constructor(endpoints: ProxyEndpoint[], options: { stickyMaxAgeSeconds: number }) {
    this.update(endpoints, options);
  }

  /**
   * Replaces the endpoints and the affinity timeout. The round-robin position is kept (modulo
   * the new count); affinity entries for endpoints that left are dropped; turning affinity off
   * drops them all.
   */
  update(endpoints: ProxyEndpoint[], options: { stickyMaxAgeSeconds: number }): void {
    this.#endpoints = [...endpoints];
    this.#next = this.#endpoints.length ? this.#next % this.#endpoints.length : 0;
    this.#stickyMs = options.stickyMaxAgeSeconds * 1000;
    if (!this.#stickyMs) this.#affinity.clear();
    const live = new Set(this.#endpoints.map(endpointKey));
    for (const [ip, a] of this.#affinity) if (!live.has(a.endpoint)) this.#affinity.delete(ip);
  }

  get endpoints(): readonly ProxyEndpoint[] {
    return this.#endpoints;
  }

  /**
   * The endpoint for a new connection (or UDP flow) from `clientIP` at `nowMs`, or undefined
   * when there is none to pick (no endpoints, or all excluded).
   */
  pick(clientIP: string, nowMs: number, options: PickOptions = {}): ProxyEndpoint | undefined {
    const n = this.#endpoints.length;
    if (!n) return undefined;
    if (++this.#picks % SWEEP_EVERY === 0) this.sweep(nowMs);
    if (this.#stickyMs && !options.resetAffinity) {
      const a = this.#affinity.get(clientIP);
      if (a && nowMs - a.lastUsedMs < this.#stickyMs && !options.exclude?.has(a.endpoint)) {
        const ep = this.#endpoints.find((e) => endpointKey(e) === a.endpoint);
        if (ep) {
          a.lastUsedMs = nowMs;
          return ep;
        }
      }
    }
    for (let tried = 0; tried < n; tried++) {
      const ep = this.#endpoints[this.#next];
      this.#next = (this.#next + 1) % n;
      if (options.exclude?.has(endpointKey(ep))) continue;
      if (this.#stickyMs) this.#affinity.set(clientIP, { endpoint: endpointKey(ep), lastUsedMs: nowMs });
      return ep;
    }
    return undefined;
  }

  /** Drops affinity entries unused for longer than the timeout. */
  sweep(nowMs: number): void {
    for (const [ip, a] of this.#affinity) if (nowMs - a.lastUsedMs >= this.#stickyMs) this.#affinity.delete(ip);
  }

  /** Client IPs with a live affinity entry (for rules output and tests). */
  affinityEntries(): Array<{ clientIP: string; endpoint: string; lastUsedMs: number }> {
    return [...this.#affinity].map(([clientIP, a]) => ({ clientIP, ...a }));
  }
}

/**
 * A listener's pickers: one over its endpoints and, under externalTrafficPolicy Local, one over
 * the short-circuit endpoints for clients in its local sources (plan.ts). Both tcp- and
 * udp-listener pick through it.
 */
export class ListenerPickers {
  readonly main: EndpointPicker;
  #short: EndpointPicker | undefined;
  #sources: readonly string[] = [];

  constructor(spec: ListenerSpec) {
    this.main = new EndpointPicker(spec.endpoints, spec);
    this.update(spec);
  }

  update(spec: ListenerSpec): void {
    this.main.update(spec.endpoints, spec);
    this.#sources = spec.localSources ?? [];
    if (!spec.shortCircuitEndpoints?.length) this.#short = undefined;
    else if (this.#short) this.#short.update(spec.shortCircuitEndpoints, spec);
    else this.#short = new EndpointPicker(spec.shortCircuitEndpoints, spec);
  }

  /** The picker for a connection or flow from `clientIP`. */
  for(clientIP: string): EndpointPicker {
    return this.#short && inLocalSources(clientIP, this.#sources) ? this.#short : this.main;
  }

  /** `endpointKey`s of every endpoint either picker may pick. */
  liveKeys(): Set<string> {
    return new Set([...this.main.endpoints, ...(this.#short?.endpoints ?? [])].map(endpointKey));
  }
}
