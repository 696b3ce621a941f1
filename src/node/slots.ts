/**
 * @module A FIFO bound on concurrent work (a counting semaphore): `run(fn)` waits for a free slot
 * in the order of the calls, runs fn, frees the slot. The agent starts pods through one: with
 * 50 pods at once, all of them setting up together share the CPU and all finish late; a few at a
 * time, in the order they came, finish one after another (the median pod is Running in half the
 * time), and the API requests and the agent's own work are not starved by a crowd of processes.
 */
export class Slots {
  readonly size: number;
  #busy = 0;
  #waiting: Array<() => void> = [];
  #idle: Array<() => void> = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`slots: size must be a positive integer, not ${size}`);
    this.size = size;
  }

  /** Work running now. */
  get busy(): number {
    return this.#busy;
  }

  /** Work waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves once no work runs or waits (at once when none does). */
  idle(): Promise<void> {
    if (this.#busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#busy >= this.size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#busy++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next in line (busy stays the same), or is freed.
      const next = this.#waiting.shift();
      if (next) next();
      else if (--this.#busy === 0) for (const resolve of this.#idle.splice(0)) resolve();
    }
  }
}

/** The agent's start slots: `KUBITO_START_SLOTS` (an integer 1-128, for measuring) or `fallback`. */
export function startSlotsFromEnv(env: Record<string, string | undefined>, fallback: number): number {
  const n = Number(env.KUBITO_START_SLOTS);
  return env.KUBITO_START_SLOTS && Number.isInteger(n) && n >= 1 && n <= 128 ? n : fallback;
}
