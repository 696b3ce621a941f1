/**
 * @module Strategic merge patch on real Kubernetes shapes, with the merge keys of
 * testdata/k8s-schema.ts. The first cases are exactly what kubectl apply sends
 * (/work/shared/reference/kubectl-protocol.md §2.6); the rest mirror the directive cases of
 * k8s.io/apimachinery strategicpatch patch_test.go named in each test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from './schema-lookup.js';
import { StrategicMergeError } from './strategic-errors.js';
import { strategicMergePatch } from './strategic-merge.js';
import { DEPLOYMENT, K8S_LOOKUP, POD, SERVICE } from './testdata/k8s-schema.js';

type JsonMap = Record<string, unknown>;

function smp(root: string, original: JsonMap, patch: JsonMap): JsonMap {
  return strategicMergePatch(original, patch, { lookup: K8S_LOOKUP, schema: resolve(K8S_LOOKUP, K8S_LOOKUP.definition(root)) });
}

/** The Service `kubectl expose deployment/nginx --port=80` leaves in storage (kubectl-protocol.md §2.5), defaulted. */
function exposedService(): JsonMap {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' }, uid: 'u1', resourceVersion: '7' },
    spec: {
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      selector: { app: 'nginx' },
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20'],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    },
    status: { loadBalancer: {} },
  };
}

const LAST_APPLIED =
  '{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name":"nginx","namespace":"default"},"spec":{"ports":[{"name":"http","port":80,"targetPort":"http"}],"selector":{"app":"nginx"}}}\n';

test('kubectl apply of service.yaml over a Service made by kubectl expose (kubectl-protocol.md §2.6)', () => {
  const patch = JSON.parse(
    `{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":${JSON.stringify(LAST_APPLIED)}}},` +
      '"spec":{"$setElementOrder/ports":[{"port":80}],"ports":[{"name":"http","port":80,"targetPort":"http"}]}}',
  );
  const want = exposedService();
  (want.metadata as JsonMap).annotations = { 'kubectl.kubernetes.io/last-applied-configuration': LAST_APPLIED };
  (want.spec as JsonMap).ports = [{ port: 80, protocol: 'TCP', targetPort: 'http', name: 'http' }];
  assert.deepEqual(smp(SERVICE, exposedService(), patch), want);
});

function nginxDeployment(): JsonMap {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' }, generation: 1 },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'nginx' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.14.2',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              resources: {},
              imagePullPolicy: 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
        },
      },
    },
  };
}

test('kubectl apply changing the image and adding a port of a Deployment (kubectl-protocol.md §2.6)', () => {
  const patch = JSON.parse(
    '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"$setElementOrder/ports":[{"containerPort":80},{"containerPort":443}],"image":"nginx:1.27","name":"nginx","ports":[{"containerPort":443,"name":"https"}]}]}}}}',
  );
  const got = smp(DEPLOYMENT, nginxDeployment(), patch);
  const want = nginxDeployment() as { spec: { template: { spec: { containers: JsonMap[] } } } };
  want.spec.template.spec.containers[0].image = 'nginx:1.27';
  want.spec.template.spec.containers[0].ports = [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, name: 'https' }];
  assert.deepEqual(got, want);
});

test('a new container is merged in by name; the existing one is kept (merge lists of maps)', () => {
  const got = smp(DEPLOYMENT, nginxDeployment(), {
    spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } },
  }) as { spec: { template: { spec: { containers: JsonMap[] } } } };
  assert.deepEqual(got.spec.template.spec.containers.map((c) => c.name), ['sidecar', 'nginx']);
});

test('$setElementOrder orders new and kept items (set elements order in a list with server-only items)', () => {
  const got = smp(DEPLOYMENT, nginxDeployment(), {
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }], containers: [{ name: 'sidecar', image: 'busybox' }] } } },
  }) as { spec: { template: { spec: { containers: JsonMap[] } } } };
  assert.deepEqual(got.spec.template.spec.containers.map((c) => c.name), ['nginx', 'sidecar']);
});

test('$patch: delete removes a list item by merge key (delete map from merging list)', () => {
  const got = smp(SERVICE, exposedService(), { spec: { ports: [{ port: 80, $patch: 'delete' }] } }) as { spec: JsonMap };
  assert.deepEqual(got.spec.ports, []);
});

test('$patch: replace replaces a whole list or map (delete all items from merging list / delete all keys from map)', () => {
  const svc = smp(SERVICE, exposedService(), { spec: { ports: [{ port: 8080, protocol: 'UDP' }, { $patch: 'replace' }] } }) as { spec: JsonMap };
  assert.deepEqual(svc.spec.ports, [{ port: 8080, protocol: 'UDP' }]);
  const labels = smp(SERVICE, exposedService(), { metadata: { labels: { tier: 'web', $patch: 'replace' } } }) as { metadata: JsonMap };
  assert.deepEqual(labels.metadata.labels, { tier: 'web' });
  const gone = smp(SERVICE, exposedService(), { metadata: { labels: { $patch: 'delete' } } }) as { metadata: JsonMap };
  assert.deepEqual(gone.metadata.labels, {});
});

test('null deletes a key; nulls in new values are dropped (defined null values should propagate removing original fields)', () => {
  const got = smp(SERVICE, exposedService(), { metadata: { labels: null, annotations: { a: 'b', c: null } } }) as { metadata: JsonMap };
  assert.equal('labels' in got.metadata, false);
  assert.deepEqual(got.metadata.annotations, { a: 'b' });
});

