/** @module Tests of the pod strategy's create defaults: the account's two fields (admission names the account: pod-service-account.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podStrategy } from './pod.js';

test('the deprecated serviceAccount field mirrors the name; the strategy alone names no account (the ServiceAccount admission plugin does)', () => {
  const create = (spec: Record<string, unknown>) => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
    podStrategy.defaults!(pod);
    void podStrategy.prepareForCreate!(pod, { now: '2025-01-01T00:00:00Z', operation: 'create', dryRun: false });
    const { serviceAccountName, serviceAccount } = pod.spec as { serviceAccountName?: string; serviceAccount?: string };
    return [serviceAccountName, serviceAccount];
  };
  assert.deepEqual(create({}), [undefined, undefined]);
  assert.deepEqual(create({ serviceAccountName: 'builder' }), ['builder', 'builder']);
  assert.deepEqual(create({ serviceAccount: 'legacy' }), ['legacy', 'legacy']);
  assert.deepEqual(create({ serviceAccountName: 'builder', serviceAccount: 'legacy' }), ['builder', 'builder']);
});
