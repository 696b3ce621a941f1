import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../validation/index.js';
import type { KubeObject } from '../types.js';
import { endpointSliceStrategy, endpointsStrategy, validateEndpointSlice, validateEndpoints } from './endpoints.js';

const texts = (errs: ReturnType<typeof validateEndpoints>): string[] => errs.map(fieldErrorString);
const slice = (extra: Record<string, unknown>): KubeObject => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's' }, addressType: 'IPv4', endpoints: [], ports: [], ...extra });

test('EndpointSlice: upstream\'s rules and texts', () => {
  assert.deepEqual(texts(validateEndpointSlice(slice({ endpoints: [{ addresses: ['10.244.0.5'], nodeName: 'n1' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }))), []);
  assert.deepEqual(texts(validateEndpointSlice(slice({ addressType: undefined }))), ['addressType: Required value']);
  assert.deepEqual(texts(validateEndpointSlice(slice({ addressType: 'IP' }))), ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']);
  assert.deepEqual(texts(validateEndpointSlice(slice({ endpoints: [{ addresses: [] }] }))), ['endpoints[0].addresses: Required value: must contain at least 1 address']);
  assert.deepEqual(texts(validateEndpointSlice(slice({ endpoints: [{ addresses: ['foo bar;'] }] }))), [
    'endpoints[0].addresses[0]: Invalid value: "foo bar;": must be a valid IPv4 address',
    'endpoints[0].addresses[0]: Invalid value: "foo bar;": must be a valid IP address',
  ]);
  assert.deepEqual(texts(validateEndpointSlice(slice({ endpoints: [{ addresses: ['127.0.0.1', 'fd00::1'] }] }))), [
    'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'endpoints[0].addresses[1]: Invalid value: "fd00::1": must be a valid IPv4 address',
  ]);
  assert.deepEqual(texts(validateEndpointSlice(slice({ ports: [{ name: 'a b', protocol: 'XYZ' }, { name: 'a b', protocol: 'TCP' }] }))).slice(1), [
    'ports[0].protocol: Unsupported value: "XYZ": supported values: "SCTP", "TCP", "UDP"',
    'ports[1].name: Invalid value: "a b": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')',
    'ports[1].name: Duplicate value: "a b"',
  ]);
  const old = slice({});
  assert.deepEqual(texts(endpointSliceStrategy.validateUpdate!(slice({ addressType: 'IPv6' }), old)), ['addressType: Invalid value: "IPv6": field is immutable']);
});

test('EndpointSlice and Endpoints ports get upstream\'s defaults: protocol TCP, a slice port\'s name ""', () => {
  const s = slice({ ports: [{ port: 80 }] });
  endpointSliceStrategy.defaults!(s);
  assert.deepEqual(s.ports, [{ port: 80, protocol: 'TCP', name: '' }]);
  const e: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80 }] }] };
  endpointsStrategy.defaults!(e);
  assert.deepEqual((e.subsets as Array<{ ports: unknown }>)[0].ports, [{ port: 80, protocol: 'TCP' }]);
});

test('Endpoints: upstream\'s rules and texts', () => {
  const endpoints = (subsets: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' }, subsets });
  assert.deepEqual(texts(validateEndpoints(endpoints([{ addresses: [{ ip: '10.244.0.5', hostname: 'h' }], ports: [{ port: 80, protocol: 'TCP' }] }]))), []);
  assert.deepEqual(texts(validateEndpoints(endpoints([{ ports: [{ port: 80, protocol: 'TCP' }] }]))), ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']);
  assert.deepEqual(texts(validateEndpoints(endpoints([{ addresses: [{ ip: 'not-an-ip' }], ports: [{ port: -5, protocol: 'BAD' }] }]))), [
    'subsets[0].addresses[0].ip: Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'subsets[0].addresses[0].ip: Invalid value: "not-an-ip": must be a valid IP address',
    'subsets[0].ports[0].port: Invalid value: -5: must be between 1 and 65535, inclusive',
    'subsets[0].ports[0].protocol: Unsupported value: "BAD": supported values: "SCTP", "TCP", "UDP"',
  ]);
  assert.deepEqual(texts(validateEndpoints(endpoints([{ notReadyAddresses: [{ ip: '169.254.1.1' }], ports: [{ port: 80, protocol: 'TCP' }, { port: 81, protocol: 'TCP' }] }]))), [
    'subsets[0].notReadyAddresses[0].ip: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
    'subsets[0].ports[0].name: Required value',
    'subsets[0].ports[1].name: Required value',
  ]);
});

test('limits are upstream\'s: 101 ports in a slice are fine (maxPorts 20000 since 1.21), "" is an Endpoints port\'s TCP', () => {
  const ports = Array.from({ length: 101 }, (_, i) => ({ name: `p${i}`, port: 1000 + i, protocol: 'TCP' }));
  assert.deepEqual(texts(validateEndpointSlice(slice({ ports }))), []);
  const e: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80, protocol: '' }] }] };
  endpointsStrategy.defaults!(e);
  assert.deepEqual(texts(validateEndpoints(e)), []);
});
