/**
 * @module One probe of one container run, on the clock (the kubelet's probe worker,
 * prober/worker.go): it ticks every period from when the worker began (`epoch`: the container's
 * first run, so a restarted container is probed on the same grid, as the worker outlives its
 * runs); liveness and startup are probed at the first tick after the start, readiness at once as
 * well (the status manager triggers an unready container's readiness probe). A probe is skipped
 * until initialDelaySeconds have passed since the start; readiness and liveness wait for the
 * startup probe to succeed. Every failure is reported (the Unhealthy event), a redirect's warning
 * too (ProbeWarning); a prober error (tried three times) is reported and counts for nothing; a
 * change of the counted result is handed to `onResult`. After a liveness or startup failure the
 * loop stops (upstream's worker is on hold until a new container): the run is being killed.
 */
import type { Clock, TimerHandle } from '../client/index.js';
import type { Probe } from './pod-view.js';
import { ProbeCounter, probeTiming, probeTitle, type ProbeKind, type ProbeOutcome, type ProbeTiming } from './probes.js';

/** runProbeWithRetries: a probe whose prober errs is tried this many times in a row. */
const MAX_PROBE_RETRIES = 3;

export interface ProbeLoopOptions {
  kind: ProbeKind;
  probe: Probe;
  clock: Clock;
  /** When the run started (clock ms). */
  startedAt: number;
  /** When the probe's worker began (clock ms; the container's first run): ticks are counted from it. Default: startedAt. */
  epoch?: number;
  /** Runs the probe's handler once. */
  check(timeoutMs: number): Promise<ProbeOutcome>;
  /** Whether the startup probe has succeeded (readiness and liveness wait for it). */
  started(): boolean;
  /** An event for a probe: Unhealthy (failed, errored) or ProbeWarning, with its message. */
  onEvent(reason: 'Unhealthy' | 'ProbeWarning', message: string): void;
  /** The counted result changed. */
  onResult(ok: boolean): void;
}

export class ProbeLoop {
  readonly kind: ProbeKind;
  readonly counter: ProbeCounter;
  readonly timing: ProbeTiming;
  #options: ProbeLoopOptions;
  #epoch: number;
  #timer: TimerHandle | undefined;
  #stopped = false;
  #busy = false;

  constructor(options: ProbeLoopOptions) {
    this.kind = options.kind;
    this.#options = options;
    this.#epoch = options.epoch ?? options.startedAt;
    this.timing = probeTiming(options.probe);
    this.counter = new ProbeCounter(options.kind, this.timing);
  }

  start(): void {
    this.#schedule();
    if (this.kind === 'readiness') void this.#probe();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Probes now (readiness right after the startup probe passed); the ticks keep their grid. */
  trigger(): void {
    if (!this.#stopped) void this.#probe();
  }

  #schedule(): void {
    if (this.#stopped) return;
    const now = this.#options.clock.now();
    const period = this.timing.periodMs;
    const next = this.#epoch + (Math.floor((now - this.#epoch) / period) + 1) * period;
    this.#timer = this.#options.clock.setTimeout(() => {
      this.#schedule();
      void this.#probe();
    }, next - now);
  }

  async #probe(): Promise<void> {
    const o = this.#options;
    if (this.#busy || this.#stopped) return;
    if (o.kind === 'startup' ? o.started() : !o.started()) return;
    if (Math.floor((o.clock.now() - o.startedAt) / 1000) < this.timing.initialDelayMs / 1000) return;
    this.#busy = true;
    let outcome: ProbeOutcome = { ok: false, message: '' };
    try {
      for (let i = 0; i < MAX_PROBE_RETRIES; i++) {
        try {
          outcome = await o.check(this.timing.timeoutMs);
        } catch (err) {
          outcome = { ok: false, message: '', error: err instanceof Error ? err.message : String(err) };
        }
        if (outcome.error === undefined || this.#stopped) break;
      }
    } finally {
      this.#busy = false;
    }
    if (this.#stopped) return;
    const kind = probeTitle(this.kind);
    if (outcome.error !== undefined) {
      // Prober errors: reported, and the result thrown away (worker.go doProbe).
      o.onEvent('Unhealthy', `${kind} probe errored and resulted in unknown state: ${outcome.error}`);
      return;
    }
    if (!outcome.ok) o.onEvent('Unhealthy', `${kind} probe failed: ${outcome.message}`);
    else if (outcome.warning) o.onEvent('ProbeWarning', `${kind} probe warning: ${outcome.message}`);
    if (this.counter.record(outcome.ok)) {
      if (!outcome.ok && this.kind !== 'readiness') this.stop();
      o.onResult(outcome.ok);
    }
  }
}
