/** @module Table-driven tests of the pod spec validation: each rule's exact field, type and text (kube-apiserver 1.33). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from './field-errors.js';
import { isConfigMapKey, isRelaxedEnvVarName, validatePodCreate, validatePodMetadataAndSpec, validatePodTemplateSpec } from './pod-spec.js';

type Obj = Record<string, unknown>;

/** A container as it is after defaulting. */
function ctr(over: Obj = {}): Obj {
  return { name: 'c', image: 'busybox', terminationMessagePolicy: 'File', imagePullPolicy: 'Always', ...over };
}

/** A pod spec as it is after defaulting. */
function spec(over: Obj = {}): Obj {
  return { containers: [ctr()], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, ...over };
}

function errors(s: Obj): string[] {
  return validatePodCreate(s).map(fieldErrorString);
}

const DNS_LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const CASES: Array<{ name: string; spec: Obj; want: string[] }> = [
  { name: 'a valid spec', spec: spec(), want: [] },
  { name: 'no containers', spec: spec({ containers: [] }), want: ['spec.containers: Required value'] },
  { name: 'containers absent', spec: spec({ containers: undefined }), want: ['spec.containers: Required value'] },
  {
    name: 'container without name or image',
    spec: spec({ containers: [ctr({ name: '', image: '' })] }),
    want: ['spec.containers[0].name: Required value', 'spec.containers[0].image: Required value'],
  },
  { name: 'container name not a DNS label', spec: spec({ containers: [ctr({ name: 'Web_1' })] }), want: [`spec.containers[0].name: Invalid value: "Web_1": ${DNS_LABEL}`] },
  { name: 'duplicate container names', spec: spec({ containers: [ctr(), ctr()] }), want: ['spec.containers[1].name: Duplicate value: "c"'] },
  {
    name: 'init container named as a container',
    spec: spec({ initContainers: [ctr({ name: 'c' }), ctr({ name: 'i' }), ctr({ name: 'i' })] }),
    want: ['spec.initContainers[0].name: Duplicate value: "c"', 'spec.initContainers[2].name: Duplicate value: "i"'],
  },
  {
    name: 'image with surrounding spaces (pods only)',
    spec: spec({ containers: [ctr({ image: ' busybox ' })] }),
    want: ['spec.containers[0].image: Invalid value: " busybox ": must not have leading or trailing whitespace'],
  },
  {
    name: 'terminationMessagePolicy and imagePullPolicy enums',
    spec: spec({ containers: [ctr({ terminationMessagePolicy: 'Sometimes', imagePullPolicy: 'Maybe' })] }),
    want: [
      'spec.containers[0].terminationMessagePolicy: Unsupported value: "Sometimes": supported values: "File", "FallbackToLogsOnError"',
      'spec.containers[0].imagePullPolicy: Unsupported value: "Maybe": supported values: "Always", "IfNotPresent", "Never"',
    ],
  },
  {
    name: 'ports: range, required, protocol, names',
    spec: spec({
      containers: [ctr({
        ports: [
          { containerPort: 70000, protocol: 'TCP', name: 'http' },
          { containerPort: 0, protocol: 'ICMP', hostPort: -1 },
          { containerPort: 81, protocol: 'TCP', name: 'http' },
          { containerPort: 82, protocol: '', name: 'Bad--name' },
        ],
      })],
    }),
    want: [
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].containerPort: Required value',
      'spec.containers[0].ports[1].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      'spec.containers[0].ports[2].name: Duplicate value: "http"',
      'spec.containers[0].ports[3].name: Invalid value: "Bad--name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.containers[0].ports[3].name: Invalid value: "Bad--name": must not contain consecutive hyphens',
      'spec.containers[0].ports[3].protocol: Required value',
    ],
  },
  {
    name: 'host ports conflict across containers',
    spec: spec({ containers: [ctr({ ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] }), ctr({ name: 'd', ports: [{ containerPort: 81, hostPort: 8080, protocol: 'TCP' }] })] }),
    want: ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"'],
  },
  {
    name: 'hostNetwork: a pod host port must equal its container port',
    spec: spec({ hostNetwork: true, containers: [ctr({ ports: [{ containerPort: 80, hostPort: 81, protocol: 'TCP' }] })] }),
    want: ['spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true'],
  },
  {
    name: 'env names and sources',
    spec: spec({
      containers: [ctr({
        env: [
          { name: '' },
          { name: 'A=B' },
          { name: 'X', valueFrom: {} },
          { name: 'Y', value: 'v', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } },
          { name: 'Z', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' }, secretKeyRef: { name: 's', key: '..k' } } },
          { name: 'F', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.phase' } } },
          { name: 'G', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nope' } } },
        ],
      })],
    }),
    want: [
      'spec.containers[0].env[0].name: Required value',
      `spec.containers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
      'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      'spec.containers[0].env[3].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      `spec.containers[0].env[4].valueFrom.secretKeyRef.key: Invalid value: "..k": must not start with '..'`,
      'spec.containers[0].env[4].valueFrom: Invalid value: "": may not have more than one field specified at a time',
      'spec.containers[0].env[5].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
      'spec.containers[0].env[6].valueFrom.fieldRef.fieldPath: Invalid value: "spec.nope": error converting fieldPath: field label not supported: spec.nope',
    ],
  },
  {
    name: 'envFrom needs exactly one source',
    spec: spec({ containers: [ctr({ envFrom: [{ prefix: 'P_' }, { configMapRef: { name: '' } }] })] }),
    want: ['spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`', 'spec.containers[0].envFrom[1].configMapRef.name: Required value'],
  },
  {
    name: 'volume mounts refer to existing volumes, at unique paths',
    spec: spec({
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [ctr({ volumeMounts: [{ name: 'data', mountPath: '/d' }, { name: 'nope', mountPath: '/d' }, { name: '', mountPath: '' }] })],
    }),
    want: [
      'spec.containers[0].volumeMounts[1].name: Not found: "nope"',
      'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/d": must be unique',
      'spec.containers[0].volumeMounts[2].name: Required value',
      'spec.containers[0].volumeMounts[2].name: Not found: ""',
      'spec.containers[0].volumeMounts[2].mountPath: Required value',
    ],
  },
  {
    name: 'volumes: names unique DNS labels, exactly one source; a bad volume is not mountable',
    spec: spec({
      volumes: [{ name: 'a', emptyDir: {} }, { name: 'a', emptyDir: {} }, { name: 'B', emptyDir: {} }, { name: 'c' }, { name: 'd', emptyDir: {}, hostPath: { path: '/x' }, downwardAPI: {} }],
      containers: [ctr({ volumeMounts: [{ name: 'c', mountPath: '/c' }] })],
    }),
    want: [
      'spec.volumes[1].name: Duplicate value: "a"',
      `spec.volumes[2].name: Invalid value: "B": ${DNS_LABEL}`,
      'spec.volumes[3]: Required value: must specify a volume type',
      'spec.volumes[4].hostPath: Forbidden: may not specify more than 1 volume type',
      'spec.volumes[4].downwarAPI: Forbidden: may not specify more than 1 volume type',
      'spec.containers[0].volumeMounts[0].name: Not found: "c"',
    ],
  },
  {
    name: 'probes: one handler, thresholds, liveness successThreshold 1',
    spec: spec({
      containers: [ctr({
        livenessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 }, successThreshold: 2, periodSeconds: -1, timeoutSeconds: 1, failureThreshold: 3 },
        readinessProbe: { periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3, terminationGracePeriodSeconds: 5 },
        startupProbe: { httpGet: { path: '', port: 'HTTP', scheme: 'FTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      })],
    }),
    want: [
      'spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
      'spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      'spec.containers[0].readinessProbe: Required value: must specify a handler type',
      'spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes',
      'spec.containers[0].startupProbe.httpGet.path: Required value',
      'spec.containers[0].startupProbe.httpGet.port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.containers[0].startupProbe.httpGet.port: Invalid value: "HTTP": must contain at least one letter (a-z)',
      'spec.containers[0].startupProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"',
    ],
  },
  {
    name: 'init containers: no probes without restartPolicy Always; no restartPolicy on regular containers',
    spec: spec({
      containers: [ctr({ restartPolicy: 'Always' })],
      initContainers: [ctr({ name: 'i', livenessProbe: { exec: { command: ['x'] } } }), ctr({ name: 'j', restartPolicy: 'Never' })],
    }),
    want: [
      'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers',
      'spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
      'spec.initContainers[1].restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ],
  },
  {
    name: 'lifecycle sleep within the grace period',
    spec: spec({ terminationGracePeriodSeconds: 5, containers: [ctr({ lifecycle: { preStop: { sleep: { seconds: 10 } } } })] }),
    want: ['spec.containers[0].lifecycle.preStop.sleep: Invalid value: 10: must be non-negative and less than terminationGracePeriodSeconds (5)'],
  },
  {
    name: 'restartPolicy, dnsPolicy, grace period, deadline',
    spec: spec({ restartPolicy: 'Sometimes', dnsPolicy: '', terminationGracePeriodSeconds: null, activeDeadlineSeconds: 0 }),
    want: [
      'spec.terminationGracePeriodSeconds: Required value',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.dnsPolicy: Required value',
      'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
    ],
  },
  {
    name: 'names: node, service account, hostname, subdomain',
    spec: spec({ nodeName: 'Node_1', serviceAccountName: 'SA', hostname: 'a.b', subdomain: '-x' }),
    want: [
      `spec.serviceAccountName: Invalid value: "SA": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      `spec.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      'spec.hostname: Invalid value: "a.b": must not contain dots',
      `spec.subdomain: Invalid value: "-x": ${DNS_LABEL}`,
    ],
  },
  {
    name: 'tolerations',
    spec: spec({ tolerations: [{ operator: 'Equal', value: 'x' }, { key: 'k', operator: 'Exists', value: 'v', effect: 'NoSchedule', tolerationSeconds: 5 }, { key: 'k', operator: 'Near' }] }),
    want: [
      'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
      "spec.tolerations[1].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
      "spec.tolerations[1].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
      'spec.tolerations[2].operator: Unsupported value: "Near": supported values: "Equal", "Exists"',
    ],
  },
  {
    name: 'resources: names standard for containers or fully qualified; quantities not negative',
    spec: spec({
      containers: [ctr({ resources: { limits: { cpu: '-1', 'example.com/gpu': '1', pods: '1' }, requests: { memory: '-0', foo: '1', 'kubernetes.io/bar': '1', 'hugepages-2Mi': '2Mi' } } })],
    }),
    want: [
      'spec.containers[0].resources.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.containers[0].resources.limits[pods]: Invalid value: "pods": must be a standard resource for containers',
      'spec.containers[0].resources.requests[foo]: Invalid value: "foo": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[foo]: Invalid value: "foo": must be a standard resource for containers',
      'spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources',
    ],
  },
  {
    name: 'resources: requests within limits, printed as Quantity.String() prints them',
    spec: spec({
      containers: [
        ctr({ resources: { limits: { cpu: '500m', memory: '1Gi', 'ephemeral-storage': '-0.5' }, requests: { cpu: '0.75', memory: '1536Mi', 'ephemeral-storage': '0' } } }),
        ctr({ name: 'd', resources: { limits: { cpu: '2', memory: '128Mi' }, requests: { cpu: '2000m', memory: 128 * 1024 * 1024 } } }),
      ],
    }),
    want: [
      'spec.containers[0].resources.limits[ephemeral-storage]: Invalid value: "-500m": must be greater than or equal to 0',
      'spec.containers[0].resources.requests: Invalid value: "750m": must be less than or equal to cpu limit of 500m',
      'spec.containers[0].resources.requests: Invalid value: "0": must be less than or equal to ephemeral-storage limit of -500m',
      'spec.containers[0].resources.requests: Invalid value: "1536Mi": must be less than or equal to memory limit of 1Gi',
    ],
  },
  {
    name: 'resources: extended resources and hugepages may not overcommit',
    spec: spec({
      containers: [
        ctr({ resources: { limits: { 'example.com/gpu': '2' }, requests: { 'example.com/gpu': '1', 'hugepages-2Mi': '3Mi' } } }),
        ctr({ name: 'd', resources: { limits: { 'hugepages-1Gi': '1Gi' } } }),
      ],
    }),
    want: [
      'spec.containers[0].resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2',
      'spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources',
      'spec.containers[0].resources.requests[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi',
      'spec.containers[0].resources: Forbidden: HugePages require cpu or memory',
      'spec.containers[1].resources: Forbidden: HugePages require cpu or memory',
    ],
  },
  {
    name: 'dnsConfig: dnsPolicy None needs it and a nameserver',
    spec: spec({ dnsPolicy: 'None' }),
    want: ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None'],
  },
  {
    name: 'dnsConfig: dnsPolicy None without nameservers',
    spec: spec({ dnsPolicy: 'None', dnsConfig: { searches: ['bad search'] } }),
    want: ['spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None'],
  },
  {
    name: 'dnsConfig: nameservers, searches and options',
    spec: spec({
      dnsConfig: {
        nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', 'dns.example'],
        searches: ['.', 'ns1.svc.cluster.local.', '_srv.example.com', 'Bad_Domain'],
        options: [{ name: 'ndots', value: '2' }, { value: '1' }],
      },
    }),
    want: [
      'spec.dnsConfig.nameservers: Invalid value: []string{"1.1.1.1", "2.2.2.2", "3.3.3.3", "dns.example"}: must not have more than 3 nameservers',
      'spec.dnsConfig.nameservers[3]: Invalid value: "dns.example": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      "spec.dnsConfig.searches[3]: Invalid value: \"Bad_Domain\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')",
      'spec.dnsConfig.options[1]: Required value: must not be empty',
    ],
  },
  {
    name: 'dnsConfig: at most 32 search paths and 2048 characters',
    spec: spec({ dnsConfig: { searches: Array.from({ length: 33 }, () => 'a'.repeat(63)) } }),
    want: [
      `spec.dnsConfig.searches: Invalid value: []string{${Array.from({ length: 33 }, () => `"${'a'.repeat(63)}"`).join(', ')}}: must not have more than 32 search paths`,
      `spec.dnsConfig.searches: Invalid value: []string{${Array.from({ length: 33 }, () => `"${'a'.repeat(63)}"`).join(', ')}}: must not have more than 2048 characters (including spaces) in the search list`,
    ],
  },
  {
    name: 'create only: no ephemeral containers, no node while gated',
    spec: spec({ ephemeralContainers: [ctr({ name: 'e' })], nodeName: 'n', schedulingGates: [{ name: 'g' }] }),
    want: ['spec.ephemeralContainers: Forbidden: cannot be set on create', 'spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared'],
  },
];

for (const c of CASES) {
  test(`pod create: ${c.name}`, () => {
    assert.deepEqual(errors(c.spec), c.want);
  });
}

test('error types are upstream\'s: Not found is FieldValueNotFound', () => {
  const errs = validatePodCreate(spec({ containers: [ctr({ volumeMounts: [{ name: 'x', mountPath: '/x' }] })] }));
  assert.deepEqual(errs.map((e) => e.type), ['FieldValueNotFound']);
});

test('on update the spec is checked as on create, without the create-only rules', () => {
  const s = spec({ ephemeralContainers: [ctr({ name: 'e' })], containers: [ctr({ name: '' })] });
  assert.deepEqual(validatePodMetadataAndSpec(s).map(fieldErrorString), ['spec.containers[0].name: Required value']);
});

test('a template: labels at <path>.labels, spec at <path>.spec, no pod-only image rule, no ephemeral containers', () => {
  const template = { metadata: { labels: { 'bad key': 'v' } }, spec: spec({ containers: [ctr({ image: ' x' })], ephemeralContainers: [ctr({ name: 'e', image: '' })] }) };
  assert.deepEqual(validatePodTemplateSpec(template, 'spec.template').map(fieldErrorString), [
    `spec.template.labels: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    // validateEphemeralContainers runs for templates too (upstream: "even though ephemeral
    // containers aren't allowed in pod templates").
    'spec.template.spec.ephemeralContainers[0].image: Required value',
    'spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template',
  ]);
  const cost = { metadata: { annotations: { 'controller.kubernetes.io/pod-deletion-cost': 'x' } }, spec: spec() };
  assert.deepEqual(validatePodTemplateSpec(cost, 'spec.template').map(fieldErrorString), [
    'spec.template.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "x": must be a 32bit integer',
  ]);
});

test('a pod\'s pod-deletion-cost annotation: checked before the spec, except on updates of a pod that had an invalid one', () => {
  const meta = { annotations: { 'controller.kubernetes.io/pod-deletion-cost': '+10' } };
  const want = 'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "+10": must be a 32bit integer';
  assert.deepEqual(validatePodCreate(spec({ containers: [] }), meta).map(fieldErrorString), [want, 'spec.containers: Required value']);
  assert.deepEqual(validatePodMetadataAndSpec(spec(), meta, { allowInvalidDeletionCost: true }), []);
  for (const ok of ['-5', '0', '2147483647']) assert.deepEqual(validatePodCreate(spec(), { annotations: { 'controller.kubernetes.io/pod-deletion-cost': ok } }), [], ok);
  for (const bad of ['007', '2147483648', 'x', '']) assert.equal(validatePodCreate(spec(), { annotations: { 'controller.kubernetes.io/pod-deletion-cost': bad } }).length, 1, bad);
});

test('IsRelaxedEnvVarName and IsConfigMapKey', () => {
  assert.deepEqual(isRelaxedEnvVarName('my.env-name 1'), []);
  assert.deepEqual(isRelaxedEnvVarName('é'), ["a valid environment variable name must consist only of printable ASCII characters other than '='"]);
  assert.deepEqual(isConfigMapKey('key.name'), []);
  assert.deepEqual(isConfigMapKey('a/b'), ["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]);
  assert.deepEqual(isConfigMapKey('..'), ["must not be '..'"]);
});
