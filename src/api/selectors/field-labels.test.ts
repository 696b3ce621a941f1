import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../errors.js';
import { RESOURCES, type ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { convertFieldSelector, fieldSelectorFor, fieldsFor, supportedFieldLabels } from './field-labels.js';
import { fieldSelectorToString, matchesFields, parseFieldSelector } from './fields.js';

function res(group: string, resource: string): ResourceInfo {
  const found = RESOURCES.find((r) => r.group === group && r.resource === resource);
  assert.ok(found, `${group}/${resource} is served`);
  return found;
}

const DEFAULT_ERROR = (f: string) => `"${f}" is not a known field selector: only "metadata.name", "metadata.namespace"`;
const NOT_SUPPORTED = (f: string) => `field label not supported: ${f}`;

/** resource, fieldSelector → converted String() or the 400 message. */
const conversions: Array<[string, string, string, { ok: string } | { error: string }]> = [
  ['', 'pods', 'metadata.name=a,metadata.namespace=b', { ok: 'metadata.name=a,metadata.namespace=b' }],
  ['', 'pods', 'spec.nodeName=n1,status.phase!=Running', { ok: 'spec.nodeName=n1,status.phase!=Running' }],
  ['', 'pods', 'spec.restartPolicy=Always,spec.schedulerName=s,spec.serviceAccountName=sa', { ok: 'spec.restartPolicy=Always,spec.schedulerName=s,spec.serviceAccountName=sa' }],
  ['', 'pods', 'spec.hostNetwork=true,status.podIP=10.0.0.1,status.podIPs=x,status.nominatedNodeName=n', { ok: 'spec.hostNetwork=true,status.nominatedNodeName=n,status.podIP=10.0.0.1,status.podIPs=x' }],
  ['', 'pods', 'spec.host=n1', { ok: 'spec.nodeName=n1' }],
  ['', 'pods', 'spec.containers=x', { error: NOT_SUPPORTED('spec.containers') }],
  ['', 'pods', '=x', { error: NOT_SUPPORTED('') }],
  ['', 'pods', 'status.phase=Running,foo=1', { error: NOT_SUPPORTED('foo') }],
  ['', 'nodes', 'metadata.name=n1,spec.unschedulable=true', { ok: 'metadata.name=n1,spec.unschedulable=true' }],
  ['', 'nodes', 'metadata.namespace=x', { error: NOT_SUPPORTED('metadata.namespace') }],
  ['', 'namespaces', 'status.phase=Active,metadata.name=default', { ok: 'metadata.name=default,status.phase=Active' }],
  ['', 'namespaces', 'metadata.namespace=x', { error: NOT_SUPPORTED('metadata.namespace') }],
  ['', 'namespaces', 'name=default', { error: NOT_SUPPORTED('name') }],
  ['', 'secrets', 'type=kubernetes.io/tls', { ok: 'type=kubernetes.io/tls' }],
  ['', 'secrets', 'data=x', { error: NOT_SUPPORTED('data') }],
  ['', 'services', 'spec.clusterIP!=None,spec.type=ClusterIP', { ok: 'spec.clusterIP!=None,spec.type=ClusterIP' }],
  ['', 'services', 'spec.selector=x', { error: NOT_SUPPORTED('spec.selector') }],
  [
    '',
    'events',
    'involvedObject.name=nginx,involvedObject.namespace=default,involvedObject.kind=Pod,involvedObject.uid=u1',
    { ok: 'involvedObject.kind=Pod,involvedObject.name=nginx,involvedObject.namespace=default,involvedObject.uid=u1' },
  ],
  ['', 'events', 'involvedObject.apiVersion=v1,involvedObject.resourceVersion=1,involvedObject.fieldPath=spec', { ok: 'involvedObject.apiVersion=v1,involvedObject.fieldPath=spec,involvedObject.resourceVersion=1' }],
  ['', 'events', 'reason=Pulled,reportingComponent=kubelet,source=kubelet,type=Normal', { ok: 'reason=Pulled,reportingComponent=kubelet,source=kubelet,type=Normal' }],
  ['', 'events', 'regarding.name=x', { error: NOT_SUPPORTED('regarding.name') }],
  ['events.k8s.io', 'events', 'regarding.name=nginx,regarding.kind=Pod', { ok: 'involvedObject.kind=Pod,involvedObject.name=nginx' }],
  ['events.k8s.io', 'events', 'reportingController=kubelet,type=Warning,reason=BackOff', { ok: 'reason=BackOff,reportingComponent=kubelet,type=Warning' }],
  ['events.k8s.io', 'events', 'involvedObject.name=x', { error: NOT_SUPPORTED('involvedObject.name') }],
  ['events.k8s.io', 'events', 'reportingComponent=x', { error: NOT_SUPPORTED('reportingComponent') }],
  ['', 'configmaps', 'metadata.name=a,metadata.namespace=b', { ok: 'metadata.name=a,metadata.namespace=b' }],
  ['', 'configmaps', 'data.key=x', { error: DEFAULT_ERROR('data.key') }],
  ['', 'endpoints', 'foo.bar=baz', { error: DEFAULT_ERROR('foo.bar') }],
  ['', 'serviceaccounts', 'secrets=x', { error: DEFAULT_ERROR('secrets') }],
  ['apps', 'deployments', 'spec.replicas=1', { error: DEFAULT_ERROR('spec.replicas') }],
  // kubernetes/kubernetes#135136: the registry has status.replicas but apps/v1 has no conversion func.
  ['apps', 'replicasets', 'status.replicas=0', { error: DEFAULT_ERROR('status.replicas') }],
  ['discovery.k8s.io', 'endpointslices', 'addressType=IPv4', { error: DEFAULT_ERROR('addressType') }],
  ['coordination.k8s.io', 'leases', 'metadata.name=x', { ok: 'metadata.name=x' }],
  ['coordination.k8s.io', 'leases', 'spec.holderIdentity=x', { error: DEFAULT_ERROR('spec.holderIdentity') }],
  ['', 'configmaps', 'a"b=x', { error: DEFAULT_ERROR('a\\"b') }],
];

describe('fieldSelectorFor (parse + field label conversion)', () => {
  for (const [group, resource, selector, want] of conversions) {
    it(`${group || 'core'}/${resource} ${selector}`, () => {
      if ('ok' in want) {
        assert.equal(fieldSelectorToString(fieldSelectorFor(res(group, resource), selector)), want.ok);
      } else {
        assert.throws(
          () => fieldSelectorFor(res(group, resource), selector),
          (err: unknown) => err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest' && err.message === want.error,
        );
      }
    });
  }
  it('convertFieldSelector leaves an empty selector alone', () => {
    assert.deepEqual(convertFieldSelector(res('', 'pods'), parseFieldSelector('')), { terms: [] });
  });
});

describe('supportedFieldLabels', () => {
  it('lists every accepted label, renames included', () => {
    assert.deepEqual(supportedFieldLabels(res('', 'nodes')), ['metadata.name', 'spec.unschedulable']);
    assert.deepEqual(supportedFieldLabels(res('apps', 'deployments')), ['metadata.name', 'metadata.namespace']);
    assert.ok(supportedFieldLabels(res('', 'pods')).includes('spec.host'));
    assert.ok(supportedFieldLabels(res('events.k8s.io', 'events')).includes('regarding.uid'));
  });
  for (const r of RESOURCES) {
    it(`every supported label of ${r.group || 'core'}/${r.resource} converts`, () => {
      for (const label of supportedFieldLabels(r)) assert.doesNotThrow(() => fieldSelectorFor(r, `${label}=x`));
    });
  }
});

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default' },
  spec: { nodeName: 'node-1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default', hostNetwork: true },
  status: { phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }, { ip: 'fd00::5' }], nominatedNodeName: '' },
};

