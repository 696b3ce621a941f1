/** @module Event validation (events.go): the legacy rules for core/v1 writes, the strict ones for events.k8s.io/v1. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateEventCreate, validateEventUpdate } from './events.js';
import { fieldErrorString } from './field-errors.js';
import type { FieldError } from '../errors.js';

const texts = (errs: FieldError[]): string[] => errs.map(fieldErrorString);
type Obj = Record<string, unknown>;

/** A core-shaped event as kubito's legacy recorder writes it. */
const legacy = (over: Obj = {}): Obj => ({
  metadata: { name: 'p.1', namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'p' },
  reason: 'Started',
  message: 'Started container c',
  source: { component: 'kubelet' },
  firstTimestamp: '2024-01-01T00:00:00Z',
  lastTimestamp: '2024-01-01T00:00:00Z',
  count: 1,
  type: 'Normal',
  ...over,
});

/** A core-shaped event as an events.k8s.io/v1 writer sends it. */
const modern = (over: Obj = {}): Obj => ({
  metadata: { name: 'p.2', namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'p' },
  eventTime: '2024-01-01T00:00:00.123456Z',
  reportingComponent: 'default-scheduler',
  reportingInstance: 'default-scheduler-host',
  action: 'Binding',
  reason: 'Scheduled',
  message: 'Successfully assigned default/p to n1',
  type: 'Normal',
  ...over,
});

test('legacy events: the namespace matches the object (or is default for cluster-scoped ones)', () => {
  assert.deepEqual(texts(validateEventCreate(legacy(), { strict: false })), []);
  assert.deepEqual(texts(validateEventCreate(legacy({ involvedObject: { kind: 'Node', name: 'n1' } }), { strict: false })), []);
  assert.deepEqual(texts(validateEventCreate(legacy({ metadata: { namespace: 'other' } }), { strict: false })), [
    'involvedObject.namespace: Invalid value: "default": does not match event.namespace',
  ]);
  assert.deepEqual(texts(validateEventCreate(legacy({ metadata: { namespace: 'other' }, involvedObject: { kind: 'Node', name: 'n1' } }), { strict: false })), [
    'involvedObject.namespace: Invalid value: "": does not match event.namespace',
  ]);
  // Legacy writes may set anything else: no strict rules through core/v1.
  assert.deepEqual(texts(validateEventCreate(legacy({ type: 'Odd', count: 7 }), { strict: false })), []);
});

test('events with an eventTime: the reporting fields, through either API', () => {
  assert.deepEqual(texts(validateEventCreate(modern(), { strict: false })), []);
  assert.deepEqual(texts(validateEventCreate(modern(), { strict: true })), []);
  assert.deepEqual(texts(validateEventCreate(modern({ reportingComponent: '', reportingInstance: 'x'.repeat(129), action: '', reason: 'r'.repeat(129), message: 'm'.repeat(1025) }), { strict: false })), [
    'reportingController: Required value',
    "reportingController: Invalid value: \"\": name part must be non-empty",
    "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    'reportingInstance: Invalid value: "": can have at most 128 characters',
    'action: Required value',
    'reason: Invalid value: "": can have at most 128 characters',
    'message: Invalid value: "": can have at most 1024 characters',
  ]);
  assert.deepEqual(texts(validateEventCreate(modern({ metadata: { namespace: 'apps' }, involvedObject: { kind: 'Node', name: 'n1' } }), { strict: false })), [
    'involvedObject.namespace: Invalid value: "": does not match event.namespace',
  ]);
  assert.deepEqual(texts(validateEventCreate(modern({ metadata: { namespace: 'kube-system' }, involvedObject: { kind: 'Node', name: 'n1' } }), { strict: false })), []);
});

test('events.k8s.io/v1 create: eventTime, type, no deprecated fields, a sound series', () => {
  assert.deepEqual(texts(validateEventCreate(legacy({ involvedObject: { kind: 'Node', name: 'n1' } }), { strict: true })), [
    'eventTime: Required value',
    'firstTimestamp: Invalid value: "": needs to be unset',
    'lastTimestamp: Invalid value: "": needs to be unset',
    'count: Invalid value: "": needs to be unset',
    'source: Invalid value: "": needs to be unset',
  ]);
  assert.deepEqual(texts(validateEventCreate(modern({ type: 'Info', series: { count: 1 } }), { strict: true })), [
    'series.count: Invalid value: "": should be at least 2',
    'series.lastObservedTime: Required value',
    'type: Invalid value: "": has invalid value: Info',
  ]);
});

test('events.k8s.io/v1 update: only the series may change', () => {
  const old = modern();
  assert.deepEqual(texts(validateEventUpdate(modern({ series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000001Z' } }), old, { strict: true })), []);
  assert.deepEqual(
    texts(validateEventUpdate(modern({ reason: 'Other', involvedObject: { kind: 'Pod', name: 'q', uid: 'u1' }, eventTime: '2024-01-02T00:00:00.5Z', count: 3, related: { kind: 'Node', name: 'n1' } }), old, { strict: true })),
    [
      'involvedObject: Invalid value: core.ObjectReference{Kind:"Pod", Namespace:"", Name:"q", UID:"u1", APIVersion:"", ResourceVersion:"", FieldPath:""}: field is immutable',
      'reason: Invalid value: "Other": field is immutable',
      'count: Invalid value: 3: field is immutable',
      'reason: Invalid value: "Other": field is immutable',
      'eventTime: Invalid value: 2024-01-02 00:00:00.5 +0000 UTC: field is immutable',
      'related: Invalid value: core.ObjectReference{Kind:"Node", Namespace:"", Name:"n1", UID:"", APIVersion:"", ResourceVersion:"", FieldPath:""}: field is immutable',
    ],
  );
  // Through core/v1, only the legacy rules.
  assert.deepEqual(texts(validateEventUpdate(modern({ reason: 'Other' }), old, { strict: false })), []);
});
