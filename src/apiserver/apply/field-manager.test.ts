/**
 * @module recordUpdate and applyConfiguration on real kinds (testdata/k8s-schema.ts): the
 * managedFields kube-apiserver writes for the kubectl commands of the Services chapter, the
 * Conflict it returns, and the layers of its field manager (k8s.io/apimachinery
 * managedfields/internal *_test.go: TestApplyStripsFields, TestNoUpdateBeforeFirstApply,
 * TestCapManagersManagerMergesEntries, TestLastAppliedUpdater...; the k/k integration test
 * TestApplyManagedFields for the create-then-apply shapes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { DEPLOYMENT, K8S_LOOKUP, SERVICE } from '../patch/testdata/k8s-schema.js';
import { LAST_APPLIED_ANNOTATION, applyConfiguration, recordUpdate } from './field-manager.js';

const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-01-01T00:01:00Z';
const T2 = '2024-01-01T00:02:00Z';
const svcOpts = { schema: K8S_LOOKUP, root: SERVICE };
const deployOpts = { schema: K8S_LOOKUP, root: DEPLOYMENT };

function fieldsOf(obj: KubeObject, manager: string, operation = 'Update'): unknown {
  return obj.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation)?.fieldsV1;
}

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return err;
  }
  assert.fail('expected an error');
}

/** What `kubectl expose deployment/nginx --port=80` creates (kubectl-protocol.md §2.5), after defaulting. */
function exposeBody(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' } },
    spec: { ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], selector: { app: 'nginx' }, type: 'ClusterIP', sessionAffinity: 'None' },
    status: { loadBalancer: {} },
  };
}

function exposedService(): KubeObject {
  const created = recordUpdate(undefined, exposeBody(), { ...svcOpts, manager: 'kubectl-expose', now: T0 });
  created.metadata.uid = 'u1';
  (created.spec as Record<string, unknown>).clusterIP = '10.96.0.20';
  return created;
}

const PORT80 = 'k:{"port":80,"protocol":"TCP"}';

test('create by kubectl expose: the creator owns what it sent (and defaulted), not the server-set status', () => {
  const svc = exposedService();
  assert.deepEqual(svc.metadata.managedFields, [
    {
      manager: 'kubectl-expose',
      operation: 'Update',
      apiVersion: 'v1',
      time: T0,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:ports': { '.': {}, [PORT80]: { '.': {}, 'f:port': {}, 'f:protocol': {}, 'f:targetPort': {} } },
          'f:selector': {},
          'f:sessionAffinity': {},
          'f:type': {},
        },
      },
    },
  ]);
});

test('create by kubectl create deployment: typed zero values decide where `.` appears', () => {
  const deploy: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {}, imagePullPolicy: 'Always' }], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    },
    status: {},
  };
  const out = recordUpdate(undefined, deploy, { ...deployOpts, manager: 'kubectl-create', now: T0 });
  // As kube-apiserver answers `kubectl create deployment nginx --image=nginx`: no `.` under
  // spec, strategy, template or containers (present in the Go zero value), `.` under labels.
  assert.deepEqual(fieldsOf(out, 'kubectl-create'), {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
      'f:template': {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {}, 'f:resources': {} } },
          'f:dnsPolicy': {},
          'f:restartPolicy': {},
        },
      },
    },
  });
});

test('kubectl apply (client-side) over an exposed Service: changed fields move to kubectl-client-side-apply (§2.6)', () => {
  const live = exposedService();
  const next = structuredClone(live);
  next.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: '{"apiVersion":"v1"}\n' };
  (next.spec as { ports: unknown[] }).ports = [{ port: 80, protocol: 'TCP', targetPort: 'http', name: 'http' }];
  const out = recordUpdate(live, next, { ...svcOpts, manager: 'kubectl-client-side-apply', now: T1 });
  assert.deepEqual(fieldsOf(out, 'kubectl-client-side-apply'), {
    'f:metadata': { 'f:annotations': { '.': {}, [`f:${LAST_APPLIED_ANNOTATION}`]: {} } },
    'f:spec': { 'f:ports': { [PORT80]: { 'f:name': {}, 'f:targetPort': {} } } },
  });
  assert.deepEqual((fieldsOf(out, 'kubectl-expose') as Record<string, Record<string, unknown>>)['f:spec']['f:ports'], {
    '.': {},
    [PORT80]: { '.': {}, 'f:port': {}, 'f:protocol': {} },
  });
  assert.deepEqual(out.metadata.managedFields?.map((e) => [e.manager, e.time]), [
    ['kubectl-expose', T0],
    ['kubectl-client-side-apply', T1],
  ]);
});

