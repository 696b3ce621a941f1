/** @module Node validation: upstream's paths, types and texts (1.33), its `metadata.taints` included. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from './field-errors.js';
import { validateNode, validateNodeUpdate } from './node.js';
import type { FieldError } from '../errors.js';

const texts = (errs: FieldError[]): string[] => errs.map(fieldErrorString);

test('Node: taints (under metadata.taints, as upstream), resources, podCIDRs', () => {
  assert.deepEqual(texts(validateNode({ spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] }, status: { capacity: { cpu: '2', memory: '4Gi' } } })), []);
  assert.deepEqual(
    texts(validateNode({
      spec: {
        taints: [
          { key: 'a', value: 'x y', effect: 'NoSchedule' },
          { key: '-b', effect: '' },
          { key: 'a', effect: 'NoSchedule', timeAdded: '2024-01-01T00:00:00Z' },
          { key: 'c', effect: 'Never' },
        ],
      },
    })),
    [
      'metadata.taints[0].value: Invalid value: "x y": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')',
      'metadata.taints[1].key: Invalid value: "-b": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
      'metadata.taints[1].effect: Required value',
      'metadata.taints[2]: Duplicate value: core.Taint{Key:"a", Value:"", Effect:"NoSchedule", TimeAdded:(*v1.Time)(0xc000000000)}: taints must be unique by key and effect pair',
      'metadata.taints[3].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ],
  );
  assert.deepEqual(texts(validateNode({ status: { capacity: { cpu: '-1' }, allocatable: { memory: '-0.5Gi' } } })), [
    'status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0',
    'status.allocatable.memory: Invalid value: "-512Mi": must be greater than or equal to 0',
  ]);
  assert.deepEqual(texts(validateNode({ spec: { podCIDR: '10.244.0.0/33' } })), [
    'spec.podCIDRs[0]: Invalid value: "10.244.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]);
  assert.deepEqual(texts(validateNode({ spec: { podCIDRs: ['10.244.0.0/24', 'fd00::/64'] } })), []);
  assert.deepEqual(texts(validateNode({ spec: { podCIDRs: ['10.244.0.0/24', '10.244.0.0/24'] } })), [
    'spec.podCIDRs: Invalid value: []string{"10.244.0.0/24", "10.244.0.0/24"}: may specify no more than one CIDR for each IP family',
    'spec.podCIDRs[1]: Duplicate value: "10.244.0.0/24"',
  ]);
  assert.deepEqual(texts(validateNode({ spec: { podCIDRs: ['10.244.0.0/24', 'x'] } })), [
    'spec.podCIDRs[1]: Invalid value: "x": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    'spec.podCIDRs: Internal error: invalid PodCIDRs. failed to check with dual stack with error:failed to parse cidr value:"x" with error:invalid CIDR address: x',
    'spec.podCIDRs: Invalid value: []string{"10.244.0.0/24", "x"}: may specify no more than one CIDR for each IP family',
  ]);
});

test('Node update: podCIDRs and providerID fixed once set, addresses unique, externalID fixed', () => {
  const old = { spec: { podCIDRs: ['10.244.0.0/24'], providerID: 'kubito://n1' } };
  assert.deepEqual(texts(validateNodeUpdate({ spec: { podCIDRs: ['10.244.0.0/24'], providerID: 'kubito://n1' } }, old)), []);
  assert.deepEqual(texts(validateNodeUpdate({ spec: { podCIDRs: ['10.244.1.0/24'] }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'InternalIP', address: '10.0.0.1' }] } }, old)), [
    'status.addresses[1]: Duplicate value: core.NodeAddress{Type:"InternalIP", Address:"10.0.0.1"}',
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
  ]);
  assert.deepEqual(texts(validateNodeUpdate({ spec: { podCIDRs: ['10.244.0.0/24'], externalID: 'x' } }, {})), ['spec.externalID: Forbidden: may not be updated']);
  assert.deepEqual(texts(validateNodeUpdate({ spec: { podCIDRs: [] } }, old)).slice(0, 1), ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
});
