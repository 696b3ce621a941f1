/**
 * @module An EventRecorder that writes events.k8s.io/v1 Events the way client-go's new events
 * library (k8s.io/client-go/tools/events) does, which kube-scheduler uses: `<object>.<hex of the
 * time in ns>` names, `eventTime` (MicroTime), `reportingController` and `reportingInstance`
 * (`<controller>-<hostname>`), an `action` per reason, `regarding` and `note`; a repeat of the
 * same event grows its `series` (count, lastObservedTime). Read as core/v1 Events they have no
 * `source`, no first/last timestamps and no count: `kubectl describe` shows the reporting
 * controller as their source and their eventTime as their age, as against upstream.
 * Writes are asynchronous and never throw into the caller: losing an event loses no state.
 */
import { RESOURCES } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { Client, Clock } from '../../client/index.js';
import type { EventRecorder } from '../controller.js';
import { eventNanos, type EventStamp } from './recorder.js';

const EVENTS_V1 = RESOURCES.find((r) => r.group === 'events.k8s.io' && r.resource === 'events')!;

/** metav1.MicroTime's text of a time in ns: RFC 3339 with six fractional digits. */
export function microTime(nanos: bigint): string {
  const ms = Number(nanos / 1_000_000n);
  const micros = ((nanos / 1_000n) % 1_000_000n).toString().padStart(6, '0');
  return new Date(ms).toISOString().replace(/\.\d+Z$/, `.${micros}Z`);
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
}

export class EventsV1Recorder implements EventRecorder {
  readonly #client: Client;
  readonly #controller: string;
  readonly #instance: string;
  readonly #actions: Readonly<Record<string, string>>;
  readonly #clock: Clock;
  readonly #seen = new Map<string, Seen>();

  /** `actions`: the action of each reason (kube-scheduler: Scheduled -> Binding, FailedScheduling -> Scheduling). */
  constructor(client: Client, options: { controller: string; instance: string; actions: Readonly<Record<string, string>>; clock: Clock }) {
    this.#client = client;
    this.#controller = options.controller;
    this.#instance = options.instance;
    this.#actions = options.actions;
    this.#clock = options.clock;
  }

  stamp(): EventStamp {
    const nanos = eventNanos(this.#clock);
    return { nanos, time: microTime(nanos) };
  }

  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, at?: EventStamp): void {
    const meta = object.metadata;
    const namespace = meta.namespace || 'default';
    const nanos = at?.nanos ?? eventNanos(this.#clock);
    const now = microTime(nanos);
    const action = this.#actions[reason] ?? reason;
    const events = this.#client.resource(EVENTS_V1);
    const key = [meta.uid, meta.namespace, meta.name, type, reason, action, message].join('\u0000');
    const seen = this.#seen.get(key);
    if (seen) {
      // client-go's events library: a repeat is the first event's series, counted from 2.
      seen.count++;
      void events
        .patch(seen.name, { series: { count: seen.count, lastObservedTime: now } }, { type: 'merge', namespace: seen.namespace })
        .catch((err: unknown) => console.error(`event ${reason} on ${meta.name}: ${String(err)}`));
      return;
    }
    const name = `${meta.name}.${nanos.toString(16)}`;
    this.#seen.set(key, { name, namespace, count: 1 });
    if (this.#seen.size > 4096) this.#seen.delete(this.#seen.keys().next().value!);
    void events
      .create(
        {
          apiVersion: 'events.k8s.io/v1',
          kind: 'Event',
          metadata: { name, namespace },
          eventTime: now,
          reportingController: this.#controller,
          reportingInstance: this.#instance,
          action,
          reason,
          regarding: { kind: object.kind, namespace: meta.namespace, name: meta.name, uid: meta.uid, apiVersion: object.apiVersion, resourceVersion: meta.resourceVersion },
          note: message,
          type,
        },
        { namespace, readOnlyResult: true },
      )
      .catch((err: unknown) => console.error(`event ${reason} on ${meta.name}: ${String(err)}`));
  }
}
