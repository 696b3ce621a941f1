import { test } from 'node:test';
import assert from 'node:assert/strict';
import { semanticEqual, validatePodSpecUpdate } from './pod-update.js';
import { fieldErrorString } from '../validation/field-errors.js';

function spec(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    containers: [{ name: 'busybox', image: 'busybox', command: ['sleep', '3600'], resources: {}, imagePullPolicy: 'Always' }],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    nodeName: 'kubito-node',
    ...over,
  };
}

function messages(next: Record<string, unknown>, prev = spec()): string[] {
  return validatePodSpecUpdate(next, prev).map(fieldErrorString);
}

const FORBIDDEN = 'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

test('the same spec, or one spelling zero values differently, is no change', () => {
  assert.deepEqual(messages(spec()), []);
  assert.deepEqual(messages(spec({ volumes: [], hostname: '', subdomain: null })), []);
});

test('images, a lowered or new activeDeadlineSeconds and added tolerations may change', () => {
  const next = spec({ containers: [{ name: 'busybox', image: 'busybox:1.36', command: ['sleep', '3600'], resources: {}, imagePullPolicy: 'Always' }] });
  assert.deepEqual(messages(next), []);
  assert.deepEqual(messages(spec({ activeDeadlineSeconds: 60 })), []);
  assert.deepEqual(messages(spec({ activeDeadlineSeconds: 30 }), spec({ activeDeadlineSeconds: 60 })), []);
  const tol = { key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 };
  assert.deepEqual(messages(spec({ tolerations: [tol, { key: 'x', operator: 'Exists' }] }), spec({ tolerations: [tol] })), []);
  assert.deepEqual(messages(spec({ tolerations: [{ ...tol, tolerationSeconds: 5 }] }), spec({ tolerations: [tol] })), []);
  assert.deepEqual(messages(spec({ terminationGracePeriodSeconds: 1 }), spec({ terminationGracePeriodSeconds: -1 })), []);
});

test('any other change is Forbidden, naming what differs', () => {
  const next = spec({ containers: [{ name: 'busybox', image: 'busybox', command: ['sleep', '10'], resources: {}, imagePullPolicy: 'Always' }], restartPolicy: 'Never' });
  const [msg, ...rest] = messages(next);
  assert.deepEqual(rest, []);
  assert.equal(msg, `${FORBIDDEN}\n  spec{\n- \tcontainers[0].command[1]: "3600"\n+ \tcontainers[0].command[1]: "10"\n- \trestartPolicy: "Always"\n+ \trestartPolicy: "Never"\n  }\n`);
  assert.match(messages(spec({ terminationGracePeriodSeconds: 5 }))[0], /^spec: Forbidden: pod updates may not change fields other than .*\n  spec\{\n- \tterminationGracePeriodSeconds: 30\n\+ \tterminationGracePeriodSeconds: 5\n  \}\n$/s);
  // An image change alongside another change: only the other is named.
  const both = spec({ containers: [{ name: 'busybox', image: 'nginx', command: ['sleep', '3600'], resources: {}, imagePullPolicy: 'Never' }] });
  assert.match(messages(both)[0], /\n- \tcontainers\[0\]\.imagePullPolicy: "Always"\n\+ \tcontainers\[0\]\.imagePullPolicy: "Never"\n  \}\n$/);
});

test('containers may not be added or removed, and each keeps an image', () => {
  const two = spec({ containers: [...(spec().containers as unknown[]), { name: 'b', image: 'nginx' }] });
  assert.deepEqual(messages(two), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
  const noImage = spec({ containers: [{ name: 'busybox', image: '', command: ['sleep', '3600'], resources: {}, imagePullPolicy: 'Always' }] });
  assert.deepEqual(messages(noImage), ['spec.containers[0].image: Required value']);
  const spaced = spec({ containers: [{ name: 'busybox', image: ' busybox', command: ['sleep', '3600'], resources: {}, imagePullPolicy: 'Always' }] });
  assert.deepEqual(messages(spaced), ['spec.containers[0].image: Invalid value: " busybox": must not have leading or trailing whitespace']);
});

test('activeDeadlineSeconds may not grow, go away or leave its range', () => {
  assert.deepEqual(messages(spec({ activeDeadlineSeconds: 90 }), spec({ activeDeadlineSeconds: 60 })), ['spec.activeDeadlineSeconds: Invalid value: 90: must be less than or equal to previous value']);
  assert.deepEqual(messages(spec({ activeDeadlineSeconds: -1 })), ['spec.activeDeadlineSeconds: Invalid value: -1: must be between 0 and 2147483647, inclusive']);
  assert.equal(messages(spec(), spec({ activeDeadlineSeconds: 60 }))[0], 'spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value');
});

test('tolerations may only be added, scheduling gates only removed', () => {
  const tol = { key: 'k', operator: 'Exists' };
  assert.deepEqual(messages(spec({ tolerations: [{ key: 'other', operator: 'Exists' }] }), spec({ tolerations: [tol] })), ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
  assert.deepEqual(messages(spec({ schedulingGates: [] }), spec({ schedulingGates: [{ name: 'a' }] })), []);
  assert.deepEqual(messages(spec({ schedulingGates: [{ name: 'b' }] }), spec({ schedulingGates: [{ name: 'a' }] })), ["spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate 'b'"]);
});

test('semantic equality: absent, null, "" and [] are one zero value; {} and 0 are values', () => {
  assert.equal(semanticEqual({ a: [] }, {}), true);
  assert.equal(semanticEqual({ a: '' }, { a: null }), true);
  assert.equal(semanticEqual({ a: 0 }, {}), false);
  assert.equal(semanticEqual([1, 2], [2, 1]), false);
});
