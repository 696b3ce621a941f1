import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCidr } from './ipam.js';
import { killRecordedUserns, rootlessScript } from './rootless.js';

const dir = mkdtempSync(join(tmpdir(), 'kubito-rootless-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('rootlessScript: private /run/netns, the node namespace bound there, the node network, then the agent', () => {
  assert.equal(rootlessScript({ cluster: 'dev', cidr: parseCidr('10.244.0.0/24') }), [
    'set -e',
    'mount -t tmpfs -o mode=0755 kubito-netns /run/netns',
    'touch /run/netns/kubito-dev-node',
    'mount --bind /proc/self/ns/net /run/netns/kubito-dev-node',
    "printf '%s' 'link set lo up\nlink add kbr0 address 0a:58:0a:f4:00:01 type bridge\naddr add 10.244.0.1/24 dev kbr0\nlink set kbr0 up\n' | ip -n kubito-dev-node -batch -",
    'ip netns exec kubito-dev-node sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.tcp_timestamps=2',
    'ip netns exec kubito-dev-node sysctl -q -w net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true',
    'exec "$@"',
  ].join('\n'));
});

test('killRecordedUserns kills exactly the processes of the recorded user namespace, then forgets it', () => {
  const proc = join(dir, 'proc');
  const entries: Array<[string, string]> = [['101', 'user:[4026532181]'], ['102', 'user:[4026531837]'], ['103', 'user:[4026532181]']];
  for (const [pid, link] of entries) {
    mkdirSync(join(proc, pid, 'ns'), { recursive: true });
    symlinkSync(link, join(proc, pid, 'ns', 'user'));
  }
  mkdirSync(join(proc, 'self'), { recursive: true });
  const data = join(dir, 'data');
  mkdirSync(join(data, 'run'), { recursive: true });
  writeFileSync(join(data, 'run', 'agent-userns'), 'user:[4026532181]\n');
  const killed: number[] = [];
  assert.equal(killRecordedUserns(data, { proc, kill: (pid) => killed.push(pid) }), 2);
  assert.deepEqual(killed.sort(), [101, 103]);
  assert.equal(killRecordedUserns(data, { proc, kill: () => assert.fail('nothing recorded any more') }), 0);
});
