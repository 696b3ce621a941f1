/**
 * @module The proxy loop (kube-proxy's `SyncLoop` with its BoundedFrequencyRunner): informer
 * events feed the change tracker; a sync runs at most once per `minSyncPeriodMs` (bursts of
 * changes coalesce into one), never two at once, and hands the backend the desired state with
 * the changed keys — or `'all'` for the first sync, after a failure and every
 * `fullSyncPeriodMs`. A failed sync is retried with back-off (100 ms doubling to `syncPeriodMs`).
 * Every `syncPeriodMs` a sync runs even without changes.
 *
 * Bursts: a sync that carried more than one changed key says changes come faster than syncs;
 * the next one then starts no sooner than `burstFactor` times that sync's duration after it
 * ended (default 1: the proxy busy at most half the time; at most `maxBurstPeriodMs`,
 * upstream's 1 s minSyncPeriod), so that a stream of changes (thousands of Services created)
 * costs a bounded share of the agent — each sync pays a process and a walk of the state
 * whatever it carries — while a single change on a quiet cluster still syncs after
 * `minSyncPeriodMs` at most. While changes keep coming, sync starts are also at least
 * `burstSyncPeriodMs` (250 ms; the agent's `--min-sync-period`) apart. Metrics: sync durations, and the
 * network programming latency of each slice change (from its last-change-trigger-time).
 */
import type { Clock, TimerHandle } from '../client/index.js';
import { ProxyMetrics } from './metrics.js';
import { ChangeTracker } from './tracker/change-tracker.js';
import type { ProxyEndpointSlice, ProxyService } from './tracker/views.js';
import type { DesiredState, ProxyBackend, ProxyNodeConfig } from './types.js';

/**
 * Default least time between sync starts in a burst of changes (see `burstSyncPeriodMs`; upstream's
 * minSyncPeriod is 1 s). Chosen by `KUBITO_BENCH_SERVICES=3000 node dist/bench/apiserver.bench.js`,
 * 'node agent CPU per Service create', 3 interleaved rounds, load ~3-5 on 2 cores: 0 (pacing by
 * the last sync's duration only) 0.85/0.75/0.61 ms, 100 ms 0.85/0.74/0.51, 250 ms 0.51/0.50/0.54,
 * 1 s 0.54/0.48/0.44: 250 ms takes most of the saving for a quarter of upstream's added delay.
 */
export const DEFAULT_BURST_SYNC_PERIOD_MS = 250;

export interface ProxierOptions {
  backend: ProxyBackend;
  node: ProxyNodeConfig;
  clock: Clock;
  /** Wall-clock ms since the epoch (trigger times are wall-clock); default `Date.now`. */
  wallClock?: () => number;
  /** The least time between two sync starts (upstream minSyncPeriod). Default 10 ms. */
  minSyncPeriodMs?: number;
  /**
   * After a sync carrying more than one change, the least pause before the next one, as a
   * multiple of that sync's duration (bounded below by `minSyncPeriodMs`). Default 1.
   */
  burstFactor?: number;
  /** The longest such pause. Default 1 s. */
  maxBurstPeriodMs?: number;
  /**
   * While changes keep coming (a sync carried more than one), the least time between two sync
   * starts (the agent's `--min-sync-period`, upstream's name: its BoundedFrequencyRunner lets a
   * lone change through at once and then runs at most one sync per period). A lone change on a
   * quiet cluster is not held back by it. Default DEFAULT_BURST_SYNC_PERIOD_MS.
   */
  burstSyncPeriodMs?: number;
  /** A sync at least this often, and the back-off ceiling. Default 30 s (upstream syncPeriod). */
  syncPeriodMs?: number;
  /** A full sync at least this often. Default 1 h (upstream FullSyncPeriod). */
  fullSyncPeriodMs?: number;
  nodeZone?: string;
  metrics?: ProxyMetrics;
  /**
   * Runs after each successful sync with its state (kernel modes: delete stale UDP conntrack
   * entries, conntrack.ts) with the keys the backend was given (`'all'` after a full sync), so
   * that it can look at the changed ports only. A failure is logged, never fails the sync.
   */
  afterSync?: (state: DesiredState, changed: ReadonlySet<string> | 'all') => Promise<void>;
  log(line: string): void;
  /**
   * Where each sync's phases go (bench/netprog.bench.ts: `KUBITO_PROXY_TRACE=<file>` in the
   * agent): how long after its newest slice's trigger time it started (API server, watch,
   * informer, pacing), the take, the backend (render and command), what ran after.
   */
  trace?(phases: SyncPhases): void;
}

