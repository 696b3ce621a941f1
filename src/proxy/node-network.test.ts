/** @module The node namespace preparation steps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeNetworkSteps } from './node-network.js';
import { TEST_NODE } from './tracker/fixtures.js';

test('routes the Service CIDRs via the bridge and lifts the ICMP rate limit', () => {
  assert.deepEqual(nodeNetworkSteps(TEST_NODE).map((a) => a.join(' ')), ['ip route replace 10.96.0.0/12 dev kbr0', 'sysctl -q -w net.ipv4.icmp_ratelimit=0']);
});
