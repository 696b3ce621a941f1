import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../errors.js';
import { RESOURCES, type ResourceInfo } from '../resources.js';
import { fieldErrorString } from './field-errors.js';
import {
  META_RULES,
  metaRulesFor,
  nameValidatorFor,
  NAMESPACE_MISMATCH,
  reconcileNamespace,
  validateGenericCreate,
  validateGenericUpdate,
  validateStrategyCreate,
  validateStrategyUpdate,
} from './resource-meta.js';

function isBadRequestish(err: unknown, message: string): boolean {
  return err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest' && err.message === message;
}

function res(group: string, resource: string): ResourceInfo {
  const found = RESOURCES.find((r) => r.group === group && r.resource === resource);
  assert.ok(found, `${group}/${resource} is served`);
  return found;
}

describe('META_RULES covers every served resource', () => {
  for (const r of RESOURCES) {
    it(`${r.group || 'core'}/${r.resource}`, () => assert.ok(META_RULES[`${r.group}/${r.resource}`]));
  }
});

describe('nameValidatorFor: which names each resource accepts', () => {
  // name → accepted by [subdomain kinds, namespaces, services, core events]
  const names: Array<[string, { subdomain: boolean; label: boolean; dns1035: boolean; pathSegment: boolean }]> = [
    ['web', { subdomain: true, label: true, dns1035: true, pathSegment: true }],
    ['web.v2', { subdomain: true, label: false, dns1035: false, pathSegment: true }],
    ['1web', { subdomain: true, label: true, dns1035: false, pathSegment: true }],
    ['Web', { subdomain: false, label: false, dns1035: false, pathSegment: true }],
    ['nginx.17a8b2c3d4e5f6a7', { subdomain: true, label: false, dns1035: false, pathSegment: true }],
    ['a/b', { subdomain: false, label: false, dns1035: false, pathSegment: false }],
    ['..', { subdomain: false, label: false, dns1035: false, pathSegment: false }],
  ];
  const kinds: Array<[string, string, keyof (typeof names)[0][1]]> = [
    ['', 'configmaps', 'subdomain'],
    ['', 'endpoints', 'subdomain'],
    ['', 'events', 'pathSegment'],
    ['', 'namespaces', 'label'],
    ['', 'nodes', 'subdomain'],
    ['', 'pods', 'subdomain'],
    ['', 'secrets', 'subdomain'],
    ['', 'serviceaccounts', 'subdomain'],
    ['', 'services', 'dns1035'],
    ['apps', 'deployments', 'subdomain'],
    ['apps', 'replicasets', 'subdomain'],
    ['discovery.k8s.io', 'endpointslices', 'subdomain'],
    ['coordination.k8s.io', 'leases', 'subdomain'],
    ['events.k8s.io', 'events', 'subdomain'],
  ];
  for (const [group, resource, rule] of kinds) {
    for (const [name, accepted] of names) {
      it(`${group || 'core'}/${resource} ${JSON.stringify(name)}`, () => {
        const errs = nameValidatorFor(res(group, resource))(name, false);
        assert.equal(errs.length === 0, accepted[rule], errs.join('; '));
      });
    }
  }
  it('custom resources default to DNS subdomains', () => {
    const crd = { group: 'example.com', resource: 'widgets', namespaced: true };
    assert.deepEqual(metaRulesFor(crd), { nameFormat: 'dns1123-subdomain', strategyMeta: 'apimachinery' });
  });
});

const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('validateStrategyCreate / validateGenericCreate', () => {
  const cases: Array<[string, string, string, Parameters<typeof validateStrategyCreate>[0], string[], string[]]> = [
    ['service with a dotted name', '', 'services', { name: 'my.svc', namespace: 'default' }, [`metadata.name: Invalid value: "my.svc": ${DNS1035}`], []],
    ['pod with a custom finalizer', '', 'pods', { name: 'p', namespace: 'default', finalizers: ['foo'] }, ['metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified'], []],
    ['lease with a custom finalizer (no legacy check)', 'coordination.k8s.io', 'leases', { name: 'l', namespace: 'default', finalizers: ['foo'] }, [], []],
    ['core event with any name', '', 'events', { name: 'Web.Event_1', namespace: 'default' }, [], []],
    ['core event with a slash in its name', '', 'events', { name: 'a/b', namespace: 'default' }, [], ['metadata.name: Invalid value: "a/b": may not contain \'/\'']],
    ['core event namespace must be a subdomain', '', 'events', { name: 'e', namespace: 'Bad' }, [`namespace: Invalid value: "Bad": ${SUBDOMAIN}`], ['metadata.namespace: Invalid value: "Bad": ' + "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]],
    ['events.k8s.io event is strict', 'events.k8s.io', 'events', { name: 'Web', namespace: 'default' }, [`metadata.name: Invalid value: "Web": ${SUBDOMAIN}`], []],
    ['node with a namespace', '', 'nodes', { name: 'n1', namespace: 'default' }, ['metadata.namespace: Forbidden: not allowed on this type'], ['metadata.namespace: Forbidden: not allowed on this type']],
  ];
  for (const [name, group, resource, meta, strategy, generic] of cases) {
    it(name, () => {
      assert.deepEqual(validateStrategyCreate(meta, res(group, resource)).map(fieldErrorString), strategy);
      assert.deepEqual(validateGenericCreate(meta, res(group, resource)).map(fieldErrorString), generic);
    });
  }
});

describe('update passes', () => {
  const prev = { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '3', creationTimestamp: '2024-01-01T00:00:00Z' };
  it('generic pass checks path segments and immutability', () => {
    const next = { ...prev, name: 'other' };
    assert.deepEqual(validateGenericUpdate(next, prev, res('', 'services')).map(fieldErrorString), ['metadata.name: Invalid value: "other": field is immutable']);
  });
  it('strategy pass repeats the update rules and adds the legacy finalizer check', () => {
    const next = { ...prev, finalizers: ['bar'] };
    assert.deepEqual(validateStrategyUpdate(next, prev, res('apps', 'deployments')).map(fieldErrorString), [
      'metadata.finalizers[0]: Invalid value: "bar": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });
  it('core events only check their namespace on update', () => {
    const next = { ...prev, name: 'renamed' };
    assert.deepEqual(validateStrategyUpdate(next, prev, res('', 'events')), []);
  });
});

describe('reconcileNamespace (EnsureObjectNamespaceMatchesRequestNamespace)', () => {
  const cases: Array<[string | undefined, string, boolean, string | 'error']> = [
    ['default', 'default', true, 'default'],
    [undefined, 'default', true, 'default'],
    ['', 'kube-system', true, 'kube-system'],
    ['other', 'default', true, 'error'],
    ['default', '', false, ''],
    [undefined, '', false, ''],
  ];
  for (const [objectNamespace, requestNamespace, namespaced, want] of cases) {
    it(`${objectNamespace} in ${requestNamespace || '(cluster)'}`, () => {
      if (want === 'error') {
        assert.throws(() => reconcileNamespace(objectNamespace, { requestNamespace, namespaced }), (err) => isBadRequestish(err, NAMESPACE_MISMATCH));
      } else {
        assert.equal(reconcileNamespace(objectNamespace, { requestNamespace, namespaced }), want);
      }
    });
  }
});
