/**
 * @module Event validation as kube-apiserver 1.33 has it (pkg/apis/core/validation/events.go:
 * ValidateEventCreate, ValidateEventUpdate, legacyValidateEvent, validateV1EventSeries). Both
 * take the Event in its core/v1 shape (an events.k8s.io/v1 one converted first) and report at
 * the internal field names (`involvedObject`, `message`, `reportingController`, ...), as
 * upstream does whichever API was written to. `strict` is the events.k8s.io/v1 request: core/v1
 * writes get the legacy checks only, for backwards compatibility.
 *
 * The ObjectMeta parts (and legacy's `namespace` check for core/v1 writes) are the registry's
 * (resource-meta.ts); here `namespace` is checked for strict writes only.
 */
import type { FieldError } from '../errors.js';
import { goRendered, invalid, required } from './field-errors.js';
import { byteLength, goQuote, goStruct } from './go-format.js';
import { isSet, numOf, type Obj, objOf, strOf } from './json-view.js';
import { isDNS1123Subdomain, isQualifiedName } from './names.js';
import { FIELD_IMMUTABLE } from './object-meta.js';
import { semanticEqual } from './semantic.js';

const REPORTING_INSTANCE_LENGTH_LIMIT = 128;
const ACTION_LENGTH_LIMIT = 128;
const REASON_LENGTH_LIMIT = 128;
const NOTE_LENGTH_LIMIT = 1024;

export interface EventValidationOptions {
  /** The write came through events.k8s.io/v1 (strict validation), not core/v1. */
  strict: boolean;
}

/** A metav1.Time / MicroTime is its zero value (absent or null). */
function isZeroTime(value: unknown): boolean {
  return typeof value !== 'string' || value === '';
}

/** legacyValidateEvent without its trailing namespace check. */
function legacyValidateEvent(event: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = strOf(objOf(event.metadata).namespace);
  const involvedNamespace = strOf(objOf(event.involvedObject).namespace);
  const mismatch = invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace');
  if (isZeroTime(event.eventTime)) {
    // An old-style event: its namespace matches the object's ("" or "default" for cluster-scoped ones).
    if (involvedNamespace === '' ? namespace !== '' && namespace !== 'default' : namespace !== involvedNamespace) errs.push(mismatch);
    return errs;
  }
  if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch);
  const controller = strOf(event.reportingComponent);
  if (controller.length === 0) errs.push(required('reportingController'));
  for (const msg of isQualifiedName(controller)) errs.push(invalid('reportingController', controller, msg));
  const instance = strOf(event.reportingInstance);
  if (instance.length === 0) errs.push(required('reportingInstance'));
  if (byteLength(instance) > REPORTING_INSTANCE_LENGTH_LIMIT) {
    errs.push(invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LENGTH_LIMIT} characters`));
  }
  const action = strOf(event.action);
  if (action.length === 0) errs.push(required('action'));
  if (byteLength(action) > ACTION_LENGTH_LIMIT) errs.push(invalid('action', '', `can have at most ${ACTION_LENGTH_LIMIT} characters`));
  const reason = strOf(event.reason);
  if (reason.length === 0) errs.push(required('reason'));
  if (byteLength(reason) > REASON_LENGTH_LIMIT) errs.push(invalid('reason', '', `can have at most ${REASON_LENGTH_LIMIT} characters`));
  if (byteLength(strOf(event.message)) > NOTE_LENGTH_LIMIT) errs.push(invalid('message', '', `can have at most ${NOTE_LENGTH_LIMIT} characters`));
  return errs;
}

/** The namespace check that ends legacyValidateEvent. */
function namespaceErrors(event: Obj): FieldError[] {
  const namespace = strOf(objOf(event.metadata).namespace);
  return isDNS1123Subdomain(namespace).map((msg) => invalid('namespace', namespace, msg));
}

/** validateV1EventSeries. */
function validateV1EventSeries(event: Obj): FieldError[] {
  if (!isSet(event.series)) return [];
  const series = objOf(event.series);
  const errs: FieldError[] = [];
  if (typeof series.count !== 'number' || series.count < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (isZeroTime(series.lastObservedTime)) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** ValidateEventCreate without ValidateObjectMeta. */
export function validateEventCreate(event: Obj, opts: EventValidationOptions): FieldError[] {
  const errs = legacyValidateEvent(event);
  if (!opts.strict) return errs;
  errs.push(...namespaceErrors(event), ...validateV1EventSeries(event));
  if (isZeroTime(event.eventTime)) errs.push(required('eventTime'));
  const type = strOf(event.type);
  if (type !== 'Normal' && type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${type}`));
  if (!isZeroTime(event.firstTimestamp)) errs.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (!isZeroTime(event.lastTimestamp)) errs.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (typeof event.count === 'number' && event.count !== 0) errs.push(invalid('count', '', 'needs to be unset'));
  const source = objOf(event.source);
  if (strOf(source.component) !== '' || strOf(source.host) !== '') errs.push(invalid('source', '', 'needs to be unset'));
  return errs;
}

