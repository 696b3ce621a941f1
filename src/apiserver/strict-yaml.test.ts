import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strictWarnings, yamlDuplicateKeys, yamlStrictError } from './strict-yaml.js';

// invalidBodyYAML of upstream's test/integration/apiserver/field_validation_test.go.
const INVALID_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: dupename
  name: test
  unknownMeta: metaVal
  labels:
    app: nginx
spec:
  unknown1: val1
  unknownDupe: valDupe
  unknownDupe: valDupe2
  paused: true
  paused: false
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:latest
        unknownNested: val1
        imagePullPolicy: Always
        imagePullPolicy: Never`;

test("yaml.v2's strict errors: each repeated key at its value's line", () => {
  assert.deepEqual(yamlDuplicateKeys(INVALID_YAML), [
    'line 5: key "name" already set in map',
    'line 12: key "unknownDupe" already set in map',
    'line 14: key "paused" already set in map',
    'line 28: key "imagePullPolicy" already set in map',
  ]);
  assert.equal(yamlStrictError('a: 1\nb: 2\n'), undefined);
  // A repeated key whose value is a block: the line its value starts on, after the errors inside it.
  assert.deepEqual(yamlDuplicateKeys('a:\n  x: 1\na:\n  y: 1\n  y: 2\n1: a\n1: b\n'), [
    'line 5: key "y" already set in map',
    'line 4: key "a" already set in map',
    'line 7: key 1 already set in map',
  ]);
  // JSON is YAML: all on line 1.
  assert.deepEqual(yamlDuplicateKeys('{"metadata": {"name": "a", "name": "b"}}'), ['line 1: key "name" already set in map']);
});

test('a yaml error becomes one warning per line (parseYAMLWarnings); other errors stay whole', () => {
  const error = yamlStrictError('a: 1\na: 2\nb: 1\nb: 2\n')!;
  assert.equal(error, 'yaml: unmarshal errors:\n  line 2: key "a" already set in map\n  line 4: key "b" already set in map');
  assert.deepEqual(strictWarnings([error, 'unknown field "x"']), ['line 2: key "a" already set in map', 'line 4: key "b" already set in map', 'unknown field "x"']);
  assert.deepEqual(strictWarnings([`error converting YAML to JSON: ${error}`]), ['line 2: key "a" already set in map', 'line 4: key "b" already set in map']);
});
