import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandRunner } from '../types.js';
import { DummyInterface, InterfaceCommandError, parseAddresses } from './dummy-interface.js';

/** Records argv lines; answers by exact line from a table (default: success, no output). */
function recorder(answers: Record<string, { code?: number; stdout?: string; stderr?: string }> = {}): CommandRunner & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    async run(argv) {
      const line = argv.join(' ');
      lines.push(line);
      const a = answers[line] ?? {};
      return { code: a.code ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
    },
  };
}

describe('DummyInterface', () => {
  test('parseAddresses reads ip -o -4 addr show', () => {
    const out = [
      '5: kube-ipvs0    inet 10.96.0.1/32 scope global kube-ipvs0\\       valid_lft forever preferred_lft forever',
      '5: kube-ipvs0    inet 10.96.0.10/32 scope global kube-ipvs0\\       valid_lft forever preferred_lft forever',
    ].join('\n');
    assert.deepEqual(parseAddresses(out), ['10.96.0.1', '10.96.0.10']);
    assert.deepEqual(parseAddresses(''), []);
  });

  test('ensure creates (or reuses) the link, brings it up and learns its addresses', async () => {
    const r = recorder({
      'ip link add name kube-ipvs0 type dummy': { code: 2, stderr: 'RTNETLINK answers: File exists' },
      'ip -o -4 addr show dev kube-ipvs0': { stdout: '5: kube-ipvs0    inet 10.96.0.7/32 scope global kube-ipvs0' },
    });
    const iface = new DummyInterface(r);
    assert.deepEqual([...(await iface.ensure())], ['10.96.0.7']);
    await iface.ensure();
    assert.deepEqual(r.lines, ['ip link add name kube-ipvs0 type dummy', 'ip link set dev kube-ipvs0 up', 'ip -o -4 addr show dev kube-ipvs0']);
  });

  test('without the dummy module, a bridge without ports stands in', async () => {
    const r = recorder({ 'ip link add name kube-ipvs0 type dummy': { code: 2, stderr: 'Error: Unknown device type.' } });
    await new DummyInterface(r).ensure();
    assert.deepEqual(r.lines, ['ip link add name kube-ipvs0 type dummy', 'ip link add name kube-ipvs0 type bridge', 'ip link set dev kube-ipvs0 up', 'ip -o -4 addr show dev kube-ipvs0']);
  });

  test('another failure to create the link is an error', async () => {
    const r = recorder({ 'ip link add name kube-ipvs0 type dummy': { code: 2, stderr: 'RTNETLINK answers: Operation not permitted' } });
    await assert.rejects(new DummyInterface(r).ensure(), InterfaceCommandError);
  });

  test('add, remove, delete; tolerated and real failures', async () => {
    const r = recorder({
      'ip addr add 10.96.0.2/32 dev kv0': { code: 2, stderr: 'RTNETLINK answers: File exists' },
      'ip addr add 10.96.0.3/32 dev kv0': { code: 2, stderr: 'RTNETLINK answers: Operation not permitted' },
      'ip addr del 10.96.0.9/32 dev kv0': { code: 2, stderr: 'RTNETLINK answers: Cannot assign requested address' },
      'ip link del dev kv0': { code: 1, stderr: 'Cannot find device "kv0"' },
    });
    const iface = new DummyInterface(r, { name: 'kv0' });
    await iface.ensure();
    await iface.add('10.96.0.2');
    await assert.rejects(iface.add('10.96.0.3'), (err) => err instanceof InterfaceCommandError && /Operation not permitted/.test(err.message));
    assert.deepEqual([...iface.addresses], ['10.96.0.2']);
    await iface.remove('10.96.0.9');
    await iface.remove('10.96.0.2');
    assert.deepEqual([...iface.addresses], []);
    await iface.delete();
    assert.deepEqual(r.lines.slice(3), [
      'ip addr add 10.96.0.2/32 dev kv0',
      'ip addr add 10.96.0.3/32 dev kv0',
      'ip addr del 10.96.0.9/32 dev kv0',
      'ip addr del 10.96.0.2/32 dev kv0',
      'ip link del dev kv0',
    ]);
  });
});