// ---- %#v / String() of the fields ValidateEventUpdate may print -----------------------------

function goObjectReference(ref: Obj): string {
  return goStruct('core.ObjectReference', [
    ['Kind', goQuote(strOf(ref.kind))],
    ['Namespace', goQuote(strOf(ref.namespace))],
    ['Name', goQuote(strOf(ref.name))],
    ['UID', goQuote(strOf(ref.uid))],
    ['APIVersion', goQuote(strOf(ref.apiVersion))],
    ['ResourceVersion', goQuote(strOf(ref.resourceVersion))],
    ['FieldPath', goQuote(strOf(ref.fieldPath))],
  ]);
}

/** time.Time.String() of an RFC 3339 text in UTC, with its fraction (nanoseconds, zeros trimmed). */
function goTimeString(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  const d = new Date(text);
  if (!text || Number.isNaN(d.getTime())) return '0001-01-01 00:00:00 +0000 UTC';
  const fraction = (/\.([0-9]+)/.exec(text)?.[1] ?? '').slice(0, 9).replace(/0+$/, '');
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const date = `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  return `${date} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${fraction ? `.${fraction}` : ''} +0000 UTC`;
}

/** Each immutable field: its JSON name, its path, and how its new value prints. */
const IMMUTABLE_FIELDS: ReadonlyArray<readonly [string, string, (v: unknown) => string | number | null]> = [
  ['involvedObject', 'involvedObject', (v) => goObjectReference(objOf(v))],
  ['reason', 'reason', (v) => strOf(v)],
  ['message', 'message', (v) => strOf(v)],
  ['source', 'source', (v) => goStruct('core.EventSource', [['Component', goQuote(strOf(objOf(v).component))], ['Host', goQuote(strOf(objOf(v).host))]])],
  ['firstTimestamp', 'firstTimestamp', goTimeString],
  ['lastTimestamp', 'lastTimestamp', goTimeString],
  ['count', 'count', (v) => (typeof v === 'number' ? v : 0)],
  // Upstream checks the reason twice.
  ['reason', 'reason', (v) => strOf(v)],
  ['type', 'type', (v) => strOf(v)],
  ['eventTime', 'eventTime', goTimeString],
  ['action', 'action', (v) => strOf(v)],
  ['related', 'related', (v) => (isSet(v) ? goObjectReference(objOf(v)) : null)],
  ['reportingComponent', 'reportingController', (v) => strOf(v)],
  ['reportingInstance', 'reportingInstance', (v) => strOf(v)],
];

/** Strings print quoted; structs and times are pre-rendered (GoRendered). */
const QUOTED = new Set(['reason', 'message', 'type', 'action', 'reportingComponent', 'reportingInstance']);

/** ValidateEventUpdate without ValidateObjectMetaUpdate. */
export function validateEventUpdate(next: Obj, prev: Obj, opts: EventValidationOptions): FieldError[] {
  const errs = legacyValidateEvent(next);
  if (!opts.strict) return errs;
  errs.push(...namespaceErrors(next));
  if (!semanticEqual(next.series, prev.series)) errs.push(...validateV1EventSeries(next));
  for (const [field, path, render] of IMMUTABLE_FIELDS) {
    const same = field === 'count' ? numOf(next.count) === numOf(prev.count) : semanticEqual(next[field], prev[field]);
    if (same) continue;
    const shown = render(next[field]);
    errs.push(invalid(path, typeof shown === 'string' && !QUOTED.has(field) ? goRendered(shown) : shown, FIELD_IMMUTABLE));
  }
  return errs;
}
