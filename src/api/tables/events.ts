/**
 * @module The Event printer, shared by core/v1 and events.k8s.io/v1 Events (upstream serves
 * both from one internal type): `LAST SEEN TYPE REASON OBJECT MESSAGE | SUBOBJECT SOURCE
 * FIRST SEEN COUNT NAME`. LAST SEEN comes from lastTimestamp, else the first-seen time
 * (firstTimestamp, else eventTime), and from series.lastObservedTime for a series.
 */
import { NAME_COLUMN, column, int, str } from './columns.js';
import { DOC } from './descriptions.js';
import { parseTimestamp, since } from './duration.js';
import type { KubeObject } from '../types.js';
import type { PrintContext, Printer, TableRow } from './types.js';

/** The internal Event fields the printer reads, named as core/v1 names them. */
interface EventView {
  name: string;
  type: string;
  reason: string;
  message: string;
  involvedObject: { kind?: string; name?: string; fieldPath?: string };
  source: { component?: string; host?: string };
  reportingController: string;
  reportingInstance: string;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  eventTime: unknown;
  count: number;
  series?: { count?: number; lastObservedTime?: string } | null;
}

type Reference = EventView['involvedObject'];
type Source = EventView['source'];
type Series = EventView['series'];

/** The core/v1 Event fields read (`reportingComponent` is ReportingController's v1 name). */
interface CoreV1Event {
  metadata: { name?: string };
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: Reference;
  source?: Source;
  reportingComponent?: string;
  reportingInstance?: string;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  count?: number;
  series?: Series;
}

/** The events.k8s.io/v1 Event fields read. */
interface EventsV1Event {
  metadata: { name?: string };
  type?: string;
  reason?: string;
  note?: string;
  regarding?: Reference;
  deprecatedSource?: Source;
  reportingController?: string;
  reportingInstance?: string;
  deprecatedFirstTimestamp?: string | null;
  deprecatedLastTimestamp?: string | null;
  eventTime?: string | null;
  deprecatedCount?: number;
  series?: Series;
}

/** A core/v1 Event as the printer sees it. */
function fromCoreV1(obj: KubeObject): EventView {
  const e = obj as unknown as CoreV1Event;
  return {
    name: str(e.metadata.name),
    type: str(e.type),
    reason: str(e.reason),
    message: str(e.message),
    involvedObject: e.involvedObject ?? {},
    source: e.source ?? {},
    reportingController: str(e.reportingComponent),
    reportingInstance: str(e.reportingInstance),
    firstTimestamp: e.firstTimestamp,
    lastTimestamp: e.lastTimestamp,
    eventTime: e.eventTime,
    count: int(e.count),
    series: e.series,
  };
}

/** An events.k8s.io/v1 Event mapped onto the core fields, as upstream's conversion does. */
function fromEventsV1(obj: KubeObject): EventView {
  const e = obj as unknown as EventsV1Event;
  return {
    name: str(e.metadata.name),
    type: str(e.type),
    reason: str(e.reason),
    message: str(e.note),
    involvedObject: e.regarding ?? {},
    source: e.deprecatedSource ?? {},
    reportingController: str(e.reportingController),
    reportingInstance: str(e.reportingInstance),
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    eventTime: e.eventTime,
    count: int(e.deprecatedCount),
    series: e.series,
  };
}

const COLUMNS = [
  column('Last Seen', 'string', DOC.eventLastTimestamp),
  column('Type', 'string', DOC.eventType),
  column('Reason', 'string', DOC.eventReason),
  column('Object', 'string', DOC.eventInvolvedObject),
  column('Subobject', 'string', DOC.objectReferenceFieldPath, { priority: 1 }),
  column('Source', 'string', DOC.eventSource, { priority: 1 }),
  column('Message', 'string', DOC.eventMessage),
  column('First Seen', 'string', DOC.eventFirstTimestamp, { priority: 1 }),
  column('Count', 'string', DOC.eventCount, { priority: 1 }),
  { ...NAME_COLUMN, priority: 1 },
];

function eventRow(e: EventView, now: Date): TableRow {
  const firstSeen = parseTimestamp(e.firstTimestamp) === null ? since(e.eventTime, now) : since(e.firstTimestamp, now);
  let lastSeen = parseTimestamp(e.lastTimestamp) === null ? firstSeen : since(e.lastTimestamp, now);
  let count = e.count;
  if (e.series) {
    lastSeen = since(e.series.lastObservedTime, now);
    count = int(e.series.count);
  } else if (count === 0) {
    count = 1; // singleton events of the new API carry no count
  }
  const kind = str(e.involvedObject.kind).toLowerCase();
  const target = str(e.involvedObject.name) ? `${kind}/${e.involvedObject.name}` : kind;
  return {
    cells: [
      lastSeen,
      e.type,
      e.reason,
      target,
      str(e.involvedObject.fieldPath),
      eventSource(e),
      e.message.trim(),
      firstSeen,
      count,
      e.name,
    ],
  };
}

/** `formatEventSource`: component (or reportingController), then `, host` (or instance) if any. */
function eventSource(e: EventView): string {
  const component = str(e.source.component) || e.reportingController;
  const instance = str(e.source.host) || e.reportingInstance;
  return instance ? `${component}, ${instance}` : component;
}

export const eventPrinter: Printer = {
  columns: COLUMNS,
  row: (obj: KubeObject, { now }: PrintContext) => eventRow(fromCoreV1(obj), now),
};

export const eventsV1EventPrinter: Printer = {
  columns: COLUMNS,
  row: (obj: KubeObject, { now }: PrintContext) => eventRow(fromEventsV1(obj), now),
};
