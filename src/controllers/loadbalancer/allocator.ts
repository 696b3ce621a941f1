/**
 * @module Which Service holds which pool address: one address per Service (so Services never
 * share an address, and any number of them can use the same port), the lowest free address
 * for a Service that asks for none, the requested one (`spec.loadBalancerIP`) when it is in the
 * pool and free. Pure state: no I/O, no clock. Owners are `namespace/name` keys.
 */
import { formatIPv4, parseIPv4 } from '../../api/service/allocators.js';
import { inPool, poolRange, poolSize, type Pool } from './pool.js';

/** Why a Service gets no address. `retryable`: a release elsewhere may change the answer. */
export interface AllocationFailure {
  ok: false;
  reason: 'invalid' | 'out-of-pool' | 'taken' | 'exhausted';
  message: string;
  retryable: boolean;
}

/** `changed`: the owner did not hold `ip` before this call. */
export type Allocation = { ok: true; ip: string; changed: boolean } | AllocationFailure;

export class LoadBalancerIPAllocator {
  readonly pool: Pool;
  readonly #byOwner = new Map<string, number>();
  readonly #byIP = new Map<number, string>();

  constructor(pool: Pool) {
    this.pool = pool;
  }

  /** Addresses in use. */
  get used(): number {
    return this.#byIP.size;
  }

  ipOf(owner: string): string | undefined {
    const ip = this.#byOwner.get(owner);
    return ip === undefined ? undefined : formatIPv4(ip);
  }

  ownerOf(ip: string): string | undefined {
    const value = parseIPv4(ip);
    return value === undefined ? undefined : this.#byIP.get(value);
  }

  /**
   * Records that `owner` holds `ip` (rebuilding from stored status). False, and nothing
   * recorded, if the address is not a usable pool address, is held by another owner, or the
   * owner already holds a different one.
   */
  claim(owner: string, ip: string): boolean {
    const value = parseIPv4(ip);
    if (value === undefined || !inPool(this.pool, value)) return false;
    const holder = this.#byIP.get(value);
    if (holder !== undefined) return holder === owner;
    if (this.#byOwner.has(owner)) return false;
    this.#take(owner, value);
    return true;
  }

  /**
   * Makes `owner` hold an address: `requested` if given, else the one it holds, else the
   * lowest free one. A request the owner cannot have releases what it held: its status must
   * not advertise an address it no longer asks for.
   */
  ensure(owner: string, requested?: string): Allocation {
    const held = this.#byOwner.get(owner);
    if (!requested) {
      if (held !== undefined) return { ok: true, ip: formatIPv4(held), changed: false };
      const free = this.#lowestFree();
      if (free === undefined) {
        return fail('exhausted', { retryable: true, message: `no free IP in the load balancer pool ${this.pool.cidr}: all ${poolSize(this.pool)} addresses are in use` });
      }
      this.#take(owner, free);
      return { ok: true, ip: formatIPv4(free), changed: true };
    }
    const value = parseIPv4(requested);
    if (value === held && value !== undefined) return { ok: true, ip: requested, changed: false };
    let failure: AllocationFailure | undefined;
    if (value === undefined) {
      failure = fail('invalid', { retryable: false, message: `spec.loadBalancerIP ${JSON.stringify(requested)} is not a valid IPv4 address` });
    } else if (!inPool(this.pool, value)) {
      failure = fail('out-of-pool', { retryable: false, message: `spec.loadBalancerIP ${requested} is not in the load balancer pool ${this.pool.cidr} (usable: ${poolRange(this.pool)})` });
    } else if (this.#byIP.has(value)) {
      failure = fail('taken', { retryable: true, message: `spec.loadBalancerIP ${requested} is already used by Service ${this.#byIP.get(value)}` });
    }
    if (held !== undefined) this.release(owner);
    if (failure) return failure;
    this.#take(owner, value!);
    return { ok: true, ip: requested, changed: true };
  }

  /** Frees what `owner` holds; returns that address, if any. */
  release(owner: string): string | undefined {
    const held = this.#byOwner.get(owner);
    if (held === undefined) return undefined;
    this.#byOwner.delete(owner);
    this.#byIP.delete(held);
    return formatIPv4(held);
  }

  #take(owner: string, ip: number): void {
    this.#byOwner.set(owner, ip);
    this.#byIP.set(ip, owner);
  }

  /** Lowest first: scans past the used addresses only, so O(used). */
  #lowestFree(): number | undefined {
    for (let ip = this.pool.first; ip <= this.pool.last; ip++) if (!this.#byIP.has(ip)) return ip;
    return undefined;
  }
}

function fail(reason: AllocationFailure['reason'], details: { retryable: boolean; message: string }): AllocationFailure {
  return { ok: false, reason, ...details };
}

/** A Service that held an address before a restart, as its stored status says. */
export interface PreviousHolder {
  owner: string;
  /** status.loadBalancer.ingress[].ip, in order. */
  ips: string[];
  /** metadata.creationTimestamp: on a conflict the older Service keeps the address. */
  createdAt: string;
}

/**
 * Rebuilds the allocation from stored status, so a restarted control plane keeps every
 * Service's address. Each holder claims its first pool address; when two claim the same one,
 * the older Service (then the smaller key) wins and the other is given a new one by its sync.
 */
export function rebuildAllocations(allocator: LoadBalancerIPAllocator, holders: readonly PreviousHolder[]): void {
  const ordered = [...holders].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
  for (const holder of ordered) {
    for (const ip of holder.ips) if (allocator.claim(holder.owner, ip)) break;
  }
}
