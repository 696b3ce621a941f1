/** @module kubito node exec: its arguments, and how it enters the node (root, rootless, not running). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from './flags.js';
import { nodeExecArgv, parseNodeExecArgs } from './node-exec.js';

test('the command is what follows --; flags before it are the common ones', () => {
  const parsed = parseNodeExecArgs(['--name', 'dev', '--data-dir', '/tmp/d', '--', 'iptables-save', '-t', 'nat']);
  assert.deepEqual(parsed.command, ['iptables-save', '-t', 'nat']);
  assert.deepEqual(parsed.flags, { name: 'dev', dataDir: '/tmp/d' });
  assert.deepEqual(parseNodeExecArgs(['ip', 'route']).command, ['ip', 'route']);
  assert.throws(() => parseNodeExecArgs(['--', ]), UsageError);
  assert.throws(() => parseNodeExecArgs(['--name', 'dev', 'ip']), /put the command after --/);
});

test('as root it enters the node namespace file', () => {
  assert.deepEqual(nodeExecArgv('kubito', { root: true, netnsPath: '/run/netns/kubito-kubito-node', agentPid: 42 }, ['iptables-save']), [
    'nsenter',
    '--net=/run/netns/kubito-kubito-node',
    '--',
    'iptables-save',
  ]);
});

test('rootless, it enters the agent user and network namespaces', () => {
  assert.deepEqual(nodeExecArgv('dev', { root: false, agentPid: 42 }, ['nft', 'list', 'ruleset']), ['nsenter', '--target=42', '--user', '--preserve-credentials', '--net', '--', 'nft', 'list', 'ruleset']);
});

test('with no node running it says how to start one', () => {
  const err = nodeExecArgv('dev', { root: true }, ['iptables-save']);
  assert.ok(err instanceof Error);
  assert.match(err.message, /cluster "dev" has no node running \(no \/run\/netns\/kubito-dev-node\); start it with: (npx )?kubito up --detach --name dev$/);
});
