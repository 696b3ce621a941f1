/**
 * @module Allocation from a numbered range split in two bands (KEP-3070 for ClusterIPs, KEP-3668
 * for NodePorts): dynamic allocation scans the upper band from a random point and falls back to
 * the lower, "static", band only when the upper is full, so that addresses users pick by hand
 * (usually low ones) rarely collide with automatic ones.
 */

export type AllocateResult = { ok: true; value: number } | { ok: false; reason: 'taken' | 'out-of-range' | 'full' };

export class BandAllocator {
  readonly first: number;
  readonly last: number;
  readonly #offset: number;
  readonly #used = new Set<number>();
  readonly #random: () => number;

  /** Values first..last inclusive; the lower band is first..first+offset-1. */
  constructor(first: number, last: number, options: { offset: number; random?: () => number }) {
    this.first = first;
    this.last = last;
    this.#offset = Math.min(options.offset, last - first + 1);
    this.#random = options.random ?? Math.random;
  }

  get used(): number {
    return this.#used.size;
  }

  has(value: number): boolean {
    return this.#used.has(value);
  }

  /** Takes a specific value. */
  allocate(value: number): AllocateResult {
    if (value < this.first || value > this.last) return { ok: false, reason: 'out-of-range' };
    if (this.#used.has(value)) return { ok: false, reason: 'taken' };
    this.#used.add(value);
    return { ok: true, value };
  }

  /** Takes any free value, upper band first. */
  allocateNext(): AllocateResult {
    const split = this.first + this.#offset;
    return this.#scan(split, this.last) ?? this.#scan(this.first, split - 1) ?? { ok: false, reason: 'full' };
  }

  #scan(from: number, to: number): AllocateResult | undefined {
    const size = to - from + 1;
    if (size <= 0) return undefined;
    const start = Math.floor(this.#random() * size);
    for (let i = 0; i < size; i++) {
      const value = from + ((start + i) % size);
      if (!this.#used.has(value)) {
        this.#used.add(value);
        return { ok: true, value };
      }
    }
    return undefined;
  }

  release(value: number): void {
    this.#used.delete(value);
  }
}

/** KEP-3070's lower band size for a service CIDR with `size` addresses. */
export function ipBandOffset(size: number): number {
  return Math.min(Math.max(16, Math.floor(size / 16)), 256);
}

/** KEP-3668's lower band size for a node port range of `size` ports (ranges under 16 are not split). */
export function portBandOffset(size: number): number {
  if (size < 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / 32)), 128);
}
