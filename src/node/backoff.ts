/**
 * @module The kubelet's restart back-off (client-go flowcontrol.Backoff as the kubelet uses it):
 * per container, 10 s doubling to 5 min. A container that exits is restarted at once the first
 * time; after that it waits until `delay` has passed since it finished (CrashLoopBackOff). An
 * entry untouched for twice the maximum (10 min) starts over. The same shape, with the same
 * figures, paces image pulls (ImagePullBackOff). Pure: times are passed in.
 */
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  delay: number;
  lastUpdate: number;
}

export class Backoff {
  #entries = new Map<string, Entry>();
  readonly #initial: number;
  readonly #max: number;

  constructor(options: { initialMs?: number; maxMs?: number } = {}) {
    this.#initial = options.initialMs ?? INITIAL_BACKOFF_MS;
    this.#max = options.maxMs ?? MAX_BACKOFF_MS;
  }

  #expired(entry: Entry, eventTime: number): boolean {
    return eventTime - entry.lastUpdate > 2 * this.#max;
  }

  /** True while `now` is within the current delay after `eventTime` (when the container finished). */
  isInBackOffSince(key: string, eventTime: number, now: number): boolean {
    const entry = this.#entries.get(key);
    if (!entry || this.#expired(entry, eventTime)) return false;
    return now - eventTime < entry.delay;
  }

  /** Milliseconds until the back-off since `eventTime` ends (0 if it has). */
  remaining(key: string, eventTime: number, now: number): number {
    const entry = this.#entries.get(key);
    if (!entry || this.#expired(entry, eventTime)) return 0;
    return Math.max(0, eventTime + entry.delay - now);
  }

  /** The current delay (for messages: `back-off 20s restarting failed container=...`). */
  get(key: string): number {
    return this.#entries.get(key)?.delay ?? 0;
  }

  /** Records a restart: the first sets the initial delay, later ones double it up to the maximum. */
  next(key: string, now: number): void {
    const entry = this.#entries.get(key);
    if (!entry || this.#expired(entry, now)) this.#entries.set(key, { delay: this.#initial, lastUpdate: now });
    else this.#entries.set(key, { delay: Math.min(entry.delay * 2, this.#max), lastUpdate: now });
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }
}

/** `10s`, `1m20s`, `5m0s`: Go's Duration.String for whole seconds. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  return h > 0 ? `${h}h${m % 60}m${s % 60}s` : `${m}m${s % 60}s`;
}
