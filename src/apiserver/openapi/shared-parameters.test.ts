import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openapiV2Document } from './serve.js';
import { parameterHash } from './shared-parameters.js';

type Param = Record<string, unknown>;

test('parameter names hash the Go JSON of the parameter as kube-openapi does (names from upstream\'s 1.33 swagger)', () => {
  assert.equal(parameterHash('{"name":"body","in":"body","required":true,"schema":{"$ref":"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"}}'), '78PwaGsr');
  const params = openapiV2Document().parameters;
  for (const name of ['pretty-tJGM1-ng', 'body-78PwaGsr', 'body-2Y1dVQaQ', 'namespace-vgWSWtn3', 'fieldManager-7c6nTn1T', 'fieldManager-Qy4HdaTW',
    'container-1GeXxFDC', 'container-_Q-EJ3nR', 'container-i5dOmRiM', 'path-z6Ciiujn', 'gracePeriodSeconds--K5HaBOS', 'stdout--EZLRwV1']) {
    assert.ok(params[name], name);
  }
  assert.deepEqual(params['namespace-vgWSWtn3'], { description: 'object name and auth scope, such as for teams and projects', in: 'path', name: 'namespace', required: true, type: 'string', uniqueItems: true });
});

test('name, fieldValidation, dryRun and a kind\'s own body stay inline; the rest refer to the table', () => {
  const item = openapiV2Document().paths['/api/v1/namespaces/{namespace}/services/{name}'] as Record<string, { parameters?: Param[] } & Param>;
  assert.deepEqual(item.parameters, [
    { description: 'name of the Service', in: 'path', name: 'name', required: true, type: 'string', uniqueItems: true },
    { $ref: '#/parameters/namespace-vgWSWtn3' },
    { $ref: '#/parameters/pretty-tJGM1-ng' },
  ]);
  const patch = item.patch.parameters as Param[];
  assert.deepEqual(patch.map((p) => p.$ref ?? p.name), ['#/parameters/body-78PwaGsr', 'dryRun', '#/parameters/fieldManager-7c6nTn1T', 'fieldValidation', '#/parameters/force-tOGGb0Yi']);
  const put = item.put.parameters as Param[];
  assert.deepEqual(put[0], { in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.api.core.v1.Service' } });
});
