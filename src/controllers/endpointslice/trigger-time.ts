/**
 * @module The `endpoints.kubernetes.io/last-change-trigger-time` value (k8s.io/endpointslice
 * util TriggerTimeTracker): the earliest trigger (a pod's Ready transition, or the Service's
 * creation) that changed since the previous sync of the Service. kube-proxy measures network
 * programming latency from it. Pure state, no I/O; one tracker per controller, called once per
 * sync and never concurrently for the same Service (the work queue guarantees that).
 */
import { podReadyTransitionTime } from './pods.js';
import type { PodView, ServiceView } from './types.js';

interface ServiceState {
  /** The Service's trigger time at the last sync, ms since the epoch (NaN: none). */
  service: number;
  /** Pod name → its trigger time at the last sync. */
  pods: ReadonlyMap<string, number>;
}

const NO_POD_TIMES: ReadonlyMap<string, number> = new Map();

/** The last time parsed, and its value: the Services of one burst share a creationTimestamp. */
let lastParsed = { time: '', ms: Number.NaN };
/** The last time formatted, and its text (formatRFC3339Nano). */
let lastFormatted = { ms: Number.NaN, text: '' };

function millis(time: string | null | undefined): number {
  if (!time) return NaN;
  if (time !== lastParsed.time) lastParsed = { time, ms: Date.parse(time) };
  return lastParsed.ms;
}

/**
 * Go's `t.UTC().Format(time.RFC3339Nano)`: the fraction loses trailing zeros, and goes away
 * when zero (`2024-05-01T10:00:00Z`, `2024-05-01T10:00:00.5Z`).
 */
export function formatRFC3339Nano(ms: number): string {
  // Services created in one second share their trigger time (creationTimestamp has seconds):
  // the last one formatted is kept.
  if (ms === lastFormatted.ms) return lastFormatted.text;
  // toISOString always ends in `.mmmZ`; called once per sync, so no regular expressions.
  const iso = new Date(ms).toISOString();
  const dot = iso.lastIndexOf('.');
  let end = iso.length - 1;
  while (end > dot + 1 && iso[end - 1] === '0') end--;
  const text = end === dot + 1 ? `${iso.slice(0, dot)}Z` : `${iso.slice(0, end)}Z`;
  lastFormatted = { ms, text };
  return text;
}

export class TriggerTimeTracker {
  readonly #states = new Map<string, ServiceState>();

  /**
   * Records the Service's and its pods' trigger times and returns the annotation value for this
   * sync: the Service's creationTimestamp the first time a Service is seen, afterwards the
   * earliest trigger time that moved forward since the last call; undefined when none did (the
   * annotation is then removed from what gets written).
   */
  compute(service: ServiceView, pods: readonly PodView[]): string | undefined {
    const key = `${service.metadata.namespace ?? ''}/${service.metadata.name ?? ''}`;
    const previous = this.#states.get(key);
    let earliest = NaN;
    // A Service without ready pods shares one empty map: a Map per Service was ~200 bytes kept
    // for the Service's life in each of the two controllers that track times.
    let podTimes: Map<string, number> | undefined;
    for (const pod of pods) {
      const t = millis(podReadyTransitionTime(pod));
      if (Number.isNaN(t)) continue;
      (podTimes ??= new Map()).set(pod.metadata.name ?? '', t);
      const before = previous?.pods.get(pod.metadata.name ?? '');
      if (before === undefined || t > before) earliest = Number.isNaN(earliest) ? t : Math.min(earliest, t);
    }
    const serviceTime = millis(service.metadata.creationTimestamp);
    if (!Number.isNaN(serviceTime) && (previous === undefined || Number.isNaN(previous.service) || serviceTime > previous.service)) {
      earliest = Number.isNaN(earliest) ? serviceTime : Math.min(earliest, serviceTime);
    }
    this.#states.set(key, { service: serviceTime, pods: podTimes ?? NO_POD_TIMES });
    const result = previous === undefined ? serviceTime : earliest;
    return Number.isNaN(result) ? undefined : formatRFC3339Nano(result);
  }

  /** Forgets a deleted Service. */
  delete(namespace: string, name: string): void {
    this.#states.delete(`${namespace}/${name}`);
  }
}
