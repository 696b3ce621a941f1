import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../resources.js';
import { DEFINITIONS, definitionNameFor, resolveSchema, schemaAt } from './index.js';
import type { Schema } from './types.js';

function refsOf(schema: Schema | undefined, out: string[] = []): string[] {
  if (!schema) return out;
  if (schema.ref !== undefined) out.push(schema.ref);
  for (const p of Object.values(schema.properties ?? {})) refsOf(p, out);
  refsOf(schema.items, out);
  refsOf(schema.additionalProperties, out);
  return out;
}

test('every reference names a definition in the registry', () => {
  const dangling = Object.entries(DEFINITIONS).flatMap(([name, def]) => refsOf(def).filter((r) => !DEFINITIONS[r]).map((r) => `${name} -> ${r}`));
  assert.deepEqual(dangling, []);
});

test('every served kind, its list, and every subresource kind with a body has a definition', () => {
  for (const r of RESOURCES) {
    assert.ok(definitionNameFor(r.group, r.version, r.kind), `${r.group}/${r.version} ${r.kind}`);
    assert.ok(definitionNameFor(r.group, r.version, r.listKind), `${r.group}/${r.version} ${r.listKind}`);
    for (const s of r.subresources) {
      if (['attach', 'exec', 'portforward', 'proxy', 'log'].includes(s.name)) continue;
      assert.ok(definitionNameFor(s.group, s.version, s.kind), `${r.resource}/${s.name}: ${s.group}/${s.version} ${s.kind}`);
    }
  }
});

test('definitionNameFor uses upstream names and tells the two Event kinds apart', () => {
  assert.equal(definitionNameFor('', 'v1', 'Service'), 'io.k8s.api.core.v1.Service');
  assert.equal(definitionNameFor('apps', 'v1', 'Deployment'), 'io.k8s.api.apps.v1.Deployment');
  assert.equal(definitionNameFor('', 'v1', 'Event'), 'io.k8s.api.core.v1.Event');
  assert.equal(definitionNameFor('events.k8s.io', 'v1', 'Event'), 'io.k8s.api.events.v1.Event');
  assert.equal(definitionNameFor('autoscaling', 'v1', 'Scale'), 'io.k8s.api.autoscaling.v1.Scale');
  assert.equal(definitionNameFor('apps', 'v1', 'DeleteOptions'), 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  assert.equal(definitionNameFor('apps', 'v1', 'StatefulSet'), undefined);
});

test('schemaAt carries the patch and list extensions of Service ports', () => {
  const ports = schemaAt('io.k8s.api.core.v1.Service', ['spec', 'ports']);
  assert.equal(ports?.type, 'array');
  assert.equal(ports?.['x-kubernetes-patch-merge-key'], 'port');
  assert.equal(ports?.['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(ports?.['x-kubernetes-list-type'], 'map');
  assert.deepEqual(ports?.['x-kubernetes-list-map-keys'], ['port', 'protocol']);
  assert.match(ports?.description ?? '', /^The list of ports that are exposed by this service\./);
  const targetPort = schemaAt('io.k8s.api.core.v1.Service', ['spec', 'ports', 'targetPort']);
  assert.equal(targetPort?.format, 'int-or-string');
  assert.match(targetPort?.description ?? '', /^Number or name of the port to access on the pods targeted by the service\./);
});

test('schemaAt walks through lists and maps of a Deployment', () => {
  const containers = schemaAt('io.k8s.api.apps.v1.Deployment', ['spec', 'template', 'spec', 'containers']);
  assert.equal(containers?.['x-kubernetes-patch-merge-key'], 'name');
  assert.deepEqual(containers?.['x-kubernetes-list-map-keys'], ['name']);
  const ports = schemaAt('io.k8s.api.apps.v1.Deployment', ['spec', 'template', 'spec', 'containers', 'ports']);
  assert.equal(ports?.['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.deepEqual(ports?.['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  const volumes = schemaAt('io.k8s.api.core.v1.Pod', ['spec', 'volumes']);
  assert.equal(volumes?.['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  assert.equal(schemaAt('io.k8s.api.apps.v1.Deployment', ['spec', 'strategy'])?.['x-kubernetes-patch-strategy'], 'retainKeys');
  assert.deepEqual(schemaAt('io.k8s.api.core.v1.Pod', ['metadata', 'labels', 'app']), { type: 'string' });
  const selector = schemaAt('io.k8s.api.apps.v1.Deployment', ['spec', 'selector']);
  assert.equal(selector?.['x-kubernetes-map-type'], 'atomic');
  assert.ok(selector?.properties?.matchLabels, 'resolved to LabelSelector');
});

test('schemaAt gives the definition for an empty path and undefined off the schema', () => {
  assert.equal(schemaAt('io.k8s.api.core.v1.Service', []), DEFINITIONS['io.k8s.api.core.v1.Service']);
  assert.equal(schemaAt('io.k8s.api.core.v1.Service', ['spec', 'portz']), undefined);
  assert.equal(schemaAt('io.k8s.api.core.v1.Service', ['spec', 'clusterIP', 'x']), undefined);
  assert.equal(schemaAt('io.k8s.api.core.v1.Service', ['constructor']), undefined);
  assert.equal(schemaAt('io.k8s.api.core.v1.Service', ['__proto__']), undefined);
  assert.equal(schemaAt('io.k8s.api.core.v1.Nope', []), undefined);
});

test('resolveSchema lets the referring field override the definition', () => {
  const resolved = resolveSchema({ ref: 'io.k8s.api.apps.v1.DeploymentStrategy', description: 'mine', 'x-kubernetes-patch-strategy': 'retainKeys' });
  assert.equal(resolved?.description, 'mine');
  assert.equal(resolved?.['x-kubernetes-patch-strategy'], 'retainKeys');
  assert.ok(resolved?.properties?.rollingUpdate);
  assert.equal(resolveSchema({ ref: 'io.k8s.api.core.v1.Nope' }), undefined);
});

test('top-level kinds carry their GVK and the upstream kind descriptions', () => {
  const svc = DEFINITIONS['io.k8s.api.core.v1.Service'];
  assert.deepEqual(svc['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Service' }]);
  assert.match(svc.description ?? '', /^Service is a named abstraction of software service/);
  assert.match(DEFINITIONS['io.k8s.api.core.v1.ServiceSpec'].properties?.type?.description ?? '', /^type determines how the Service is exposed\. Defaults to ClusterIP\./);
  assert.deepEqual(DEFINITIONS['io.k8s.api.core.v1.Container'].required, ['name']);
});

test('1.33 shapes that later releases changed: EndpointSlice requires endpoints, Status.details carries listType atomic, 1.33 descriptions', () => {
  assert.deepEqual(DEFINITIONS['io.k8s.api.discovery.v1.EndpointSlice'].required, ['addressType', 'endpoints']);
  assert.equal(schemaAt('io.k8s.apimachinery.pkg.apis.meta.v1.Status', ['details'])?.['x-kubernetes-list-type'], 'atomic');
  assert.equal(schemaAt('io.k8s.api.core.v1.Pod', ['spec', 'containers', 'env', 'name'])?.description, 'Name of the environment variable. Must be a C_IDENTIFIER.');
  assert.match(schemaAt('io.k8s.api.core.v1.Pod', ['spec', 'initContainers', 'restartPolicy'])?.description ?? '', /This field may only be set for init containers, and the only allowed value is "Always"\./);
  assert.match(schemaAt('io.k8s.api.apps.v1.Deployment', ['status', 'terminatingReplicas'])?.description ?? '', /This is an alpha field\. Enable DeploymentReplicaSetTerminatingReplicas/);
});
