/** @module Tests of server-side field validation: Warn, Strict, and the in-process transport's requests. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { checkFields } from './field-validation.js';
import type { Scope } from './handlers/scope.js';

const SERVICES = RESOURCES.find((r) => r.resource === 'services' && r.group === '')!;

function scopeOf(query: string, http: { acceptsValue?: boolean; inProcess?: boolean } = {}): Scope {
  return {
    http: { method: 'POST', path: '/api/v1/namespaces/default/services', query: new URLSearchParams(query), headers: {}, ...http },
    request: { isResource: true, verb: 'create', group: '', version: 'v1', namespace: 'default', resource: 'services', name: '', subresource: '', rest: [] },
    info: SERVICES,
    now: 0,
    warnings: [],
  } as unknown as Scope;
}

const withUnknown = (): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }], bogus: 1 } }) as unknown as KubeObject;

test('Warn (the default) turns unknown fields into warnings', () => {
  const scope = scopeOf('');
  checkFields(scope, withUnknown());
  assert.deepEqual(scope.warnings, ['unknown field "spec.bogus"']);
});

test('Strict fails the request with upstream\'s message', () => {
  assert.throws(() => checkFields(scopeOf('fieldValidation=Strict'), withUnknown()), /strict decoding error: unknown field "spec.bogus"/);
});

test('a request of the in-process transport (no headers read) skips the Warn check, not Strict', () => {
  const scope = scopeOf('', { acceptsValue: true, inProcess: true });
  checkFields(scope, withUnknown());
  assert.deepEqual(scope.warnings, []);
  assert.throws(() => checkFields(scopeOf('fieldValidation=Strict', { acceptsValue: true, inProcess: true }), withUnknown()), /strict decoding error/);
  // A trusted request over the Unix socket still gets its Warning headers.
  const unix = scopeOf('', { inProcess: true });
  checkFields(unix, withUnknown());
  assert.equal(unix.warnings.length, 1);
});
