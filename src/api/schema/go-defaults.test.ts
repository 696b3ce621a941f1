/**
 * @module The generated table of openapi-gen's defaults (go-defaults.ts, from k8s.io/api and
 * k8s.io/apimachinery v0.33.1): known entries and known non-entries, and that every entry lands
 * on a field, list or map of kubito's schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GO_DEFAULTS } from './go-defaults.js';
import { DEFINITIONS } from './registry.js';
import type { Schema } from './types.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const CORE = 'io.k8s.api.core.v1';

test('struct fields default to {}, fields without omitempty to their zero value, +default markers to their value', () => {
  const cases: Array<[string, string, unknown]> = [
    [`${CORE}.Pod`, 'metadata', {}],
    [`${CORE}.Pod`, 'spec', {}],
    [`${CORE}.ServicePort`, 'port', 0], // int32 without omitempty
    [`${CORE}.ServicePort`, 'protocol', 'TCP'], // +default="TCP"
    [`${CORE}.ContainerPort`, 'containerPort', 0],
    [`${CORE}.Container`, 'name', ''],
    [`${CORE}.LocalObjectReference`, 'name', ''], // +default="" on an omitempty field
    [`${CORE}.AzureDiskVolumeSource`, 'cachingMode', 'ReadWrite'], // +default=ref(AzureDataDiskCachingReadWrite)
    [`${CORE}.PodSpec`, 'containers[]', {}], // list items
    [META, 'labels{}', ''], // map values
    [META, 'finalizers[]', ''],
    ['io.k8s.api.apps.v1.DeploymentSpec', 'template', {}],
    ['io.k8s.api.apps.v1.DeploymentCondition', 'status', ''], // a named string, no omitempty
  ];
  for (const [def, path, value] of cases) assert.deepEqual(GO_DEFAULTS[def]?.[path], value, `${def}.${path}`);
});

test('no default for pointers, omitempty scalars, lists and maps themselves, or types with their own UnmarshalJSON', () => {
  const cases: Array<[string, string]> = [
    [`${CORE}.PodSpec`, 'terminationGracePeriodSeconds'], // *int64
    [`${CORE}.Container`, 'securityContext'], // *SecurityContext
    [`${CORE}.ServicePort`, 'nodePort'], // omitempty int32
    [`${CORE}.ServicePort`, 'targetPort'], // IntOrString: UnmarshalJSON
    [META, 'creationTimestamp'], // Time: UnmarshalJSON
    [META, 'labels'],
    [`${CORE}.PodSpec`, 'containers'],
    [`${CORE}.ResourceRequirements`, 'limits{}'], // Quantity: UnmarshalJSON
    [`${CORE}.PodSpec`, 'nodeName'], // omitempty string
  ];
  for (const [def, path] of cases) assert.equal(GO_DEFAULTS[def]?.[path], undefined, `${def}.${path}`);
});

test('every entry lands on a field, list items or map values of its definition', () => {
  const resolve = (s: Schema | undefined): Schema | undefined => (s?.ref !== undefined ? DEFINITIONS[s.ref] : s);
  for (const [def, defaults] of Object.entries(GO_DEFAULTS)) {
    for (const path of Object.keys(defaults)) {
      const [, field, rest] = /^([^[{]+)(.*)$/.exec(path) as RegExpExecArray;
      let s: Schema | undefined = DEFINITIONS[def]?.properties?.[field];
      for (const step of rest.match(/\[\]|\{\}/g) ?? []) s = step === '[]' ? resolve(s)?.items : resolve(s)?.additionalProperties;
      assert.ok(s, `${def}.${path}`);
    }
  }
});
