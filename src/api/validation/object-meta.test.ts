import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectMeta } from '../types.js';
import { fieldErrorString } from './field-errors.js';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, type NameValidator } from './names.js';
import { validateKubeFinalizers, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

interface CreateCase {
  name: string;
  meta: ObjectMeta;
  namespaced?: boolean;
  nameFn?: NameValidator;
  want: string[];
}

const ok = { name: 'web', namespace: 'default' };

const createCases: CreateCase[] = [
  { name: 'valid', meta: ok, want: [] },
  { name: 'missing name', meta: { namespace: 'default' }, want: ['metadata.name: Required value: name or generateName is required'] },
  { name: 'bad subdomain name', meta: { ...ok, name: 'Web' }, want: [`metadata.name: Invalid value: "Web": ${SUBDOMAIN}`] },
  { name: 'service name must be DNS-1035', meta: { ...ok, name: '1web' }, nameFn: nameIsDNS1035Label, want: [`metadata.name: Invalid value: "1web": ${DNS1035}`] },
  { name: 'namespace name with dot', meta: { name: 'a.b' }, namespaced: false, nameFn: nameIsDNSLabel, want: ['metadata.name: Invalid value: "a.b": must not contain dots'] },
  {
    name: 'generateName with bad characters and its generated name',
    meta: { ...ok, generateName: 'Web-', name: 'Web-x7k2p' },
    want: [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN}`, `metadata.name: Invalid value: "Web-x7k2p": ${SUBDOMAIN}`],
  },
  { name: 'generateName with trailing dash is fine', meta: { ...ok, generateName: 'web-', name: 'web-x7k2p' }, want: [] },
  { name: 'namespace required', meta: { name: 'web' }, want: ['metadata.namespace: Required value'] },
  { name: 'namespace must be a DNS label', meta: { name: 'web', namespace: 'a.b' }, want: ['metadata.namespace: Invalid value: "a.b": must not contain dots'] },
  { name: 'namespace forbidden on cluster scope', meta: { name: 'node1', namespace: 'default' }, namespaced: false, want: ['metadata.namespace: Forbidden: not allowed on this type'] },
  { name: 'negative generation', meta: { ...ok, generation: -1 }, want: ['metadata.generation: Invalid value: -1: must be greater than or equal to 0'] },
  { name: 'bad label value', meta: { ...ok, labels: { app: 'bad value' } }, want: [`metadata.labels: Invalid value: "bad value": ${LABEL_VALUE}`] },
  {
    name: 'bad label key and value',
    meta: { ...ok, labels: { 'a/b/c': 'x', ok: '-x' } },
    want: [
      `metadata.labels: Invalid value: "a/b/c": a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      `metadata.labels: Invalid value: "-x": ${LABEL_VALUE}`,
    ],
  },
  { name: 'label key prefix', meta: { ...ok, labels: { 'Example.com/a': 'x' } }, want: [`metadata.labels: Invalid value: "Example.com/a": prefix part ${SUBDOMAIN}`] },
  { name: 'annotation keys are case-insensitive', meta: { ...ok, annotations: { 'Example.COM/Key': 'x' } }, want: [] },
  { name: 'bad annotation key', meta: { ...ok, annotations: { 'a b': 'x' } }, want: [`metadata.annotations: Invalid value: "a b": name part ${QNAME}`] },
  {
    name: 'annotations over 256 KiB',
    meta: { ...ok, annotations: { a: 'x'.repeat(256 * 1024) } },
    want: ['metadata.annotations: Too long: may not be more than 262144 bytes'],
  },
  { name: 'annotations exactly 256 KiB', meta: { ...ok, annotations: { a: 'x'.repeat(256 * 1024 - 1) } }, want: [] },
  {
    name: 'incomplete owner reference',
    meta: { ...ok, ownerReferences: [{ apiVersion: '', kind: '', name: '', uid: '' }] },
    want: [
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    ],
  },
  {
    name: 'owner apiVersion with two slashes has no version',
    meta: { ...ok, ownerReferences: [{ apiVersion: 'a/b/c', kind: 'K', name: 'n', uid: 'u' }] },
    want: ['metadata.ownerReferences.apiVersion: Invalid value: "a/b/c": version must not be empty'],
  },
  {
    name: 'an Event may not own',
    meta: { ...ok, ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: '1' }] },
    want: [
      'metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:"v1", Kind:"Event", Name:"e", UID:"1", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner',
    ],
  },
  {
    name: 'two controllers',
    meta: {
      ...ok,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
      ],
    },
    want: [
      'metadata.ownerReferences: Invalid value: []v1.OwnerReference{v1.OwnerReference{APIVersion:"apps/v1", Kind:"ReplicaSet", Name:"a", UID:"1", Controller:(*bool)(0xc000000000), BlockOwnerDeletion:(*bool)(nil)}, v1.OwnerReference{APIVersion:"apps/v1", Kind:"ReplicaSet", Name:"b", UID:"2", Controller:(*bool)(0xc000000000), BlockOwnerDeletion:(*bool)(nil)}}: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b',
    ],
  },
  { name: 'bad finalizer', meta: { ...ok, finalizers: ['a/b/c'] }, want: [`metadata.finalizers: Invalid value: "a/b/c": a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`] },
  {
    name: 'orphan and foregroundDeletion together',
    meta: { ...ok, finalizers: ['orphan', 'foregroundDeletion'] },
    want: ['metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set'],
  },
  {
    name: 'managed fields',
    meta: { ...ok, managedFields: [{ manager: 'a\u0007b', operation: 'Patch' as never, fieldsType: 'FieldsV2' as never, subresource: 's'.repeat(257) }] },
    want: [
      'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
      'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
      'metadata.managedFields[0].manager: Invalid value: "a\\ab": invalid character U+0007 (at position 1)',
      'metadata.managedFields[0].subresource: Too long: may not be more than 256 bytes',
    ],
  },
  { name: 'long field manager', meta: { ...ok, managedFields: [{ manager: 'm'.repeat(129), operation: 'Update' }] }, want: ['metadata.managedFields[0].manager: Too long: may not be more than 128 bytes'] },
];

