/**
 * @module Allocation from a numbered range split in two bands (KEP-3070 for ClusterIPs, KEP-3668
 * for NodePorts): dynamic allocation scans the upper band from a random point and falls back to
 * the lower, "static", band only when the upper is full, so that values users pick by hand
 * (usually low ones) rarely collide with automatic ones. Every used value records its owner
 * (a Service's uid), and a release names the owner: a stale release can never free a value
 * that now belongs to another Service.
 */

export type AllocateResult = { ok: true; value: number } | { ok: false; reason: 'taken' | 'out-of-range' | 'full' };

export interface BandAllocatorOptions {
  /** Size of the lower (static) band; 0 means one band. */
  offset: number;
  /** A number in [0, 1), as Math.random; inject a fixed one in tests. */
  random?: () => number;
}

export class BandAllocator {
  readonly first: number;
  readonly last: number;
  /** The first value of the upper (dynamic) band. */
  readonly split: number;
  readonly #owners = new Map<number, string>();
  readonly #byOwner = new Map<string, Set<number>>();
  readonly #random: () => number;

  /** Values first..last inclusive; the lower band is first..first+offset-1. */
  constructor(first: number, last: number, options: BandAllocatorOptions) {
    this.first = first;
    this.last = last;
    this.split = first + Math.min(Math.max(options.offset, 0), last - first + 1);
    this.#random = options.random ?? Math.random;
  }

  /** How many values are in use. */
  get used(): number {
    return this.#owners.size;
  }

  /** How many values there are in all. */
  get size(): number {
    return this.last - this.first + 1;
  }

  has(value: number): boolean {
    return this.#owners.has(value);
  }

  /** The owner of a used value, or undefined when it is free. */
  ownerOf(value: number): string | undefined {
    return this.#owners.get(value);
  }

  /** The values `owner` holds, in no particular order. */
  ownedBy(owner: string): number[] {
    return [...(this.#byOwner.get(owner) ?? [])];
  }

  inRange(value: number): boolean {
    return value >= this.first && value <= this.last;
  }

  /** Takes a specific value for `owner`: `out-of-range`, or `taken` when anyone (owner included) holds it. */
  allocate(value: number, owner: string): AllocateResult {
    if (!this.inRange(value)) return { ok: false, reason: 'out-of-range' };
    if (this.#owners.has(value)) return { ok: false, reason: 'taken' };
    this.#take(value, owner);
    return { ok: true, value };
  }

  /** Takes any free value for `owner`, upper band first; `full` when none is left. */
  allocateNext(owner: string): AllocateResult {
    const value = this.peekNext();
    if (value === undefined) return { ok: false, reason: 'full' };
    this.#take(value, owner);
    return { ok: true, value };
  }

  /** The value allocateNext would take, without taking it (dry run). */
  peekNext(): number | undefined {
    return this.#scan(this.split, this.last) ?? this.#scan(this.first, this.split - 1);
  }

  /** Frees `value` if `owner` holds it; returns whether it did. */
  release(value: number, owner: string): boolean {
    if (this.#owners.get(value) !== owner) return false;
    this.#owners.delete(value);
    const set = this.#byOwner.get(owner)!;
    set.delete(value);
    if (set.size === 0) this.#byOwner.delete(owner);
    return true;
  }

  #take(value: number, owner: string): void {
    this.#owners.set(value, owner);
    let set = this.#byOwner.get(owner);
    if (!set) this.#byOwner.set(owner, (set = new Set()));
    set.add(value);
  }

  /** A free value in from..to, scanning from a random start and wrapping around. */
  #scan(from: number, to: number): number | undefined {
    const size = to - from + 1;
    if (size <= 0) return undefined;
    const start = Math.min(size - 1, Math.floor(this.#random() * size));
    for (let i = 0; i < size; i++) {
      const value = from + ((start + i) % size);
      if (!this.#owners.has(value)) return value;
    }
    return undefined;
  }
}

/**
 * KEP-3070's lower band for a service CIDR of `size` addresses (network and broadcast
 * included): min(max(16, size/16), 256), and no split at all for 16 addresses or fewer.
 */
export function ipBandOffset(size: number): number {
  if (size <= 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / 16)), 256);
}

/** KEP-3668's lower band for `size` node ports: min(max(16, size/32), 128); none for 16 or fewer. */
export function portBandOffset(size: number): number {
  if (size <= 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / 32)), 128);
}
