/** @module ConfigMap and Secret validation: upstream's paths, types and texts (1.33). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from './config.js';
import { fieldErrorString } from './field-errors.js';
import type { FieldError } from '../errors.js';

const texts = (errs: FieldError[]): string[] => errs.map(fieldErrorString);
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const KEY_FMT = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const IMMUTABLE = 'Forbidden: field is immutable when `immutable` is set';

test('ConfigMap: keys, binaryData duplicates, 1 MiB in all', () => {
  assert.deepEqual(texts(validateConfigMap({ data: { 'a.b_C-1': 'x' }, binaryData: { bin: b64('\u0000') } })), []);
  assert.deepEqual(texts(validateConfigMap({ data: { 'a b': '1', '..x': '2', k: 'v' }, binaryData: { k: b64('v'), '.': '' } })), [
    `data[..x]: Invalid value: "..x": must not start with '..'`,
    `data[a b]: Invalid value: "a b": ${KEY_FMT}`,
    'data[k]: Invalid value: "k": duplicate of key present in binaryData',
    `binaryData[.]: Invalid value: ".": must not be '.'`,
  ]);
  // Keys are looked up as map keys, not as properties of an object.
  assert.deepEqual(texts(validateConfigMap({ data: { constructor: '1', toString: '2' } })), []);
  const half = 'x'.repeat(512 * 1024);
  assert.deepEqual(texts(validateConfigMap({ data: { a: half, b: half } })), []);
  assert.deepEqual(texts(validateConfigMap({ data: { a: half }, binaryData: { b: b64(`${half}!`) } })), [': Too long: may not be more than 1048576 bytes']);
  // Bytes, not characters.
  assert.deepEqual(texts(validateConfigMap({ data: { a: 'é'.repeat(524289) } })), [': Too long: may not be more than 1048576 bytes']);
});

test('ConfigMap update: immutable once set, data and binaryData too', () => {
  const old = { immutable: true, data: { a: '1' } };
  assert.deepEqual(texts(validateConfigMapUpdate({ immutable: true, data: { a: '1' } }, old)), []);
  assert.deepEqual(texts(validateConfigMapUpdate({ immutable: false, data: { a: '2' }, binaryData: { b: '' } }, old)), [
    `immutable: ${IMMUTABLE}`,
    `data: ${IMMUTABLE}`,
    `binaryData: ${IMMUTABLE}`,
  ]);
  assert.deepEqual(texts(validateConfigMapUpdate({ data: { a: '2' } }, { data: { a: '1' } })), []);
  assert.deepEqual(texts(validateConfigMapUpdate({ immutable: true, data: { 'a b': '1' } }, { data: {} })), [`data[a b]: Invalid value: "a b": ${KEY_FMT}`]);
});

test('Secret: keys and size, then what each type requires', () => {
  assert.deepEqual(texts(validateSecret({ type: 'Opaque', data: { 'a b': b64('x') } })), [`data[a b]: Invalid value: "a b": ${KEY_FMT}`]);
  assert.deepEqual(texts(validateSecret({ type: 'Opaque', data: { a: b64('x'.repeat(1024 * 1024 + 1)) } })), ['data: Too long: may not be more than 1048576 bytes']);
  assert.deepEqual(texts(validateSecret({ type: 'kubernetes.io/service-account-token', metadata: {} })), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
  assert.deepEqual(texts(validateSecret({ type: 'kubernetes.io/service-account-token', metadata: { annotations: { 'kubernetes.io/service-account.name': 'default' } } })), []);
  assert.deepEqual(texts(validateSecret({ type: 'kubernetes.io/dockercfg', data: {} })), ['data[.dockercfg]: Required value']);
  assert.deepEqual(texts(validateSecret({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('{"r":{}}') } })), []);
  assert.deepEqual(texts(validateSecret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":') } })), [
    'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input',
  ]);
  assert.deepEqual(texts(validateSecret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('[]') } })), [
    'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}',
  ]);
  assert.deepEqual(texts(validateSecret({ type: 'kubernetes.io/basic-auth', data: {} })), ['data[username]: Required value', 'data[password]: Required value']);
  assert.deepEqual(texts(validateSecret({ type: 'kubernetes.io/basic-auth', data: { password: '' } })), []);
  assert.deepEqual(texts(validateSecret({ type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } })), ['data[ssh-privatekey]: Required value']);
  assert.deepEqual(texts(validateSecret({ type: 'kubernetes.io/tls', data: { 'tls.key': b64('k') } })), ['data[tls.crt]: Required value']);
  assert.deepEqual(texts(validateSecret({ type: 'kubernetes.io/tls', data: {} })), ['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
  assert.deepEqual(texts(validateSecret({ type: 'example.com/custom' })), []);
});

test('Secret update: the type is fixed; data too once immutable', () => {
  const old = { type: 'Opaque', immutable: true, data: { a: b64('1') } };
  assert.deepEqual(texts(validateSecretUpdate({ type: 'Opaque', immutable: true, data: { a: b64('1') } }, old)), []);
  assert.deepEqual(texts(validateSecretUpdate({ type: 'kubernetes.io/tls', data: { a: b64('2') } }, old)), [
    'type: Invalid value: "kubernetes.io/tls": field is immutable',
    `immutable: ${IMMUTABLE}`,
    `data: ${IMMUTABLE}`,
    'data[tls.crt]: Required value',
    'data[tls.key]: Required value',
  ]);
});