test('an update that changes nothing leaves managedFields (and times) alone', () => {
  const live = exposedService();
  const out = recordUpdate(live, structuredClone(live), { ...svcOpts, manager: 'kubectl-edit', now: T1 });
  assert.deepEqual(out.metadata.managedFields, live.metadata.managedFields);
});

test('writes through the status subresource own status, recorded with the subresource', () => {
  const live = exposedService();
  const next = structuredClone(live);
  next.status = { loadBalancer: { ingress: [{ ip: '127.0.0.2' }] } };
  const out = recordUpdate(live, next, { ...svcOpts, manager: 'kubito-lb', subresource: 'status', now: T1 });
  const entry = out.metadata.managedFields?.find((e) => e.manager === 'kubito-lb');
  assert.deepEqual(entry, {
    manager: 'kubito-lb',
    operation: 'Update',
    apiVersion: 'v1',
    time: T1,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:loadBalancer': { 'f:ingress': {} } } },
    subresource: 'status',
  });
  // The same change through the main resource is not owned: status is reset there.
  assert.equal(recordUpdate(live, next, { ...svcOpts, manager: 'x', now: T1 }).metadata.managedFields?.length, 1);
});

test('an existing object without managedFields stays untracked; an empty list resets them', () => {
  const live = exposedService();
  delete live.metadata.managedFields;
  const next = structuredClone(live);
  (next.spec as Record<string, unknown>).type = 'NodePort';
  assert.equal(recordUpdate(live, next, { ...svcOpts, manager: 'kubectl-edit', now: T1 }).metadata.managedFields, undefined);
  const tracked = exposedService();
  const reset = structuredClone(tracked);
  reset.metadata.managedFields = [];
  assert.equal(recordUpdate(tracked, reset, { ...svcOpts, manager: 'kubectl-patch', now: T1 }).metadata.managedFields, undefined);
});

test('more than ten Update managers fold the oldest into ancient-changes (TestCapManagersManagerMergesEntries)', () => {
  let obj = exposedService();
  for (let i = 0; i < 11; i++) {
    const next = structuredClone(obj);
    next.metadata.labels = { ...next.metadata.labels, [`l${i}`]: 'x' };
    obj = recordUpdate(obj, next, { ...svcOpts, manager: `m${i}`, now: `2024-01-01T00:${String(10 + i).padStart(2, '0')}:00Z` });
  }
  const managers = obj.metadata.managedFields?.map((e) => e.manager);
  assert.equal(managers?.length, 10);
  assert.ok(managers?.includes('ancient-changes'));
  assert.ok(!managers?.includes('kubectl-expose') && !managers?.includes('m0'));
});

/** `kubectl apply --server-side` of this Service (JSON body, as kubectl sends it). */
function serviceConfig(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx', namespace: 'default' }, spec };
}

test('server-side apply creating a Service records only what was applied (TestApplyStripsFields)', () => {
  const out = applyConfiguration(undefined, serviceConfig({ selector: { app: 'nginx' }, ports: [{ port: 80, targetPort: 8080 }] }), {
    ...svcOpts,
    manager: 'kubectl',
    now: T0,
  });
  assert.deepEqual(out.metadata.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'v1',
      time: T0,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:ports': { [PORT80]: { '.': {}, 'f:port': {}, 'f:targetPort': {} } }, 'f:selector': {} } },
    },
  ]);
  assert.deepEqual(out.spec, { selector: { app: 'nginx' }, ports: [{ port: 80, targetPort: 8080 }] });
  assert.equal(out.metadata.name, 'nginx');
});

