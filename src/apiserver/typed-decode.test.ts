import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64Problem, convertTypeError, decodeTypeError, asGoDecodes, quantityProblem } from './typed-decode.js';

const SERVICE = 'io.k8s.api.core.v1.Service';
const POD = 'io.k8s.api.core.v1.Pod';
const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';

test('a value of the wrong type: encoding/json\'s text, with the innermost struct and the struct fields from the root', () => {
  const cases: Array<[string, unknown, string | undefined]> = [
    [SERVICE, { metadata: { name: 'a', labels: { tier: 5 } } }, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    [SERVICE, { metadata: { labels: 'x' } }, 'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string'],
    [SERVICE, { spec: { ports: [{ port: 'http' }] } }, 'json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32'],
    [SERVICE, { spec: { ports: [{ port: 1.5 }] } }, 'json: cannot unmarshal number 1.5 into Go struct field ServicePort.spec.ports.port of type int32'],
    [SERVICE, { spec: { ports: [{ port: 2 ** 31 }] } }, 'json: cannot unmarshal number 2147483648 into Go struct field ServicePort.spec.ports.port of type int32'],
    [SERVICE, { spec: { ports: [7] } }, 'json: cannot unmarshal number into Go struct field ServiceSpec.spec.ports of type v1.ServicePort'],
    [SERVICE, { spec: { ports: { port: 80 } } }, 'json: cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort'],
    [SERVICE, { spec: { ports: [{ port: 80, targetPort: true }] } }, 'json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32'],
    [SERVICE, { spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8080 }] } }, undefined],
    [SERVICE, { spec: 'x' }, 'json: cannot unmarshal string into Go struct field Service.spec of type v1.ServiceSpec'],
    [SERVICE, { spec: { publishNotReadyAddresses: 'yes' } }, 'json: cannot unmarshal string into Go struct field ServiceSpec.spec.publishNotReadyAddresses of type bool'],
    [SERVICE, { metadata: { creationTimestamp: 5 } }, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string'],
    [POD, { spec: { containers: [{ name: 'c', resources: { limits: { cpu: { x: 1 } } } }] } }, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    [POD, { spec: { containers: [{ name: 'c', resources: { limits: { cpu: 0.5, memory: '64Mi' } } }] } }, undefined],
    [POD, { metadata: { managedFields: [{ fieldsV1: { 'f:metadata': {} } }] } }, undefined],
    [DEPLOYMENT, { spec: { template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: '80' }] }] } } } }, 'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32'],
    [DEPLOYMENT, { spec: { replicas: null, selector: { matchLabels: null } } }, undefined],
    [POD, { spec: { activeDeadlineSeconds: 9223372036854775807 } }, undefined],
    [POD, { spec: { activeDeadlineSeconds: 2 ** 64 } }, 'json: cannot unmarshal number 18446744073709552000 into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64'],
  ];
  for (const [def, obj, want] of cases) assert.equal(decodeTypeError(obj, def), want, JSON.stringify(obj));
});

test('nulls: a field goes, an element of a list or map of strings becomes "", a struct element {}', () => {
  const obj = {
    metadata: { name: 'a', labels: { app: null }, annotations: null },
    spec: { replicas: null, selector: { matchExpressions: [null], matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'c', args: ['a', null], image: null }] } } },
  };
  asGoDecodes(obj, DEPLOYMENT);
  const pod = { spec: { containers: [{ name: 'c', resources: { limits: { cpu: null } } }] } };
  asGoDecodes(pod, POD);
  assert.deepEqual(pod.spec.containers[0].resources.limits, { cpu: '0' }, 'a null quantity is the zero quantity');
  assert.deepEqual(obj, {
    metadata: { name: 'a', labels: { app: '' } },
    spec: { selector: { matchExpressions: [{}], matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'c', args: ['a', ''] }] } } },
  });
});

