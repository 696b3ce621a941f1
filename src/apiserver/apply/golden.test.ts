/** @module managedFields of realistic write sequences stay byte-identical to the pinned output (testdata/). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenRuns } from './golden-scenarios.js';
import { GOLDEN_MANAGED_FIELDS } from './testdata/golden-managed-fields.js';

test('pod status patches by the kubelet, binding, labels, and service apply record the pinned managedFields', () => {
  // Byte for byte: the same text, so key order and entry order are pinned too.
  assert.equal(JSON.stringify(goldenRuns()), JSON.stringify(GOLDEN_MANAGED_FIELDS));
});