test('apply changing fields another manager owns is a 409 with one cause per field', () => {
  const err = thrown(() =>
    applyConfiguration(exposedService(), serviceConfig({ selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }), {
      ...svcOpts,
      manager: 'kubectl',
      now: T1,
    }),
  );
  assert.deepEqual(err.status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      'Apply failed with 2 conflicts: conflicts with "kubectl-expose" using v1:\n- .spec.selector\n- .spec.ports[port=80,protocol="TCP"].targetPort',
    reason: 'Conflict',
    details: {
      causes: [
        { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-expose" using v1', field: '.spec.selector' },
        { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-expose" using v1', field: '.spec.ports[port=80,protocol="TCP"].targetPort' },
      ],
    },
    code: 409,
  });
});

test('applying the values others already have is no conflict: ownership is shared', () => {
  const out = applyConfiguration(exposedService(), serviceConfig({ selector: { app: 'nginx' } }), { ...svcOpts, manager: 'kubectl', now: T1 });
  assert.deepEqual(fieldsOf(out, 'kubectl', 'Apply'), { 'f:spec': { 'f:selector': {} } });
  assert.ok((fieldsOf(out, 'kubectl-expose') as Record<string, Record<string, unknown>>)['f:spec']['f:selector']);
  // Nothing changed, so the object is the live one and the applier's time is not set.
  assert.equal(out.metadata.managedFields?.find((e) => e.manager === 'kubectl')?.time, undefined);
  assert.equal((out.spec as Record<string, unknown>).clusterIP, '10.96.0.20');
});

/** A Deployment made by client-side `kubectl apply`, owned by kubectl-client-side-apply. */
function csaDeployment(replicas: number, lastApplied: number): KubeObject {
  const body: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
    },
  };
  const annotated = structuredClone(body);
  annotated.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: JSON.stringify({ ...body, spec: { ...(body.spec as object), replicas: lastApplied } }) + '\n' };
  const created = recordUpdate(undefined, annotated, { ...deployOpts, manager: 'kubectl-client-side-apply', now: T0 });
  created.metadata.uid = 'd1';
  return created;
}

function deploymentConfig(replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
    },
  };
}

