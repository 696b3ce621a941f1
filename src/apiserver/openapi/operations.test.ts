import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../../api/resources.js';
import { groupVersionPath, groupVersionPaths } from './operations.js';
import { openapiV3Document } from './serve.js';

type Op = { operationId: string; parameters?: Array<{ name: string; in: string }>; 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }; 'x-kubernetes-action'?: string };

function operations(gvPath: string): Array<{ path: string; method: string; op: Op }> {
  const doc = openapiV3Document(gvPath);
  assert.ok(doc, gvPath);
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).filter(([m]) => m !== 'parameters').map(([method, op]) => ({ path, method, op: op as Op })));
}

test('operationIds and paths follow upstream for a Service', () => {
  const ids = new Map(groupVersionPaths('', 'v1').flatMap((p) => p.operations.map((o) => [o.operationId, `${o.method.toUpperCase()} ${p.path}`] as const)));
  assert.equal(ids.get('patchCoreV1NamespacedService'), 'PATCH /api/v1/namespaces/{namespace}/services/{name}');
  assert.equal(ids.get('listCoreV1ServiceForAllNamespaces'), 'GET /api/v1/services');
  assert.equal(ids.get('watchCoreV1NamespacedServiceList'), 'GET /api/v1/watch/namespaces/{namespace}/services');
  assert.equal(ids.get('deleteCoreV1CollectionNamespacedService'), 'DELETE /api/v1/namespaces/{namespace}/services');
  assert.equal(ids.get('replaceCoreV1NamespacedServiceStatus'), 'PUT /api/v1/namespaces/{namespace}/services/{name}/status');
  assert.equal(ids.get('connectCoreV1GetNamespacedServiceProxyWithPath'), 'GET /api/v1/namespaces/{namespace}/services/{name}/proxy/{path}');
  assert.equal(ids.get('connectCoreV1PostNamespacedPodExec'), 'POST /api/v1/namespaces/{namespace}/pods/{name}/exec');
  assert.equal(ids.get('createCoreV1NamespacedPodEviction'), 'POST /api/v1/namespaces/{namespace}/pods/{name}/eviction');
  assert.equal(ids.get('readCoreV1NamespacedPodLog'), 'GET /api/v1/namespaces/{namespace}/pods/{name}/log');
  assert.equal(ids.get('patchCoreV1Node'), 'PATCH /api/v1/nodes/{name}');
  assert.equal(ids.get('replaceCoreV1NamespaceFinalize'), 'PUT /api/v1/namespaces/{name}/finalize');
  assert.equal(ids.get('getCoreV1APIResources'), 'GET /api/v1/');
  assert.equal(ids.has('deleteCoreV1CollectionNamespace'), false, 'namespaces have no deletecollection');
  const apps = new Map(groupVersionPaths('apps', 'v1').flatMap((p) => p.operations.map((o) => [o.operationId, o] as const)));
  assert.deepEqual(apps.get('patchAppsV1NamespacedDeploymentScale')?.gvk, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
});

test('every PATCH carries its GVK and a fieldValidation query parameter (what kubectl 1.29+ looks for)', () => {
  for (const r of RESOURCES.filter((res) => res.verbs.includes('patch'))) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const patches = operations(groupVersionPath(r.group, r.version)).filter((o) => o.method === 'patch' && o.op['x-kubernetes-action'] === 'patch');
    const mine = patches.filter((o) => {
      const g = o.op['x-kubernetes-group-version-kind'];
      return g?.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind;
    });
    assert.ok(mine.length > 0, `no PATCH for ${r.kind}`);
    for (const { path, op } of patches) {
      assert.ok(op.parameters?.some((p) => p.name === 'fieldValidation' && p.in === 'query'), `${path} PATCH lacks fieldValidation`);
    }
  }
});

test('kubectl explain finds each kind through the list path it searches', () => {
  for (const r of RESOURCES) {
    const gv = groupVersionPath(r.group, r.version);
    const doc = openapiV3Document(gv);
    const get = doc?.paths[`/${gv}/${r.resource}`]?.get as Op | undefined;
    assert.deepEqual(get?.['x-kubernetes-group-version-kind'], { group: r.group, version: r.version, kind: r.kind }, `${gv}/${r.resource}`);
  }
});

test('v3 documents hold exactly the schemas their operations reach, refs in v3 form', () => {
  const doc = openapiV3Document('apis/apps/v1');
  assert.ok(doc);
  const schemas = doc.components.schemas;
  assert.ok(schemas['io.k8s.api.apps.v1.Deployment']);
  assert.ok(schemas['io.k8s.api.autoscaling.v1.Scale']);
  assert.ok(schemas['io.k8s.api.core.v1.Container'], 'reached through the pod template');
  assert.equal(schemas['io.k8s.api.core.v1.Service'], undefined);
  const spec = (schemas['io.k8s.api.apps.v1.Deployment'].properties as Record<string, Record<string, unknown>>).spec;
  assert.deepEqual(spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }]);
  const text = JSON.stringify(doc);
  for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) assert.ok(schemas[m[1]], `dangling ${m[1]}`);
  assert.equal(text.includes('"ref"'), false);
});