const coreEvent: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web-1.17a', namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u1', apiVersion: 'v1', resourceVersion: '42', fieldPath: 'spec.containers{web}' },
  reason: 'Pulled',
  type: 'Normal',
  source: { component: 'kubelet', host: 'node-1' },
};

const eventsV1: KubeObject = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'web-1.17b', namespace: 'default' },
  regarding: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u1' },
  reason: 'Scheduled',
  type: 'Normal',
  reportingController: 'default-scheduler',
};

describe('fieldsFor (GetAttrs)', () => {
  const cases: Array<[string, string, KubeObject, Record<string, string>]> = [
    [
      '',
      'pods',
      pod,
      {
        'metadata.name': 'web-1',
        'metadata.namespace': 'default',
        'spec.nodeName': 'node-1',
        'spec.restartPolicy': 'Always',
        'spec.schedulerName': 'default-scheduler',
        'spec.serviceAccountName': 'default',
        'spec.hostNetwork': 'true',
        'status.phase': 'Running',
        'status.podIP': '10.244.0.5',
        'status.nominatedNodeName': '',
      },
    ],
    [
      '',
      'pods',
      { metadata: { name: 'p', namespace: 'ns' }, status: { podIPs: [{ ip: '10.0.0.9' }] } },
      {
        'metadata.name': 'p',
        'metadata.namespace': 'ns',
        'spec.nodeName': '',
        'spec.restartPolicy': '',
        'spec.schedulerName': '',
        'spec.serviceAccountName': '',
        'spec.hostNetwork': 'false',
        'status.phase': '',
        'status.podIP': '10.0.0.9',
        'status.nominatedNodeName': '',
      },
    ],
    ['', 'nodes', { metadata: { name: 'n1' }, spec: { unschedulable: true } }, { 'metadata.name': 'n1', 'spec.unschedulable': 'true' }],
    ['', 'nodes', { metadata: { name: 'n2' } }, { 'metadata.name': 'n2', 'spec.unschedulable': 'false' }],
    ['', 'namespaces', { metadata: { name: 'default' }, status: { phase: 'Active' } }, { 'metadata.name': 'default', 'status.phase': 'Active', name: 'default' }],
    ['', 'secrets', { metadata: { name: 's', namespace: 'd' }, type: 'Opaque' }, { 'metadata.name': 's', 'metadata.namespace': 'd', type: 'Opaque' }],
    [
      '',
      'services',
      { metadata: { name: 'svc', namespace: 'd' }, spec: { clusterIP: 'None', type: 'ClusterIP' } },
      { 'metadata.name': 'svc', 'metadata.namespace': 'd', 'spec.clusterIP': 'None', 'spec.type': 'ClusterIP' },
    ],
    [
      '',
      'events',
      coreEvent,
      {
        'metadata.name': 'web-1.17a',
        'metadata.namespace': 'default',
        'involvedObject.kind': 'Pod',
        'involvedObject.namespace': 'default',
        'involvedObject.name': 'web-1',
        'involvedObject.uid': 'u1',
        'involvedObject.apiVersion': 'v1',
        'involvedObject.resourceVersion': '42',
        'involvedObject.fieldPath': 'spec.containers{web}',
        reason: 'Pulled',
        reportingComponent: '',
        source: 'kubelet',
        type: 'Normal',
      },
    ],
    [
      'events.k8s.io',
      'events',
      eventsV1,
      {
        'metadata.name': 'web-1.17b',
        'metadata.namespace': 'default',
        'involvedObject.kind': 'Pod',
        'involvedObject.namespace': 'default',
        'involvedObject.name': 'web-1',
        'involvedObject.uid': 'u1',
        'involvedObject.apiVersion': '',
        'involvedObject.resourceVersion': '',
        'involvedObject.fieldPath': '',
        reason: 'Scheduled',
        reportingComponent: 'default-scheduler',
        source: 'default-scheduler',
        type: 'Normal',
      },
    ],
    ['apps', 'replicasets', { metadata: { name: 'rs', namespace: 'd' }, status: { replicas: 3 } }, { 'metadata.name': 'rs', 'metadata.namespace': 'd', 'status.replicas': '3' }],
    ['apps', 'deployments', { metadata: { name: 'dep', namespace: 'd' }, spec: { replicas: 3 } }, { 'metadata.name': 'dep', 'metadata.namespace': 'd' }],
    ['', 'configmaps', { metadata: { name: 'cm', namespace: 'd' } }, { 'metadata.name': 'cm', 'metadata.namespace': 'd' }],
  ];
  for (const [group, resource, obj, want] of cases) {
    it(`${group || 'core'}/${resource} ${obj.metadata.name}`, () => assert.deepEqual(fieldsFor(res(group, resource), obj), want));
  }
});

