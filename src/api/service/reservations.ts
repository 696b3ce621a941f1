/**
 * @module Bookkeeping that keeps Service allocations from leaking or being freed twice when a
 * write fails after allocation (a conflict the registry retries, a validation error, a dry
 * run). A `Reservation` is what one write attempt took, owned by the Service's uid; the
 * `PendingUpdates` ledger holds update attempts whose outcome is not known yet and settles
 * them against the stored object the next time that Service is written or deleted.
 *
 * Why the settlement is exact: every successful spec write is a compare-and-swap on the
 * resourceVersion the attempt read (its `baseRV`), and resourceVersions only grow. Once the
 * stored object has a resourceVersion newer than an attempt's base, that attempt has either
 * landed (and its values are in the stored object, or were dropped by a later write) or
 * failed; either way, whatever the owner holds that is neither stored nor reserved by an
 * attempt that may still land can be freed. Attempts based on the current version may still
 * land and keep their reservations.
 */
import type { AllocateResult } from './band-allocator.js';
import type { Holdings, ServiceAllocators } from './allocators.js';

/** The values one write attempt took for one Service. */
export class Reservation {
  readonly owner: string;
  readonly #alloc: ServiceAllocators;
  readonly #ips: number[] = [];
  readonly #ports: number[] = [];

  constructor(alloc: ServiceAllocators, owner: string) {
    this.#alloc = alloc;
    this.owner = owner;
  }

  /** Takes the address `value`, or any free one when undefined. */
  ip(value?: number): AllocateResult {
    const r = value === undefined ? this.#alloc.ips.allocateNext(this.owner) : this.#alloc.ips.allocate(value, this.owner);
    if (r.ok) this.#ips.push(r.value);
    return r;
  }

  /** Takes the node port `value`, or any free one when undefined. */
  port(value?: number): AllocateResult {
    const r = value === undefined ? this.#alloc.ports.allocateNext(this.owner) : this.#alloc.ports.allocate(value, this.owner);
    if (r.ok) this.#ports.push(r.value);
    return r;
  }

  get taken(): Holdings {
    return { ips: [...this.#ips], ports: [...this.#ports] };
  }

  /** Gives back everything taken (only what this owner still holds). Idempotent. */
  releaseAll(): void {
    this.#alloc.release({ ips: this.#ips.splice(0), ports: this.#ports.splice(0) }, this.owner);
  }
}

interface PendingUpdate {
  baseRV: number;
  reservation: Reservation;
}

/** Update attempts, per Service uid, whose store write may or may not have happened. */
export class PendingUpdates {
  readonly #alloc: ServiceAllocators;
  readonly #byOwner = new Map<string, PendingUpdate[]>();

  constructor(alloc: ServiceAllocators) {
    this.#alloc = alloc;
  }

  add(reservation: Reservation, baseRV: number): void {
    const list = this.#byOwner.get(reservation.owner) ?? [];
    list.push({ baseRV, reservation });
    this.#byOwner.set(reservation.owner, list);
  }

  /** Forgets one attempt (its outcome is known). */
  remove(reservation: Reservation): void {
    const list = (this.#byOwner.get(reservation.owner) ?? []).filter((p) => p.reservation !== reservation);
    if (list.length) this.#byOwner.set(reservation.owner, list);
    else this.#byOwner.delete(reservation.owner);
  }

  /** How many attempts of `owner` are unsettled (for tests and metrics). */
  count(owner: string): number {
    return this.#byOwner.get(owner)?.length ?? 0;
  }

  /**
   * Settles `owner`'s attempts against its stored object (`stored` holdings at resourceVersion
   * `storedRV`, freshly read): attempts based on an older version are over; values the owner
   * holds beyond the stored ones and those of attempts still in flight are freed.
   */
  reconcile(owner: string, { stored, storedRV }: { stored: Holdings; storedRV: number }): void {
    const alloc = this.#alloc;
    if (!Number.isFinite(storedRV)) return;
    const live = (this.#byOwner.get(owner) ?? []).filter((p) => p.baseRV >= storedRV);
    if (live.length) this.#byOwner.set(owner, live);
    else this.#byOwner.delete(owner);
    const keepIPs = new Set(stored.ips);
    const keepPorts = new Set(stored.ports);
    for (const p of live) {
      const t = p.reservation.taken;
      t.ips.forEach((v) => keepIPs.add(v));
      t.ports.forEach((v) => keepPorts.add(v));
    }
    const owned = alloc.ownedBy(owner);
    alloc.release({ ips: owned.ips.filter((v) => !keepIPs.has(v)), ports: owned.ports.filter((v) => !keepPorts.has(v)) }, owner);
  }

  /** Drops every attempt of a deleted Service. */
  forget(owner: string): void {
    this.#byOwner.delete(owner);
  }
}