describe('validateObjectMeta (create)', () => {
  for (const c of createCases) {
    it(c.name, () => {
      const errs = validateObjectMeta(c.meta, { namespaced: c.namespaced ?? true, nameFn: c.nameFn ?? nameIsDNSSubdomain });
      assert.deepEqual(errs.map(fieldErrorString), c.want);
    });
  }
  it('uses the reason codes of field.ErrorType', () => {
    const errs = validateObjectMeta({ namespace: 'x', name: 'node1' }, { namespaced: false, nameFn: nameIsDNSSubdomain });
    assert.deepEqual(errs.map((e) => [e.type, e.field]), [['FieldValueForbidden', 'metadata.namespace']]);
  });
});

interface UpdateCase {
  name: string;
  prev: ObjectMeta;
  next: ObjectMeta;
  want: string[];
}

const base: ObjectMeta = { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', generation: 2, creationTimestamp: '2024-01-02T03:04:05Z' };

const updateCases: UpdateCase[] = [
  { name: 'unchanged', prev: base, next: base, want: [] },
  { name: 'timestamps compared as instants', prev: base, next: { ...base, creationTimestamp: '2024-01-02T04:04:05+01:00' }, want: [] },
  { name: 'resourceVersion required', prev: base, next: { ...base, resourceVersion: '' }, want: ['metadata.resourceVersion: Invalid value: "": must be specified for an update'] },
  { name: 'generation decremented', prev: base, next: { ...base, generation: 1 }, want: ['metadata.generation: Invalid value: 1: must not be decremented'] },
  { name: 'name immutable', prev: base, next: { ...base, name: 'other' }, want: ['metadata.name: Invalid value: "other": field is immutable'] },
  { name: 'namespace immutable', prev: base, next: { ...base, namespace: 'kube-system' }, want: ['metadata.namespace: Invalid value: "kube-system": field is immutable'] },
  { name: 'uid immutable', prev: base, next: { ...base, uid: 'u2' }, want: ['metadata.uid: Invalid value: "u2": field is immutable'] },
  {
    name: 'creationTimestamp immutable',
    prev: base,
    next: { ...base, creationTimestamp: '2025-01-01T00:00:00Z' },
    want: ['metadata.creationTimestamp: Invalid value: 2025-01-01 00:00:00 +0000 UTC: field is immutable'],
  },
  {
    name: 'deletionTimestamp cleared',
    prev: { ...base, deletionTimestamp: '2025-01-01T00:00:00Z' },
    next: base,
    want: ['metadata.deletionTimestamp: Invalid value: null: field is immutable'],
  },
  { name: 'deletionGracePeriodSeconds set', prev: base, next: { ...base, deletionGracePeriodSeconds: 30 }, want: ['metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable'] },
  {
    name: 'no new finalizers while deleting',
    prev: { ...base, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['a.io/x'] },
    next: { ...base, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['z.io/y', 'a.io/x', 'b.io/z'] },
    want: ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/z", "z.io/y"}'],
  },
  { name: 'finalizers may be removed while deleting', prev: { ...base, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['a.io/x'] }, next: { ...base, deletionTimestamp: '2025-01-01T00:00:00Z' }, want: [] },
  { name: 'labels still validated', prev: base, next: { ...base, labels: { a: 'b c' } }, want: [`metadata.labels: Invalid value: "b c": ${LABEL_VALUE}`] },
];

describe('validateObjectMetaUpdate', () => {
  for (const c of updateCases) {
    it(c.name, () => assert.deepEqual(validateObjectMetaUpdate(c.next, c.prev).map(fieldErrorString), c.want));
  }
});

describe('validateKubeFinalizers (pkg/apis/core/validation)', () => {
  const cases: Array<[string[], string[]]> = [
    [['kubernetes', 'orphan', 'foregroundDeletion', 'example.com/x'], []],
    [['foo'], ['metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified']],
    [['example.com/x', 'bar'], ['metadata.finalizers[1]: Invalid value: "bar": name is neither a standard finalizer name nor is it fully qualified']],
    [['a/b/c'], []],
  ];
  for (const [finalizers, want] of cases) {
    it(JSON.stringify(finalizers), () => assert.deepEqual(validateKubeFinalizers(finalizers, 'metadata.finalizers').map(fieldErrorString), want));
  }
});

describe('label map order', () => {
  it('is sorted by key, so the output is stable', () => {
    const errs = validateObjectMeta({ ...ok, labels: { z: 'bad z', a: 'bad a', 'm/x/y': 'ok' } }, { namespaced: true, nameFn: nameIsDNSSubdomain });
    assert.deepEqual(
      errs.map((e) => e.detail.split(':')[1].trim()),
      ['"bad a"', '"m/x/y"', '"bad z"'],
    );
  });
});
