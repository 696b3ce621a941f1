/**
 * @module core/v1 Event <-> events.k8s.io/v1 Event. Upstream stores one object and serves it
 * through both APIs (pkg/apis/events/v1/conversion.go); kubito stores the core/v1 shape and
 * converts at the edge for events.k8s.io/v1 readers and writers.
 */
import type { KubeObject } from '../types.js';

/** Field renames, events.k8s.io/v1 name -> core/v1 name. Fields not listed keep their name. */
const RENAMES: ReadonlyArray<[string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(obj: KubeObject, pairs: ReadonlyArray<[string, string]>): KubeObject {
  const out: KubeObject = { ...obj };
  for (const [from, to] of pairs) {
    if (from in out) {
      out[to] = out[from];
      delete out[from];
    }
  }
  return out;
}

/** An events.k8s.io/v1 Event as the core/v1 Event it is stored as. */
export function eventsV1ToCore(obj: KubeObject): KubeObject {
  return { ...rename(obj, RENAMES), apiVersion: 'v1', kind: 'Event' };
}

/** A stored core/v1 Event as events.k8s.io/v1 shows it. */
export function coreToEventsV1(obj: KubeObject): KubeObject {
  return { ...rename(obj, RENAMES.map(([a, b]) => [b, a])), apiVersion: 'events.k8s.io/v1', kind: 'Event' };
}