test('quantities parse as resource.ParseQuantity parses them, or fail with its error', () => {
  for (const ok of ['100m', '64Mi', '1.5', '2e3', '1E-3', '+1', '-2Gi', '.5', '0', '5k', '12345']) assert.equal(quantityProblem(ok), undefined, ok);
  assert.equal(quantityProblem('abc'), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  assert.equal(quantityProblem(''), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  assert.equal(quantityProblem('1.2.3'), 'unable to parse numeric part of quantity');
  assert.equal(quantityProblem('5Ki3'), "unable to parse quantity's suffix");
  assert.equal(quantityProblem('5KK'), "unable to parse quantity's suffix");
  assert.equal(decodeTypeError({ spec: { containers: [{ name: 'c', resources: { limits: { cpu: 'abc' } } }] } }, 'io.k8s.api.core.v1.Pod'), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
});

test("a strategic merge patch's result: the unstructured converter's words, and its int32 truncation", () => {
  const cases: Array<[string, unknown, string | undefined]> = [
    [SERVICE, { spec: { ports: [{ port: 'x' }] } }, 'unrecognized type: int32'],
    [SERVICE, { spec: { ports: [{ port: true }] } }, 'unrecognized type: int32'],
    [SERVICE, { spec: { ports: [{ port: 1.5 }] } }, 'cannot convert float64 to int32'],
    [SERVICE, { spec: { sessionAffinity: 5 } }, 'cannot convert int64 to string'],
    [SERVICE, { spec: { sessionAffinity: 5.5 } }, 'unrecognized type: string'],
    [SERVICE, { spec: { sessionAffinity: ['a'] } }, 'unrecognized type: string'],
    [SERVICE, { spec: { publishNotReadyAddresses: 'yes' } }, 'unrecognized type: bool'],
    [SERVICE, { spec: { ports: 'x' } }, 'cannot restore slice from string'],
    [SERVICE, { spec: { ports: [7] } }, 'cannot restore struct from: int64'],
    [SERVICE, { spec: 'x' }, 'cannot restore struct from: string'],
    [SERVICE, { spec: { selector: ['a'] } }, 'cannot restore map from slice'],
    [SERVICE, { metadata: { labels: { tier: 5 } } }, 'cannot convert int64 to string'],
    [SERVICE, { spec: { ports: [{ port: 80, targetPort: true }] } }, 'json: cannot unmarshal bool into Go value of type int32'],
    [SERVICE, { spec: { ports: [{ port: 80, targetPort: 'http' }] } }, undefined],
    [SERVICE, { metadata: { creationTimestamp: 5 } }, 'json: cannot unmarshal number into Go value of type string'],
    [POD, { spec: { containers: [{ name: 'c', resources: { limits: { cpu: 'abc' } } }] } }, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    [DEPLOYMENT, { spec: { replicas: 2.0, selector: { matchLabels: null } } }, undefined],
  ];
  for (const [def, obj, want] of cases) assert.equal(convertTypeError(obj, def), want, JSON.stringify(obj));
  // Go's int32(int64) keeps the low 32 bits: 4294967376 is port 80, 2147483648 is -2147483648.
  const wrapped = { spec: { ports: [{ port: 4294967376 }, { port: 2 ** 31 }], replicas: 3 } };
  assert.equal(convertTypeError(wrapped, SERVICE), undefined);
  assert.deepEqual(wrapped.spec.ports, [{ port: 80 }, { port: -2147483648 }]);
});

test("[]byte fields (Secret data, ConfigMap binaryData) are base64 as Go's StdEncoding reads it", () => {
  // decodeQuantum's offsets: an illegal byte where it stands, a short quantum where it began,
  // a missing second '=' at the end, garbage after padding where it starts.
  const cases: Array<[string, string | undefined]> = [
    ['YWJj', undefined],
    ['', undefined],
    ['YWJjZA==', undefined],
    ['YWJjZGU=', undefined],
    ['YW\nJj\r\n', undefined],
    ['!!!notbase64', 'illegal base64 data at input byte 0'],
    ['YWJ', 'illegal base64 data at input byte 0'],
    ['YWJjZA', 'illegal base64 data at input byte 4'],
    ['YQ=', 'illegal base64 data at input byte 3'],
    ['YQ==x', 'illegal base64 data at input byte 4'],
    ['Y===', 'illegal base64 data at input byte 1'],
    ['YQ=a', 'illegal base64 data at input byte 2'],
    ['YWJj YWJj', 'illegal base64 data at input byte 4'],
    ['YWJjé', 'illegal base64 data at input byte 4'],
    ['aé==', 'illegal base64 data at input byte 1'],
  ];
  for (const [text, want] of cases) assert.equal(base64Problem(text), want, JSON.stringify(text));
  const SECRET = 'io.k8s.api.core.v1.Secret';
  assert.equal(decodeTypeError({ data: { k: '!!!' } }, SECRET), 'illegal base64 data at input byte 0');
  assert.equal(decodeTypeError({ data: { k: 5 } }, SECRET), 'json: cannot unmarshal number into Go struct field Secret.data of type []uint8');
  assert.equal(convertTypeError({ data: { k: '!!!' } }, SECRET), 'error decoding from json: illegal base64 data at input byte 0');
  assert.equal(convertTypeError({ data: { k: 5 } }, SECRET), 'cannot restore slice from int64');
  // Written back as Go writes the bytes it decoded: newlines gone, unused bits zero.
  const secret = { data: { a: 'YW\nJj', b: 'YR==', c: 'YWJj' } };
  asGoDecodes(secret, SECRET);
  assert.deepEqual(secret.data, { a: 'YWJj', b: 'YQ==', c: 'YWJj' });
  const cm = { binaryData: { x: 'YWJj\n' } };
  assert.equal(decodeTypeError(cm, 'io.k8s.api.core.v1.ConfigMap'), undefined);
  asGoDecodes(cm, 'io.k8s.api.core.v1.ConfigMap');
  assert.deepEqual(cm.binaryData, { x: 'YWJj' });
});


test('an update keeps a []byte or time value stored before these checks: unchanged values are not checked again', () => {
  const SECRET = 'io.k8s.api.core.v1.Secret';
  const stored = { metadata: { creationTimestamp: 'garbage' }, data: { old: '!!!', ok: 'YWJj' } };
  const relabelled = { metadata: { creationTimestamp: 'garbage', labels: { a: 'b' } }, data: { old: '!!!', ok: 'YWJj' } };
  assert.equal(decodeTypeError(relabelled, SECRET, stored), undefined);
  assert.equal(convertTypeError(structuredClone(relabelled), SECRET, stored), undefined);
  assert.equal(decodeTypeError(relabelled, SECRET), 'parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006"', 'without the stored object');
  // A value changed, or a new key, is checked.
  assert.equal(decodeTypeError({ ...relabelled, data: { old: '!!!', new: '%%' } }, SECRET, stored), 'illegal base64 data at input byte 0');
  assert.equal(decodeTypeError({ ...relabelled, data: { old: '!!?' } }, SECRET, stored), 'illegal base64 data at input byte 0');
  // Kept as it is when written back (only valid base64 is rewritten).
  const kept = { data: { old: '!!!', ok: 'YR==' } };
  asGoDecodes(kept, SECRET);
  assert.deepEqual(kept.data, { old: '!!!', ok: 'YQ==' });
});

test("several errors: an UnmarshalJSON method's (time, quantity, IntOrString) wins over the first saved type or base64 error, as Go's decoder answers", () => {
  const SECRET = 'io.k8s.api.core.v1.Secret';
  assert.equal(decodeTypeError({ data: { k: '!!!' }, metadata: { creationTimestamp: 'garbage' } }, SECRET), 'parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006"');
  assert.equal(decodeTypeError({ metadata: { labels: { a: 5 } }, spec: { containers: [{ name: 'c', resources: { limits: { cpu: 'bogus' } } }] } }, POD), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  // Saved errors: the first in document order, the rest decoded past.
  assert.equal(decodeTypeError({ metadata: { labels: { a: 5 } }, spec: { ports: [{ port: 'x' }] } }, SERVICE), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  assert.equal(decodeTypeError({ data: { k: '!!!', j: 5 } }, SECRET), 'illegal base64 data at input byte 0');
  assert.equal(decodeTypeError({ spec: { ports: [{ port: 'x', targetPort: true }] } }, SERVICE), 'json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32');
});

test("omitempty zero values go, as Go's encode after its decode leaves them out, at every depth", () => {
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', labels: {}, annotations: {}, finalizers: [], namespace: '', generation: 0, creationTimestamp: null },
    spec: { selector: {}, clusterIP: '', ports: [{ name: '', port: 80, nodePort: 0, protocol: '', targetPort: 0 }], publishNotReadyAddresses: false, ipFamilyPolicy: 'SingleStack' },
    status: {},
  };
  asGoDecodes(service, SERVICE);
  assert.deepEqual(service, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 0 }], ipFamilyPolicy: 'SingleStack' }, status: {} });

  const pod = {
    metadata: { name: 'p', labels: { app: '' } },
    spec: {
      terminationGracePeriodSeconds: 0,
      enableServiceLinks: false,
      hostNetwork: false,
      nodeSelector: {},
      containers: [{ name: 'c', image: 'x', args: [], command: [''], stdin: false, tty: true, ports: [{ containerPort: 80, hostPort: 0 }], securityContext: { privileged: false } }],
    },
  };
  asGoDecodes(pod, POD);
  assert.deepEqual(pod, {
    metadata: { name: 'p', labels: { app: '' } }, // a map's values are kept, empty or not
    spec: {
      terminationGracePeriodSeconds: 0, // *int64
      enableServiceLinks: false, // *bool
      containers: [{ name: 'c', image: 'x', command: [''], tty: true, ports: [{ containerPort: 80 }], securityContext: { privileged: false } }],
    },
  });

  const deployment = { spec: { replicas: 0, selector: { matchLabels: {} }, template: { metadata: {}, spec: { containers: [] } } }, status: { replicas: 0, readyReplicas: 0, conditions: [] } };
  asGoDecodes(deployment, DEPLOYMENT);
  assert.deepEqual(deployment, { spec: { replicas: 0, selector: {}, template: { metadata: {}, spec: { containers: [] } } }, status: {} });
});
