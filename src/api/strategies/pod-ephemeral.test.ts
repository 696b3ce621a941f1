import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../types.js';
import { fieldErrorString } from '../validation/field-errors.js';
import { ephemeralResetFields, keepAllButEphemeralContainers, validateEphemeralContainersUpdate } from './pod-ephemeral.js';
import { podStrategy } from './pod.js';

function debugger_(name = 'debugger', over: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, image: 'busybox', stdin: true, tty: true, targetContainerName: 'app', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'Always', resources: {}, ...over };
}

function pod(ephemeral?: unknown[], annotations?: Record<string, string>): KubeObject {
  const obj: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', labels: { app: 'web' }, ...(annotations && { annotations }) },
    spec: {
      containers: [{ name: 'app', image: 'nginx' }],
      initContainers: [{ name: 'setup', image: 'busybox' }],
      nodeName: 'kubito-node',
      ...(ephemeral && { ephemeralContainers: ephemeral }),
    },
    status: { phase: 'Running', qosClass: 'BestEffort' },
  };
  podStrategy.defaults!(obj);
  return obj;
}

function messages(next: KubeObject, prev: KubeObject): string[] {
  return validateEphemeralContainersUpdate(next, prev).map(fieldErrorString);
}

test('an added ephemeral container passes; defaulting fills it as SetDefaults_Container does', () => {
  const next = pod([{ name: 'debugger', image: 'busybox', stdin: true, tty: true, targetContainerName: 'app' }]);
  assert.deepEqual((next.spec as { ephemeralContainers: unknown[] }).ephemeralContainers, [debugger_()]);
  assert.deepEqual(messages(next, pod()), []);
  assert.deepEqual(messages(pod([debugger_(), debugger_('second')]), pod([debugger_()])), []);
});

test('only additions: an existing one may be neither removed nor changed (upstream texts)', () => {
  assert.deepEqual(messages(pod([debugger_('other')]), pod([debugger_()])), [
    'spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed\n',
  ]);
  const [changed] = messages(pod([debugger_('debugger', { image: 'busybox:1.36' })]), pod([debugger_()]));
  assert.equal(changed, 'spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be changed\n  EphemeralContainer{\n- \timage: "busybox"\n+ \timage: "busybox:1.36"\n  }\n');
  // Order is not preserved by patches: a reordered list is no change.
  assert.deepEqual(messages(pod([debugger_('b'), debugger_('a')]), pod([debugger_('a'), debugger_('b')])), []);
});

test('names are unique across containers, init containers and ephemeral containers; the target must be a container', () => {
  assert.deepEqual(messages(pod([debugger_('app'), debugger_('setup'), debugger_('x'), debugger_('x')]), pod()), [
    'spec.ephemeralContainers[0].name: Duplicate value: "app"',
    'spec.ephemeralContainers[1].name: Duplicate value: "setup"',
    'spec.ephemeralContainers[3].name: Duplicate value: "x"',
  ]);
  assert.deepEqual(messages(pod([debugger_('d', { targetContainerName: 'nope' })]), pod()), ['spec.ephemeralContainers[0].targetContainerName: Not found: "nope"']);
  assert.deepEqual(messages(pod([debugger_('d', { targetContainerName: 'setup' })]), pod()), []);
});

test('forbidden fields: "cannot be set for an Ephemeral Container", in the Go struct\'s order', () => {
  const bad = debugger_('d', {
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    resources: { limits: { cpu: '1' } },
    restartPolicy: 'Always',
    lifecycle: { preStop: { exec: { command: ['true'] } } },
    readinessProbe: { exec: { command: ['true'] }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
    volumeMounts: [{ name: 'v', mountPath: '/v', subPath: 'x' }],
  });
  const next = pod([bad]);
  (next.spec as Record<string, unknown>).volumes = [{ name: 'v', emptyDir: {} }];
  const prev = pod();
  (prev.spec as Record<string, unknown>).volumes = [{ name: 'v', emptyDir: {} }];
  assert.deepEqual(messages(next, prev), [
    'spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container',
    'spec.ephemeralContainers[0].resources: Forbidden: cannot be set for an Ephemeral Container',
    'spec.ephemeralContainers[0].restartPolicy: Forbidden: cannot be set for an Ephemeral Container',
    'spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container',
    'spec.ephemeralContainers[0].lifecycle: Forbidden: cannot be set for an Ephemeral Container',
    'spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container',
  ]);
  // resources: {} (Go's zero value, what defaulting writes) is not set.
  assert.deepEqual(messages(pod([debugger_('d', { resources: { limits: null } })]), pod()), []);
});

test('the common container checks apply: name, image, pull policy', () => {
  assert.deepEqual(messages(pod([debugger_('Bad_Name', { image: '', imagePullPolicy: 'Sometimes' })]), pod()), [
    'spec.ephemeralContainers[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')',
    'spec.ephemeralContainers[0].image: Required value',
    'spec.ephemeralContainers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
  ]);
});

test('static (mirror) pods do not support ephemeral containers', () => {
  const mirror = { 'kubernetes.io/config.mirror': 'abc' };
  assert.deepEqual(messages(pod([debugger_()], mirror), pod(undefined, mirror)), [': Forbidden: static pods do not support ephemeral containers']);
});

test('a write keeps all of the stored pod but spec.ephemeralContainers', () => {
  const prev = pod();
  const next = pod([debugger_()]);
  next.metadata.labels = { app: 'changed' };
  next.metadata.managedFields = [{ manager: 'kubectl-debug', operation: 'Update' }];
  (next.spec as Record<string, unknown>).containers = [{ name: 'app', image: 'other' }];
  next.status = { phase: 'Failed' };
  keepAllButEphemeralContainers(next, prev);
  const expected = pod([debugger_()]);
  expected.metadata.managedFields = [{ manager: 'kubectl-debug', operation: 'Update' }];
  assert.deepEqual(next, expected);
  // A body without the list removes them all (which validation then refuses).
  const emptied = pod();
  keepAllButEphemeralContainers(emptied, pod([debugger_()]));
  assert.equal((emptied.spec as Record<string, unknown>).ephemeralContainers, undefined);
});

test('the main resource may not change them (ValidatePodUpdate: not an updatable field)', () => {
  const errs = podStrategy.validateUpdate!(pod([debugger_()]), pod(), undefined).map(fieldErrorString);
  assert.equal(errs.length, 1);
  assert.match(errs[0], /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  assert.match(errs[0], /\+ \tephemeralContainers: \[\{"name":"debugger"/);
  assert.deepEqual(podStrategy.validate!(pod([debugger_()])).map(fieldErrorString), ['spec.ephemeralContainers: Forbidden: cannot be set on create']);
});

test('the field manager records spec.ephemeralContainers alone', () => {
  const reset = ephemeralResetFields(pod(), pod([debugger_()]));
  assert.deepEqual(reset.filter((p) => p[0] !== 'spec'), [['apiVersion'], ['kind'], ['metadata'], ['status']]);
  assert.ok(reset.some((p) => p.join('.') === 'spec.containers'));
  assert.ok(!reset.some((p) => p.join('.') === 'spec.ephemeralContainers'));
});