export interface SyncPhases {
  full: boolean;
  changed: number;
  sinceTriggerMs: number | undefined;
  /** From the first change it carries reaching the proxier to its start (pacing, timers). */
  queuedMs: number | undefined;
  takeMs: number;
  backendMs: number;
  afterMs: number;
}

export interface SyncRecord {
  full: boolean;
  changed: number;
  ok: boolean;
  durationMs: number;
}

export class Proxier {
  readonly metrics: ProxyMetrics;
  readonly #o: ProxierOptions;
  readonly #tracker: ChangeTracker;
  readonly #minMs: number;
  readonly #periodMs: number;
  readonly #fullMs: number;
  #timer: TimerHandle | undefined;
  #timerAt = Infinity;
  #running: Promise<void> | undefined;
  #again = false;
  #ready = false;
  #stopped = false;
  #needFull = true;
  /** The earliest start of the next sync on a change (clock ms). */
  #nextAllowed = -Infinity;
  #lastFull = -Infinity;
  #retryMs = 0;
  #pendingTriggers: number[] = [];
  #lastOk: { at: number; state: DesiredState } | undefined;
  #queuedSince: number | undefined;
  #firstSyncDone!: () => void;
  readonly #firstSync = new Promise<void>((resolve) => (this.#firstSyncDone = resolve));
  /** Called after each sync (tests, logs). */
  onSync: ((record: SyncRecord) => void) | undefined;
  /** whenSynced's callers: each checked against the state of every successful sync. */
  readonly #waiters = new Map<(state: DesiredState) => void, (ok: boolean) => void>();

  constructor(options: ProxierOptions) {
    this.#o = options;
    this.metrics = options.metrics ?? new ProxyMetrics();
    this.#minMs = options.minSyncPeriodMs ?? 10;
    this.#periodMs = options.syncPeriodMs ?? 30_000;
    this.#fullMs = options.fullSyncPeriodMs ?? 3_600_000;
    this.#tracker = new ChangeTracker({ node: options.node, nodeZone: options.nodeZone, startTimeMs: (options.wallClock ?? Date.now)() });
  }

  /** Informer handler: add is `(null, s)`, delete is `(s, null)`. */
  onServiceUpdate(prev: ProxyService | null, curr: ProxyService | null): void {
    if (this.#tracker.updateService(prev, curr)) this.#queue();
  }

  onEndpointSliceUpdate(prev: ProxyEndpointSlice | null, curr: ProxyEndpointSlice | null): void {
    if (this.#tracker.updateSlice(prev, curr)) this.#queue();
  }

  /** Both caches have synced: the first (full) sync may run. Resolves after it ran (ok or not). */
  setInitialized(): Promise<void> {
    this.#ready = true;
    this.#schedule(0);
    return this.#firstSync;
  }

  /** The desired state of the last successful sync, and when it finished (clock ms). */
  lastSynced(): { at: number; state: DesiredState } | undefined {
    return this.#lastOk;
  }

  /**
   * Resolves true once the rules in the kernel are those of a state for which `done` holds: at
   * once when the last successful sync's does, else after the first sync whose state does
   * (checked as soon as its rules are applied); false after `timeoutMs` (clock ms) or on stop.
   */
  whenSynced(done: (state: DesiredState) => boolean, timeoutMs: number): Promise<boolean> {
    if (this.#lastOk && done(this.#lastOk.state)) return Promise.resolve(true);
    if (this.#stopped || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (ok: boolean): void => {
        this.#waiters.delete(check);
        this.#o.clock.clearTimeout(timer);
        resolve(ok);
      };
      const check = (state: DesiredState): void => {
        if (done(state)) finish(true);
      };
      const timer = this.#o.clock.setTimeout(() => finish(false), timeoutMs);
      this.#waiters.set(check, finish);
    });
  }

  /**
   * kube-proxy's /healthz rule: healthy unless a change has waited for a sync longer than two
   * sync periods (or no sync ever succeeded).
   */
  healthy(): boolean {
    if (!this.#lastOk) return false;
    return this.#queuedSince === undefined || this.#o.clock.now() - this.#queuedSince < 2 * this.#periodMs;
  }

  stop(): void {
    this.#stopped = true;
    for (const finish of [...this.#waiters.values()]) finish(false);
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #queue(): void {
    this.#queuedSince ??= this.#o.clock.now();
    if (!this.#ready) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#schedule(Math.max(0, this.#nextAllowed - this.#o.clock.now()));
  }

  /** Runs a sync `delayMs` from now, unless one is due sooner. */
  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    const at = this.#o.clock.now() + delayMs;
    if (this.#timer && this.#timerAt <= at) return;
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#running = this.#sync().finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.#queue();
        }
      });
    }, delayMs);
  }