test('parameters laid out as kube-openapi does: those every operation takes on the path, each list sorted by name', () => {
  const paths = new Map(groupVersionPaths('', 'v1').map((p) => [p.path, p]));
  const names = (list: Array<{ name: string }>): string[] => list.map((p) => p.name);
  // One operation only: all its query parameters belong to the path.
  const finalize = paths.get('/api/v1/namespaces/{name}/finalize');
  assert.deepEqual(names(finalize?.parameters ?? []), ['dryRun', 'fieldManager', 'fieldValidation', 'name', 'pretty']);
  assert.deepEqual(finalize?.operations[0].parameters, []);
  const attach = paths.get('/api/v1/namespaces/{namespace}/pods/{name}/attach');
  assert.deepEqual(names(attach?.parameters ?? []), ['container', 'name', 'namespace', 'stderr', 'stdin', 'stdout', 'tty']);
  const item = paths.get('/api/v1/namespaces/{namespace}/services/{name}');
  assert.deepEqual(names(item?.parameters ?? []), ['name', 'namespace', 'pretty']);
  assert.deepEqual(names(item?.operations.find((o) => o.method === 'patch')?.parameters ?? []), ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
});

test('the name parameter names the subresource kind; create and delete take the article upstream gives the kind', () => {
  const paths = new Map([...groupVersionPaths('', 'v1'), ...groupVersionPaths('apps', 'v1'), ...groupVersionPaths('discovery.k8s.io', 'v1')].map((p) => [p.path, p]));
  const nameOf = (path: string): string | undefined => paths.get(path)?.parameters.find((p) => p.name === 'name')?.description;
  assert.equal(nameOf('/api/v1/namespaces/{namespace}/pods/{name}/exec'), 'name of the PodExecOptions');
  assert.equal(nameOf('/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}'), 'name of the PodProxyOptions');
  assert.equal(nameOf('/api/v1/nodes/{name}/proxy'), 'name of the NodeProxyOptions');
  assert.equal(nameOf('/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'), 'name of the Scale');
  assert.equal(nameOf('/api/v1/namespaces/{namespace}/pods/{name}/log'), 'name of the Pod');
  const description = (path: string, method: string): string | undefined => paths.get(path)?.operations.find((o) => o.method === method)?.description;
  assert.equal(description('/api/v1/namespaces/{namespace}/events', 'post'), 'create an Event');
  assert.equal(description('/api/v1/namespaces/{namespace}/endpoints/{name}', 'delete'), 'delete Endpoints');
  assert.equal(description('/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices', 'post'), 'create an EndpointSlice');
  assert.equal(description('/api/v1/namespaces/{namespace}/services', 'post'), 'create a Service');
  assert.equal(description('/api/v1/namespaces/{namespace}/pods/{name}/eviction', 'post'), 'create eviction of a Pod');
});

test('the create-only reviews have their groups\' documents: one POST each, on the path upstream gives it', () => {
  const ops = new Map([...groupVersionPaths('authentication.k8s.io', 'v1'), ...groupVersionPaths('authorization.k8s.io', 'v1')]
    .flatMap((p) => p.operations.map((o) => [o.operationId, { path: p.path, op: o, pathParams: p.parameters.map((q) => q.name) }] as const)));
  assert.deepEqual([...ops.keys()].sort(), [
    'createAuthenticationV1SelfSubjectReview', 'createAuthenticationV1TokenReview', 'createAuthorizationV1NamespacedLocalSubjectAccessReview',
    'createAuthorizationV1SelfSubjectAccessReview', 'createAuthorizationV1SelfSubjectRulesReview', 'createAuthorizationV1SubjectAccessReview',
    'getAuthenticationV1APIResources', 'getAuthorizationV1APIResources',
  ]);
  const local = ops.get('createAuthorizationV1NamespacedLocalSubjectAccessReview');
  assert.equal(local?.path, '/apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews');
  assert.deepEqual(local?.pathParams, ['dryRun', 'fieldManager', 'fieldValidation', 'namespace', 'pretty']);
  assert.deepEqual(local?.op.gvk, { group: 'authorization.k8s.io', version: 'v1', kind: 'LocalSubjectAccessReview' });
  assert.equal(local?.op.description, 'create a LocalSubjectAccessReview');
  const doc = openapiV3Document('apis/authentication.k8s.io/v1');
  assert.ok(doc?.components.schemas['io.k8s.api.authentication.v1.TokenReview']);
});
