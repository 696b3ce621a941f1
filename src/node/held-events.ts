/**
 * @module Events recorded while pods are being started go out once the starts are done (or
 * after `maxHoldMs`, 5 s by default), in the order they were recorded. A burst of 50 pods records some 200
 * events (Scheduled, Pulled, Created, Started); sent at once, each one an API write, they
 * compete with the writes that make the pods Running (bindings, status). Upstream's recorders
 * are asynchronous and rate-limited too: an event never delays the work it reports.
 */
import type { KubeObject } from '../api/types.js';
import type { Clock, TimerHandle } from '../client/index.js';
import type { EventStamp } from '../controllers/events/recorder.js';
import type { EventSink } from './runtime-context.js';

/** What the events wait for: pods being started (starts-in-flight.ts, or start slots). */
export interface StartsLike {
  readonly busy: number;
  idle(): Promise<void>;
}

type Held = [KubeObject, 'Normal' | 'Warning', string, string, EventStamp | undefined];

export class HeldEvents implements EventSink {
  readonly #sink: EventSink;
  readonly #slots: Pick<StartsLike, 'busy' | 'idle'>;
  readonly #clock: Clock;
  readonly #maxHoldMs: number;
  #held: Held[] = [];
  #timer: TimerHandle | undefined;
  /** The sink's stamp(), where it has one. */
  readonly stamp?: () => EventStamp;

  constructor(sink: EventSink, options: { slots: Pick<StartsLike, 'busy' | 'idle'>; clock: Clock; maxHoldMs?: number }) {
    this.#sink = sink;
    if (sink.stamp) this.stamp = () => sink.stamp!();
    this.#slots = options.slots;
    this.#clock = options.clock;
    // 5 s: on a busy machine a burst of 50 lasts longer than 2 s, and events sent mid-burst cost
    // the agent and the API server what the pods still starting need (a fifth of their CPU).
    this.#maxHoldMs = options.maxHoldMs ?? 5000;
  }

  /** Held events keep the name and time of when they were recorded (the sink's stamp()). */
  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, at?: EventStamp): void {
    if (this.#slots.busy === 0 && this.#held.length === 0) return this.#sink.event(object, type, reason, message, at);
    this.#held.push([object, type, reason, message, at ?? this.#sink.stamp?.()]);
    if (this.#held.length > 1) return;
    this.#timer = this.#clock.setTimeout(() => this.#flush(), this.#maxHoldMs);
    void this.#slots.idle().then(() => this.#flush());
  }

  #flush(): void {
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const [object, type, reason, message, at] of this.#held.splice(0)) this.#sink.event(object, type, reason, message, at);
  }
}
