import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCidr } from './ipam.js';
import { FakeRunner } from './runner.js';
import { batchInput, failedLines, SandboxBatcher } from './sandbox-batch.js';
import { planSandbox } from './sandbox-plan.js';

const cidr = parseCidr('10.244.0.0/24');
const a = planSandbox({ cluster: 'demo', uid: 'aaaaaaaa-0000', ip: '10.244.0.2', cidr });
const b = planSandbox({ cluster: 'demo', uid: 'bbbbbbbb-0000', ip: '10.244.0.3', cidr });

test('batchInput: every plan\'s node-side lines, in order, with their owners', () => {
  const { input, owners } = batchInput([a, b]);
  assert.equal(input, [
    'netns add kubito-demo-paaaaaaaa', 'link add kvaaaaaaaa type veth peer name eth0 netns kubito-demo-paaaaaaaa', 'link set kvaaaaaaaa master kbr0', 'link set kvaaaaaaaa type bridge_slave hairpin on', 'link set kvaaaaaaaa up',
    'netns add kubito-demo-pbbbbbbbb', 'link add kvbbbbbbbb type veth peer name eth0 netns kubito-demo-pbbbbbbbb', 'link set kvbbbbbbbb master kbr0', 'link set kvbbbbbbbb type bridge_slave hairpin on', 'link set kvbbbbbbbb up', '',
  ].join('\n'));
  assert.deepEqual(owners, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
});

test('failedLines: ip -force\'s message and line number per failure', () => {
  assert.deepEqual(failedLines('Cannot create namespace file "/run/netns/x": File exists\nCommand failed -:6\nRTNETLINK answers: File exists\nCommand failed -:7\n'), new Map([[6, 'Cannot create namespace file "/run/netns/x": File exists'], [7, 'RTNETLINK answers: File exists']]));
});

test('requests of one turn go in one ip process; a pod whose lines failed is told so', async () => {
  const runner = new FakeRunner();
  runner.answer('ip -force -batch -', { code: 1, stderr: 'RTNETLINK answers: File exists\nCommand failed -:7\n' });
  const batcher = new SandboxBatcher(runner);
  const results = await Promise.all([batcher.nodeSide(a), batcher.nodeSide(b)]);
  assert.deepEqual(results, [true, false]);
  assert.deepEqual(runner.lines(), ['ip -force -batch -']);
  // The next turn, a batch of its own (5 lines): a failure it cannot place fails it all.
  assert.equal(await batcher.nodeSide(a), false);
  assert.equal(runner.lines().length, 2);
});
