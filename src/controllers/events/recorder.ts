/**
 * @module An EventRecorder that writes core/v1 Events the way client-go's recorder does:
 * `<object>.<hex of the time in ns>` names, `source.component`, first/last timestamps, and repeats of the same
 * event folded into one object whose `count` grows (the event correlator's aggregation).
 * Writes are asynchronous and never throw into the caller: losing an event loses no state.
 */
import { groupVersion, RESOURCES } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { Client, Clock } from '../../client/index.js';
import type { EventRecorder } from '../controller.js';

const EVENTS = RESOURCES.find((r) => r.group === '' && r.resource === 'events')!;

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: string;
}

export function time(clock: Clock): string {
  return new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The last event name's time in ns, for every recorder of this process. */
let lastNanos = 0n;

/**
 * client-go's makeEvent names an event `<object>.<UnixNano in hex>`: a list (by name) and
 * `kubectl describe` (by time, then list order) show events of one second in the order they
 * happened (Created before Started). The clock counts ms; the ns below it come from the
 * process's high-resolution clock, so that two processes' events on one object in one ms do
 * not take one name (the create would fail AlreadyExists and the event be lost), and the value
 * is made strictly increasing across this process's recorders (the scheduler's and the
 * kubelet's events on one pod, in one ms).
 */
export function eventNanos(clock: Clock): bigint {
  let nanos = BigInt(Math.trunc(clock.now())) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  if (nanos <= lastNanos) nanos = lastNanos + 1n;
  lastNanos = nanos;
  return nanos;
}

/**
 * When an event happened: its name's ns and its timestamp, taken when it is recorded. A caller
 * that sends the event later (held-events.ts) passes it, so the event's name and time say when
 * it happened, not when it went out (`kubectl describe pod` orders events by them).
 */
export interface EventStamp {
  nanos: bigint;
  time: string;
}

export class ClientEventRecorder implements EventRecorder {
  readonly #client: Client;
  readonly #component: string;
  /** The source's host (client-go's EventSource.Host, also the reportingInstance): the kubelet's node. */
  readonly #host: string | undefined;
  readonly #clock: Clock;
  readonly #seen = new Map<string, Seen>();

  constructor(client: Client, options: { component: string; host?: string; clock: Clock }) {
    this.#client = client;
    this.#component = options.component;
    this.#host = options.host;
    this.#clock = options.clock;
  }

  /** Now, as an event recorded now would carry it. */
  stamp(): EventStamp {
    return { nanos: eventNanos(this.#clock), time: time(this.#clock) };
  }

  /** `object` may name a part of itself (`fieldPath`, client-go's GetPartialReference): the kubelet's container events. */
  event(object: KubeObject & { fieldPath?: string }, type: 'Normal' | 'Warning', reason: string, message: string, at?: EventStamp): void {
    const meta = object.metadata;
    const namespace = meta.namespace || 'default';
    const key = [meta.uid, meta.namespace, meta.name, object.fieldPath ?? '', type, reason, message].join('\u0000');
    const now = at?.time ?? time(this.#clock);
    const events = this.#client.resource(EVENTS);
    const seen = this.#seen.get(key);
    if (seen) {
      seen.count++;
      void events
        .patch(seen.name, { count: seen.count, lastTimestamp: now }, { type: 'merge', namespace: seen.namespace })
        .catch((err: unknown) => console.error(`event ${reason} on ${meta.name}: ${String(err)}`));
      return;
    }
    const name = `${meta.name}.${(at?.nanos ?? eventNanos(this.#clock)).toString(16)}`;
    this.#seen.set(key, { name, namespace, count: 1, first: now });
    if (this.#seen.size > 4096) this.#seen.delete(this.#seen.keys().next().value!);
    const involvedObject = {
      kind: object.kind,
      namespace: meta.namespace,
      name: meta.name,
      uid: meta.uid,
      apiVersion: object.apiVersion,
      resourceVersion: meta.resourceVersion,
      fieldPath: object.fieldPath,
    };
    void events
      .create(
        {
          apiVersion: groupVersion(EVENTS),
          kind: 'Event',
          metadata: { name, namespace },
          involvedObject,
          reason,
          // Go's encoding leaves an empty message out (omitempty): kube-proxy's Starting has none.
          message: message || undefined,
          type,
          source: this.#host ? { component: this.#component, host: this.#host } : { component: this.#component },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
          reportingComponent: this.#component,
          reportingInstance: this.#host ?? '',
        },
        { namespace, readOnlyResult: true },
      )
      .catch((err: unknown) => console.error(`event ${reason} on ${meta.name}: ${String(err)}`));
  }
}
