/**
 * @module The generated table of Go's `omitempty` zero values (go-omitempty.ts, from k8s.io/api
 * and k8s.io/apimachinery v0.33.1): known entries and known non-entries, and that every entry
 * names a field of kubito's schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GO_OMITEMPTY } from './go-omitempty.js';
import { DEFINITIONS } from './registry.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const CORE = 'io.k8s.api.core.v1';

test('omitempty fields of a string, bool, number, map or slice type are listed with their zero kind', () => {
  const cases: Array<[string, string, string]> = [
    [META, 'labels', 'map'],
    [META, 'annotations', 'map'],
    [META, 'finalizers', 'list'],
    [META, 'namespace', 'string'],
    [META, 'uid', 'string'], // types.UID, a named string in another package
    [`${CORE}.Container`, 'stdin', 'bool'],
    [`${CORE}.Container`, 'args', 'list'],
    [`${CORE}.Container`, 'imagePullPolicy', 'string'], // a named string (PullPolicy)
    [`${CORE}.ServicePort`, 'nodePort', 'number'],
    [`${CORE}.ServicePort`, 'protocol', 'string'],
    [`${CORE}.ServiceSpec`, 'selector', 'map'],
    [`${CORE}.ServiceSpec`, 'clusterIP', 'string'],
    [`${CORE}.ContainerPort`, 'hostPort', 'number'],
    [`${CORE}.Secret`, 'data', 'map'], // map[string][]byte
    [`${CORE}.NodeStatus`, 'capacity', 'map'], // ResourceList, a named map
    ['io.k8s.api.apps.v1.DeploymentStatus', 'replicas', 'number'],
    ['io.k8s.api.apps.v1.Deployment', 'kind', 'string'], // from the inlined TypeMeta
    ['io.k8s.api.autoscaling.v1.ScaleSpec', 'replicas', 'number'],
  ];
  for (const [def, field, kind] of cases) assert.equal(GO_OMITEMPTY[def]?.[field], kind, `${def}.${field}`);
});

test('fields Go always writes are not listed: no omitempty, a pointer, a struct', () => {
  const cases: Array<[string, string]> = [
    [`${CORE}.ServicePort`, 'port'], // int32 without omitempty
    [`${CORE}.Container`, 'name'],
    [`${CORE}.PodSpec`, 'terminationGracePeriodSeconds'], // *int64
    [`${CORE}.PodSpec`, 'enableServiceLinks'], // *bool
    [META, 'creationTimestamp'], // metav1.Time, a struct
    [`${CORE}.ServicePort`, 'targetPort'], // intstr.IntOrString, a struct
    [`${CORE}.Service`, 'status'], // ServiceStatus, a struct
    ['io.k8s.api.apps.v1.ReplicaSetStatus', 'replicas'], // no omitempty
    [`${CORE}.ContainerStatus`, 'restartCount'],
  ];
  for (const [def, field] of cases) assert.equal(GO_OMITEMPTY[def]?.[field], undefined, `${def}.${field}`);
});

test('every entry is a field of its definition in the schema registry', () => {
  for (const [def, fields] of Object.entries(GO_OMITEMPTY)) {
    const properties = DEFINITIONS[def]?.properties;
    assert.ok(properties, def);
    for (const field of Object.keys(fields)) assert.ok(Object.hasOwn(properties, field), `${def}.${field}`);
  }
});