  async #sync(): Promise<void> {
    const clock = this.#o.clock;
    const start = clock.now();
    const queuedSince = this.#queuedSince;
    this.#nextAllowed = start + this.#minMs;
    this.#queuedSince = undefined;
    const wallStart = (this.#o.wallClock ?? Date.now)();
    const { state, changed, triggerTimes } = this.#tracker.take();
    this.#pendingTriggers.push(...triggerTimes);
    const full = this.#needFull || start - this.#lastFull >= this.#fullMs;
    const taken = clock.now();
    let ok = false;
    try {
      await this.#o.backend.sync(state, full ? 'all' : changed);
      ok = true;
    } catch (err) {
      this.#needFull = true;
      this.metrics.failures.value++;
      this.#retryMs = Math.min(this.#retryMs ? this.#retryMs * 2 : 100, this.#periodMs);
      this.#o.log(`proxy: ${full ? 'full' : 'partial'} sync failed (retrying in ${this.#retryMs} ms with a full sync): ${err instanceof Error ? err.message : String(err)}`);
    }
    const end = clock.now();
    const seconds = (end - start) / 1000;
    if (ok) {
      this.#needFull = false;
      this.#retryMs = 0;
      if (full) this.#lastFull = start;
      this.#lastOk = { at: end, state };
      for (const check of [...this.#waiters.keys()]) check(state);
      this.metrics.syncDuration.observe(seconds);
      (full ? this.metrics.fullSyncDuration : this.metrics.partialSyncDuration).observe(seconds);
      const wall = (this.#o.wallClock ?? Date.now)();
      this.metrics.lastSync.value = wall / 1000;
      this.metrics.servicePorts.value = state.servicePorts.length;
      for (const t of this.#pendingTriggers) this.metrics.networkProgramming.observe(Math.max(0, wall - t) / 1000);
      this.#pendingTriggers = [];
      await this.#o.afterSync?.(state, full ? 'all' : changed).catch((err: unknown) => this.#o.log(`proxy: after sync: ${err instanceof Error ? err.message : String(err)}`));
    }
    this.#firstSyncDone();
    if (ok && !full && changed.size > 1) {
      const done = clock.now();
      const pause = Math.min(this.#o.maxBurstPeriodMs ?? 1000, (this.#o.burstFactor ?? 1) * (done - start));
      this.#nextAllowed = Math.max(start + this.#minMs, start + (this.#o.burstSyncPeriodMs ?? DEFAULT_BURST_SYNC_PERIOD_MS), done + pause);
    }
    this.onSync?.({ full, changed: full ? state.servicePorts.length : changed.size, ok, durationMs: end - start });
    this.#o.trace?.({ full, changed: changed.size, sinceTriggerMs: triggerTimes.length ? wallStart - Math.max(...triggerTimes) : undefined, queuedMs: queuedSince === undefined ? undefined : start - queuedSince, takeMs: taken - start, backendMs: end - taken, afterMs: clock.now() - end });
    // The next sync: a retry, or the periodic one.
    this.#schedule(ok ? this.#periodMs : this.#retryMs);
  }
}
