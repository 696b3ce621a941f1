import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCidr } from './ipam.js';
import { FakeRunner } from './runner.js';
import { createSandbox, removeSandbox } from './sandbox.js';
import { createNodeSteps, createSandboxSteps, planSandbox } from './sandbox-plan.js';

const cidr = parseCidr('10.244.0.0/24');
const plan = planSandbox({ cluster: 'demo', uid: '5f0c2a9e-1b2c-4d5e-8f90-123456789abc', ip: '10.244.0.7', cidr });

test('a pod sandbox: netns, veth into kbr0 with hairpin, address and default route', async () => {
  assert.deepEqual(plan, { netns: 'kubito-demo-p5f0c2a9e', hostVeth: 'kv5f0c2a9e', ip: '10.244.0.7', prefix: 24, gateway: '10.244.0.1' });
  const runner = new FakeRunner();
  await createSandbox(runner, plan);
  assert.deepEqual(runner.lines(), ['ip -batch -', 'ip -n kubito-demo-p5f0c2a9e -batch -']);
  const [node, pod] = createSandboxSteps(plan);
  assert.equal(node.input, 'netns add kubito-demo-p5f0c2a9e\nlink add kv5f0c2a9e type veth peer name eth0 netns kubito-demo-p5f0c2a9e\nlink set kv5f0c2a9e master kbr0\nlink set kv5f0c2a9e type bridge_slave hairpin on\nlink set kv5f0c2a9e up\n');
  assert.equal(pod.input, 'link set lo up\naddr add 10.244.0.7/24 dev eth0\nlink set eth0 up\nroute add default via 10.244.0.1 dev eth0\n');
});

test('a failed step removes what was made', async () => {
  const runner = new FakeRunner();
  runner.answer('ip -n kubito-demo-p5f0c2a9e -batch -', { code: 2, stderr: 'RTNETLINK answers: File exists' });
  await assert.rejects(createSandbox(runner, plan), /File exists/);
  assert.deepEqual(runner.lines().slice(-2), ['ip netns delete kubito-demo-p5f0c2a9e', 'ip link delete kv5f0c2a9e']);
});

test('removal tolerates what is already gone', async () => {
  const runner = new FakeRunner();
  runner.answer('ip netns delete', { code: 1, stderr: 'Cannot remove namespace file' });
  await removeSandbox(runner, plan);
  assert.equal(runner.commands.length, 2);
});

test('the batch inputs and the node namespace, as ip reads them', () => {
  const steps = createNodeSteps({ cluster: 'demo', cidr });
  assert.deepEqual(steps.map((s) => s.argv.join(' ')), ['ip netns add kubito-demo-node', 'ip -n kubito-demo-node -batch -', 'ip netns exec kubito-demo-node sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.tcp_timestamps=2']);
  assert.equal(steps[1].input, 'link set lo up\nlink add kbr0 address 0a:58:0a:f4:00:01 type bridge\naddr add 10.244.0.1/24 dev kbr0\nlink set kbr0 up\n');
});
