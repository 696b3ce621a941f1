import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentEntry, agentNodeOptions, agentPidFile, RestartBackoff } from './launch.js';

test('the supervisor backs off 1 s doubling to 60 s; an agent that ran 10 minutes starts over', () => {
  const backoff = new RestartBackoff();
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map(() => backoff.next(5_000)), [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  assert.equal(backoff.next(600_000), 1000);
  assert.equal(backoff.next(0), 2000);
});

test('the agent pid is recorded in the run directory', () => {
  assert.equal(agentPidFile('/d'), '/d/run/agent.pid');
});

test('KUBITO_AGENT_NODE_OPTIONS reaches the agent command line before its entry', () => {
  assert.deepEqual(agentNodeOptions({}), []);
  assert.deepEqual(agentNodeOptions({ KUBITO_AGENT_NODE_OPTIONS: ' --cpu-prof  --cpu-prof-dir=/tmp/p ' }), ['--cpu-prof', '--cpu-prof-dir=/tmp/p']);
  const argv = agentEntry({ KUBITO_AGENT_NODE_OPTIONS: '--cpu-prof' });
  assert.equal(argv[0], '--cpu-prof');
  assert.match(argv.at(-1)!, /main\.(js|ts)$/);
});