test('finalizers merge as a set and $deleteFromPrimitiveList removes from it (merge lists of scalars, delete items in lists of scalars)', () => {
  const pod = { metadata: { name: 'p', finalizers: ['a', 'b'] }, spec: { containers: [] } };
  const added = smp(POD, pod, { metadata: { finalizers: ['c', 'a'] } }) as { metadata: JsonMap };
  assert.deepEqual(added.metadata.finalizers, ['c', 'a', 'b']);
  const removed = smp(POD, pod, { metadata: { '$setElementOrder/finalizers': ['a'], '$deleteFromPrimitiveList/finalizers': ['b'] } }) as { metadata: JsonMap };
  assert.deepEqual(removed.metadata.finalizers, ['a']);
});

test('ownerReferences merge by uid', () => {
  const pod = { metadata: { ownerReferences: [{ uid: '1', kind: 'ReplicaSet', name: 'rs1' }] }, spec: {} };
  const got = smp(POD, pod, { metadata: { ownerReferences: [{ uid: '2', kind: 'ReplicaSet', name: 'rs2' }, { uid: '1', controller: true }] } }) as { metadata: JsonMap };
  assert.deepEqual(got.metadata.ownerReferences, [
    { uid: '2', kind: 'ReplicaSet', name: 'rs2' },
    { uid: '1', kind: 'ReplicaSet', name: 'rs1', controller: true },
  ]);
});

test('tolerations (no patch strategy) and unknown fields are replaced whole', () => {
  const pod = { metadata: {}, spec: { tolerations: [{ key: 'a', operator: 'Exists' }], extra: [{ x: 1 }] } };
  const got = smp(POD, pod, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }], extra: [{ y: 2 }] } }) as { spec: JsonMap };
  assert.deepEqual(got.spec.tolerations, [{ key: 'b', operator: 'Exists' }]);
  assert.deepEqual(got.spec.extra, [{ y: 2 }]);
});

test('env and volumeMounts merge by their keys', () => {
  const pod = {
    metadata: {},
    spec: { containers: [{ name: 'c', env: [{ name: 'A', value: '1' }], volumeMounts: [{ name: 'v', mountPath: '/data' }] }] },
  };
  const got = smp(POD, pod, {
    spec: { containers: [{ name: 'c', env: [{ name: 'A', value: '2' }, { name: 'B', value: '3' }], volumeMounts: [{ mountPath: '/data', readOnly: true }] }] },
  }) as { spec: { containers: JsonMap[] } };
  assert.deepEqual(got.spec.containers[0].env, [{ name: 'A', value: '2' }, { name: 'B', value: '3' }]);
  assert.deepEqual(got.spec.containers[0].volumeMounts, [{ name: 'v', mountPath: '/data', readOnly: true }]);
});

test('$retainKeys clears fields of a union (retainKeys map should clear defaulted field)', () => {
  const got = smp(DEPLOYMENT, nginxDeployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }) as { spec: JsonMap };
  assert.deepEqual(got.spec.strategy, { type: 'Recreate' });
  const volumes = smp(POD, { metadata: {}, spec: { volumes: [{ name: 'v', emptyDir: {} }] } }, {
    spec: { volumes: [{ name: 'v', $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' } }] },
  }) as { spec: JsonMap };
  assert.deepEqual(volumes.spec.volumes, [{ name: 'v', configMap: { name: 'cm' } }]);
});

test('malformed directives fail as upstream classifies them', () => {
  const fails = (patch: JsonMap, message: string, failure: string): void => {
    assert.throws(
      () => smp(SERVICE, exposedService(), patch),
      (err: unknown) => err instanceof StrategicMergeError && err.message === message && err.failure === failure,
    );
  };
  fails({ spec: { $retainKeys: 'type', type: 'NodePort' } }, 'invalid patch format of retainKeys', 'BadRequest');
  fails({ spec: { $retainKeys: ['type'], clusterIP: 'None' } }, 'invalid patch format of retainKeys', 'BadRequest');
  fails({ spec: { $setElementOrder: [] } }, 'invalid patch format of setElementOrder list', 'BadRequest');
  fails({ metadata: { $deleteFromPrimitiveList: ['x'] } }, 'invalid patch format of primitive list', 'BadRequest');
  fails({ spec: { ports: [{ $patch: 'delete', name: 'http' }] } }, 'map: map[$patch:delete name:http] does not contain declared merge key: port', 'Internal');
  fails({ spec: { ports: [{ targetPort: 8080 }] } }, 'map: map[targetPort:8080] does not contain declared merge key: port', 'Internal');
  fails({ spec: { $patch: 'frobnicate' } }, 'unknown patch type: frobnicate in map: map[$patch:frobnicate]', 'Internal');
  fails({ spec: { ports: [{ port: 80, $patch: 'merge' }] } }, 'merging lists cannot yet be specified in the patch', 'Internal');
  fails(
    { spec: { '$setElementOrder/ports': [{ port: 80 }], ports: [{ port: 81 }] } },
    "The order in patch list:\n[map[port:81]]\n doesn't match $setElementOrder list:\n[map[port:80]]\n",
    'Internal',
  );
  assert.throws(
    () => smp(POD, { metadata: { finalizers: [['a']] }, spec: {} }, { metadata: { finalizers: [['b']] } }),
    (err: unknown) => err instanceof StrategicMergeError && err.message === 'lists of lists are not supported' && err.failure === 'Invalid',
  );
});

test('inputs are not modified', () => {
  const svc = exposedService();
  const patch = { spec: { ports: [{ port: 80, $patch: 'delete' }] } };
  smp(SERVICE, svc, patch);
  assert.deepEqual(svc, exposedService());
  assert.deepEqual(patch, { spec: { ports: [{ port: 80, $patch: 'delete' }] } });
});
