import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFINITIONS, type Schema, strictFieldErrors, unknownFieldMessage } from './index.js';

/** The paths of the unknown fields strictFieldErrors reports. */
function unknownFieldsOf(obj: unknown, schema: Schema): string[] {
  return strictFieldErrors(obj, schema).map((m) => JSON.parse(m.slice('unknown field '.length)) as string);
}

function unknownFields(obj: unknown, defName: string): string[] {
  return unknownFieldsOf(obj, DEFINITIONS[defName] ?? {});
}

const SERVICE = 'io.k8s.api.core.v1.Service';

test('a valid Service has no unknown fields', () => {
  const svc = {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'nginx', labels: { app: 'nginx' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    spec: { type: 'ClusterIP', selector: { app: 'nginx' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    status: { loadBalancer: {} },
  };
  assert.deepEqual(unknownFields(svc, SERVICE), []);
});

test('paths are reported as kube-apiserver does: dots, [index], no leading dot', () => {
  const svc = { metadata: { name: 'x', foo: 1 }, spec: { portz: 1, ports: [{ port: 80, foo: 2 }, { port: 81, bar: { x: 1 } }] } };
  assert.deepEqual(unknownFields(svc, SERVICE), ['metadata.foo', 'spec.portz', 'spec.ports[0].foo', 'spec.ports[1].bar']);
});

test('deep in a Deployment, through the pod template and container lists', () => {
  const deploy = { spec: { replicas: 1, replica: 2, template: { spec: { containers: [{ name: 'a', image: 'nginx', ports: [{ containerPort: 80, hostIp: 'x' }], imagePullPolicyx: 'Always' }] } } } };
  assert.deepEqual(unknownFields(deploy, 'io.k8s.api.apps.v1.Deployment'), [
    'spec.replica',
    'spec.template.spec.containers[0].ports[0].hostIp',
    'spec.template.spec.containers[0].imagePullPolicyx',
  ]);
});

test('field names are case-sensitive', () => {
  assert.deepEqual(unknownFields({ Spec: {}, spec: { clusterIp: 'None' } }, SERVICE), ['Spec', 'spec.clusterIp']);
});

test('maps take any key', () => {
  const cm = { data: { 'any.key': 'v', 'UPPER': 'w' }, binaryData: { b: 'AAAA' } };
  assert.deepEqual(unknownFields(cm, 'io.k8s.api.core.v1.ConfigMap'), []);
  const limits = { resources: { limits: { cpu: '1', memory: 1024 } }, name: 'c' };
  assert.deepEqual(unknownFields(limits, 'io.k8s.api.core.v1.Container'), []);
});

test('opaque objects (FieldsV1, RawExtension) and scalars (IntOrString, Quantity) are not descended', () => {
  const svc = { metadata: { managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': { 'f:ports': {} } } }] }, spec: { ports: [{ port: 80, targetPort: { weird: 1 } }] } };
  assert.deepEqual(unknownFields(svc, SERVICE), []);
  assert.deepEqual(unknownFields({ type: 'ADDED', object: { anything: { goes: 1 } } }, 'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent'), []);
});

test('nulls and wrong-typed values are not unknown fields', () => {
  assert.deepEqual(unknownFields({ spec: null, metadata: 'x', status: [] }, SERVICE), []);
  assert.deepEqual(unknownFields({ spec: { ports: { port: 80 } } }, SERVICE), []);
});

test('x-kubernetes-preserve-unknown-fields keeps unknown fields but still checks known ones', () => {
  const schema = { type: 'object' as const, 'x-kubernetes-preserve-unknown-fields': true as const, properties: { metadata: { ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' } } };
  assert.deepEqual(unknownFieldsOf({ anything: 1, metadata: { name: 'a', nope: 1 } }, schema), ['metadata.nope']);
});

test('objects inside a map are still checked, the key as a path segment', () => {
  const schema = { type: 'object' as const, additionalProperties: { ref: 'io.k8s.api.core.v1.ServicePort' } };
  assert.deepEqual(unknownFieldsOf({ web: { port: 80 }, 'a.b': { port: 81, nope: true } }, schema), ['a.b.nope']);
});

test('at most 100 errors, each path once', () => {
  const ports = Array.from({ length: 120 }, (_, i) => ({ port: i, foo: 1 }));
  const found = unknownFields({ spec: { ports } }, SERVICE);
  assert.equal(found.length, 100);
  assert.equal(found[99], 'spec.ports[99].foo');
});

test('an unknown definition reports nothing', () => {
  assert.deepEqual(unknownFields({ a: 1 }, 'io.k8s.api.core.v1.Nope'), []);
});

test('messages read as upstream', () => {
  assert.equal(unknownFieldMessage('spec.portz'), 'unknown field "spec.portz"');
  // strconv.Quote of the path: a control character escaped, non-ASCII text kept.
  assert.equal(unknownFieldMessage('y\u0001中'), 'unknown field "y\\x01中"');
});

test('the field set is 1.33\'s: fields added in 1.34-1.36 are unknown, 1.33 alpha/beta fields are not', () => {
  const pod = {
    spec: {
      hostnameOverride: 'h', schedulingGroup: { podGroupName: 'g' }, resources: { limits: { cpu: '1' } }, hostUsers: false,
      containers: [{ name: 'a', restartPolicyRules: [{ action: 'Restart' }], resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
        env: [{ name: 'E', valueFrom: { fileKeyRef: { volumeName: 'v', path: 'p', key: 'k' } } }], lifecycle: { stopSignal: 'SIGTERM' } }],
      volumes: [{ name: 'v', projected: { sources: [{ podCertificate: { signerName: 's', keyType: 'RSA3072' } }] } }],
    },
    status: { resources: {}, allocatedResources: {}, observedGeneration: 1, resize: 'Proposed' },
  };
  assert.deepEqual(unknownFields(pod, 'io.k8s.api.core.v1.Pod'), [
    'spec.hostnameOverride',
    'spec.schedulingGroup',
    'spec.containers[0].restartPolicyRules',
    'spec.containers[0].env[0].valueFrom.fileKeyRef',
    'spec.volumes[0].projected.sources[0].podCertificate',
    'status.resources',
    'status.allocatedResources',
  ]);
  assert.deepEqual(unknownFields({ metadata: { shardInfo: { selector: 's' } } }, 'io.k8s.api.core.v1.PodList'), ['metadata.shardInfo']);
  assert.deepEqual(unknownFields({ status: { declaredFeatures: ['x'] } }, 'io.k8s.api.core.v1.Node'), ['status.declaredFeatures']);
});
