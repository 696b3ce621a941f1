import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../validation/index.js';
import type { KubeObject } from '../types.js';
import { configMapStrategy, secretStrategy } from './config.js';

const secret = (extra: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, ...extra });
const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('Secret defaults: stringData merged into data (winning), type Opaque', () => {
  const s = secret({ data: { a: b64('old'), b: b64('keep') }, stringData: { a: 'new', c: 'ünï' } });
  secretStrategy.defaults!(s);
  assert.deepEqual(s, secret({ data: { a: b64('new'), b: b64('keep'), c: b64('ünï') }, type: 'Opaque' }));
  const t = secret({ type: 'kubernetes.io/tls', stringData: {} });
  secretStrategy.defaults!(t);
  assert.deepEqual(t, secret({ type: 'kubernetes.io/tls' }));
});

test('Secret strategy: the merged data is what is validated; the type stays', () => {
  const s = secret({ type: 'kubernetes.io/basic-auth', stringData: { username: 'u' } });
  secretStrategy.prepareForCreate!(s, { now: '', operation: 'create', dryRun: false });
  assert.deepEqual(secretStrategy.validate!(s).map(fieldErrorString), []);
  const old = secret({ type: 'kubernetes.io/basic-auth', data: { username: b64('u') }, immutable: true });
  const next = secret({ type: 'Opaque', stringData: { username: 'v' }, immutable: true });
  secretStrategy.prepareForUpdate!(next, old, { now: '', operation: 'update', dryRun: false });
  assert.deepEqual(secretStrategy.validateUpdate!(next, old).map(fieldErrorString), [
    'type: Invalid value: "Opaque": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

test('ConfigMap strategy: keys on create, immutability on update', () => {
  const cm = (extra: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, ...extra });
  assert.equal(configMapStrategy.validate!(cm({ data: { 'a b': '1' } })).length, 1);
  assert.deepEqual(configMapStrategy.validateUpdate!(cm({ data: { a: '2' } }), cm({ data: { a: '1' }, immutable: true })).map(fieldErrorString), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});
