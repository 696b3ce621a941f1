/**
 * @module One probe of one container run, on the clock (the kubelet's probe worker): probes at
 * once, then every period; skips until initialDelaySeconds have passed since the start;
 * readiness and liveness wait for the startup probe to succeed; every failure is reported
 * (the Unhealthy event), and a change of the counted result is handed to `onResult`.
 */
import type { Clock, TimerHandle } from '../client/index.js';
import type { Probe } from './pod-view.js';
import { ProbeCounter, probeTiming, type ProbeKind, type ProbeOutcome, type ProbeTiming } from './probes.js';

export interface ProbeLoopOptions {
  kind: ProbeKind;
  probe: Probe;
  clock: Clock;
  /** When the run started (clock ms). */
  startedAt: number;
  /** Runs the probe's handler once. */
  check(timeoutMs: number): Promise<ProbeOutcome>;
  /** Whether the startup probe has succeeded (readiness and liveness wait for it). */
  started(): boolean;
  /** A failed probe (every one, for the event). */
  onFailure(message: string): void;
  /** The counted result changed. */
  onResult(ok: boolean): void;
}

export class ProbeLoop {
  readonly kind: ProbeKind;
  readonly counter: ProbeCounter;
  readonly timing: ProbeTiming;
  #options: ProbeLoopOptions;
  #timer: TimerHandle | undefined;
  #stopped = false;
  #busy = false;

  constructor(options: ProbeLoopOptions) {
    this.kind = options.kind;
    this.#options = options;
    this.timing = probeTiming(options.probe);
    this.counter = new ProbeCounter(options.kind, this.timing);
  }

  start(): void {
    this.#tick();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Probes now (readiness right after the startup probe passed), keeping the period. */
  trigger(): void {
    if (this.#stopped) return;
    if (this.#timer) this.#options.clock.clearTimeout(this.#timer);
    this.#tick();
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#timer = this.#options.clock.setTimeout(() => this.#tick(), this.timing.periodMs);
    void this.#probe();
  }

  async #probe(): Promise<void> {
    const o = this.#options;
    if (this.#busy) return;
    if (o.kind === 'startup' ? o.started() : !o.started()) return;
    if (o.clock.now() - o.startedAt < this.timing.initialDelayMs) return;
    this.#busy = true;
    let outcome: ProbeOutcome;
    try {
      outcome = await o.check(this.timing.timeoutMs);
    } catch (err) {
      outcome = { ok: false, message: err instanceof Error ? err.message : String(err) };
    } finally {
      this.#busy = false;
    }
    if (this.#stopped) return;
    if (!outcome.ok) o.onFailure(outcome.message);
    if (this.counter.record(outcome.ok)) o.onResult(outcome.ok);
  }
}