test('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas', () => {
  const err = thrown(() => applyConfiguration(csaDeployment(2, 2), deploymentConfig(3), { ...deployOpts, manager: 'argocd', now: T1 }));
  assert.equal(err.code, 409);
  assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  assert.deepEqual(err.status.details?.causes, [
    { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' },
  ]);
  // With force the applier takes the field.
  const forced = applyConfiguration(csaDeployment(2, 2), deploymentConfig(3), { ...deployOpts, manager: 'argocd', force: true, now: T1 });
  assert.equal((forced.spec as { replicas: number }).replicas, 3);
  const csa = fieldsOf(forced, 'kubectl-client-side-apply') as Record<string, Record<string, unknown>>;
  assert.equal(csa['f:spec']['f:replicas'], undefined);
  assert.deepEqual((fieldsOf(forced, 'argocd', 'Apply') as Record<string, Record<string, unknown>>)['f:spec']['f:replicas'], {});
});

test('kubectl moving from client-side to server-side apply takes over what last-applied still describes', () => {
  // last-applied says 2 and live is 2: the conflict on replicas is allowed, and the annotation follows.
  const upgraded = applyConfiguration(csaDeployment(2, 2), deploymentConfig(3), { ...deployOpts, manager: 'kubectl', now: T1 });
  assert.equal((upgraded.spec as { replicas: number }).replicas, 3);
  assert.deepEqual(JSON.parse(upgraded.metadata.annotations![LAST_APPLIED_ANNOTATION]), deploymentConfig(3));
  assert.ok(upgraded.metadata.annotations![LAST_APPLIED_ANNOTATION].endsWith('\n'));
  // Someone changed replicas since (live 5, last-applied 2): that conflict stands.
  const err = thrown(() => applyConfiguration(csaDeployment(5, 2), deploymentConfig(3), { ...deployOpts, manager: 'kubectl', now: T1 }));
  assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
});

test('a last-applied annotation that would pass the annotations size limit is dropped (SetLastApplied)', () => {
  const big = deploymentConfig(3);
  // 200 KiB in the configuration's own annotation: twice that (the annotation repeats it) is over 256 KiB.
  big.metadata.annotations = { note: 'x'.repeat(200 * 1024) };
  const out = applyConfiguration(csaDeployment(2, 2), big, { ...deployOpts, manager: 'kubectl', now: T1 });
  assert.equal(out.metadata.annotations?.[LAST_APPLIED_ANNOTATION], undefined);
  assert.equal(out.metadata.annotations?.note.length, 200 * 1024);
  const small = applyConfiguration(csaDeployment(2, 2), deploymentConfig(3), { ...deployOpts, manager: 'kubectl', now: T1 });
  assert.ok(small.metadata.annotations?.[LAST_APPLIED_ANNOTATION]);
});

test('fields the applier applied before and omits now are removed, unless someone else owns them', () => {
  const first = applyConfiguration(undefined, serviceConfig({ selector: { app: 'nginx' }, type: 'NodePort', sessionAffinity: 'ClientIP' }), { ...svcOpts, manager: 'kubectl', now: T0 });
  first.metadata.uid = 'u1';
  // Another manager sets sessionAffinity to the same value: shared ownership.
  const shared = recordUpdate(first, structuredClone(first), { ...svcOpts, manager: 'other', now: T1 });
  const second = applyConfiguration(shared, serviceConfig({ selector: { app: 'nginx' } }), { ...svcOpts, manager: 'kubectl', now: T2 });
  assert.deepEqual(second.spec, { selector: { app: 'nginx' } });
  const controller = structuredClone(first);
  (controller.spec as Record<string, unknown>).sessionAffinity = 'None';
  const owned = recordUpdate(first, controller, { ...svcOpts, manager: 'controller', now: T1 });
  const third = applyConfiguration(owned, serviceConfig({ selector: { app: 'nginx' } }), { ...svcOpts, manager: 'kubectl', now: T2 });
  assert.deepEqual(third.spec, { selector: { app: 'nginx' }, sessionAffinity: 'None' });
});

test('the first apply to an object without managedFields assigns what exists to before-first-apply (TestNoUpdateBeforeFirstApply)', () => {
  const live = exposedService();
  delete live.metadata.managedFields;
  const out = applyConfiguration(live, serviceConfig({ type: 'NodePort' }), { ...svcOpts, manager: 'kubectl', force: true, now: T1 });
  assert.deepEqual(out.metadata.managedFields?.map((e) => [e.manager, e.operation]), [
    ['kubectl', 'Apply'],
    ['before-first-apply', 'Update'],
  ]);
  const before = fieldsOf(out, 'before-first-apply') as Record<string, Record<string, unknown>>;
  assert.equal(before['f:spec']['f:type'], undefined);
  assert.deepEqual(before['f:spec']['f:clusterIP'], {});
});

test('bad configurations fail as upstream fails them', () => {
  const wrongKind = thrown(() => applyConfiguration(exposedService(), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx' } }, { ...svcOpts, manager: 'kubectl', now: T1 }));
  assert.equal(wrongKind.code, 400);
  assert.equal(wrongKind.status.message, 'invalid object type: /v1, Kind=Pod');
  const withManaged = serviceConfig({});
  withManaged.metadata.managedFields = [];
  assert.equal(thrown(() => applyConfiguration(exposedService(), withManaged, { ...svcOpts, manager: 'kubectl', now: T1 })).status.message, 'metadata.managedFields must be nil');
  const unknown = thrown(() => applyConfiguration(exposedService(), serviceConfig({ foo: 1 }), { ...svcOpts, manager: 'kubectl', now: T1 }));
  assert.deepEqual([unknown.code, unknown.status.message], [500, 'failed to create typed patch object (default/nginx; /v1, Kind=Service): .spec.foo: field not declared in schema']);
  const dup = thrown(() => applyConfiguration(undefined, serviceConfig({ ports: [{ port: 80 }, { port: 80, protocol: 'TCP' }] }), { ...svcOpts, manager: 'kubectl', now: T1 }));
  assert.equal(dup.status.message, 'failed to create typed patch object (default/nginx; /v1, Kind=Service): .spec.ports: duplicate entries for key [port=80,protocol="TCP"]');
  const typed = thrown(() => applyConfiguration(undefined, serviceConfig({ type: 5, selector: 'app' }), { ...svcOpts, manager: 'kubectl', now: T1 }));
  assert.equal(
    typed.status.message,
    'failed to create typed patch object (default/nginx; /v1, Kind=Service): errors:\n' +
      '  .spec.type: expected string, got &value.valueUnstructured{Value:5}\n' +
      '  .spec.selector: expected map, got &{app}',
  );
  // A list-map item may omit a key that has a default (protocol: TCP), not all of them.
  const noKey = thrown(() => applyConfiguration(undefined, { ...deploymentConfig(1), spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, { ...deployOpts, manager: 'kubectl', now: T1 }));
  assert.match(noKey.status.message ?? '', /\.spec\.template\.spec\.containers: element 0: associative list with keys has an element that omits all key fields \["name"\] \(and doesn't have default values for any key fields\)$/);
});