describe('end to end: select objects like kube-apiserver', () => {
  const cases: Array<[string, string, string, KubeObject, boolean]> = [
    ['', 'pods', 'spec.nodeName=node-1', pod, true],
    ['', 'pods', 'spec.host=node-1', pod, true],
    ['', 'pods', 'spec.nodeName=node-2', pod, false],
    ['', 'pods', 'status.phase!=Succeeded,status.phase!=Failed', pod, true],
    ['', 'pods', 'metadata.name=web-1,metadata.namespace=default', pod, true],
    // Accepted by the conversion func but absent from GetAttrs: reads as "".
    ['', 'pods', 'status.podIPs=10.244.0.5', pod, false],
    ['', 'pods', 'status.podIPs=', pod, true],
    ['', 'events', 'involvedObject.name=web-1,involvedObject.namespace=default,involvedObject.kind=Pod,involvedObject.uid=u1', coreEvent, true],
    ['', 'events', 'involvedObject.uid=other', coreEvent, false],
    ['events.k8s.io', 'events', 'regarding.name=web-1,reportingController=default-scheduler', eventsV1, true],
    ['events.k8s.io', 'events', 'source=default-scheduler', eventsV1, true],
  ];
  for (const [group, resource, selector, obj, want] of cases) {
    it(`${group || 'core'}/${resource} ${selector}`, () => {
      const r = res(group, resource);
      assert.equal(matchesFields(fieldSelectorFor(r, selector), fieldsFor(r, obj)), want);
    });
  }
});
