import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../client/testing/fake-clock.js';
import { Ipam, parseCidr } from './ipam.js';
import { FakeRunner } from './runner.js';
import { fillScript, madeIds, poolOwner, SandboxPool } from './sandbox-pool.js';
import { bindLine } from './sandbox.js';
import { Slots } from './slots.js';

const NET = { prefix: 24, gateway: '10.244.0.1' };

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

function setUp(options: { size: number; made?: string; slots?: Slots; bound?: boolean }) {
  const runner = new FakeRunner();
  runner.answer('sh -c', { stdout: options.made ?? '' });
  const ipam = new Ipam(parseCidr('10.244.0.0/24'));
  const clock = new FakeClock(0);
  const netnsDir = mkdtempSync(join(tmpdir(), 'kubito-pool-test-'));
  let n = 0;
  const pool = new SandboxPool({ cluster: 'demo', runner, ipam, net: NET, size: options.size, clock, slots: options.slots, netnsDir, scratchDir: netnsDir, isBound: async () => options.bound ?? true, mount: ['busybox', 'mount'], newId: () => String(++n).padStart(8, '0') });
  return { runner, ipam, clock, pool, netnsDir, cleanup: () => rmSync(netnsDir, { recursive: true, force: true }) };
}

test('the fill script makes the node side in one batch and each pod side, reporting what it made', () => {
  const script = fillScript([{ id: '0000000a', netns: 'kubito-demo-w0000000a', hostVeth: 'kw0000000a', ip: '10.244.0.2' }], NET);
  assert.equal(script, [
    "ip -force -batch - >/dev/null <<'KUBITO_NODE'",
    'netns add kubito-demo-w0000000a',
    'link add kw0000000a type veth peer name eth0 netns kubito-demo-w0000000a',
    'link set kw0000000a master kbr0',
    'link set kw0000000a type bridge_slave hairpin on',
    'link set kw0000000a up',
    'KUBITO_NODE',
    "ip -n kubito-demo-w0000000a -batch - <<'KUBITO_POD' && echo ok 0000000a",
    'link set lo up',
    'addr add 10.244.0.2/24 dev eth0',
    'link set eth0 up',
    'route add default via 10.244.0.1 dev eth0',
    'KUBITO_POD',
    '',
  ].join('\n'));
  assert.deepEqual(madeIds('ok 0000000a\nRTNETLINK answers: File exists\nok 0000000b\n'), new Set(['0000000a', '0000000b']));
});

test('fstab bind lines escape blanks and backslashes', () => {
  assert.equal(bindLine('/run/netns/a', '/d ir/b\\c'), '/run/netns/a /d\\040ir/b\\134c none bind 0 0');
});

test('fills to its size, hands out the oldest first, renames it for the pod and gives it the address', async () => {
  const s = setUp({ size: 2, made: 'ok 00000001\nok 00000002\n' });
  try {
    s.pool.start();
    await s.clock.advance(100);
    await settle();
    assert.equal(s.pool.size, 2);
    assert.deepEqual(s.ipam.allocations(), { '10.244.0.2': poolOwner('00000001'), '10.244.0.3': poolOwner('00000002') });
    const entry = s.pool.take()!;
    assert.deepEqual(entry, { id: '00000001', netns: 'kubito-demo-w00000001', hostVeth: 'kw00000001', ip: '10.244.0.2' });
    const named = s.pool.adopt(entry, { netns: 'kubito-demo-pabcdef01', owner: 'uid-1' });
    assert.equal(s.ipam.allocations()['10.244.0.2'], 'uid-1', 'the address is the pod\'s at once');
    assert.equal(await named, undefined);
    assert.equal(readFileSync(join(s.netnsDir, 'kubito-demo-pabcdef01'), 'utf8'), '', 'the mount point is made');
    assert.ok(s.runner.lines().some((l) => /^busybox mount -a -T \S+\.fstab$/.test(l)), s.runner.lines().join('\n'));
    assert.ok(!s.runner.lines().includes('ip -force -batch -'), 'the pool name stays until its owner is done with it');
    s.pool.forget(entry.netns);
    await settle();
    assert.ok(s.runner.lines().includes('ip -force -batch -'), 'the pool name is removed');
    // Taking one refills (after the quiet time), the new entry with the next free address.
    s.runner.answer('sh -c', { stdout: 'ok 00000003\n' });
    await s.clock.advance(100);
    await settle();
    assert.equal(s.pool.size, 2);
    assert.equal(s.ipam.allocations()['10.244.0.4'], poolOwner('00000003'));
  } finally {
    s.cleanup();
  }
});

test('an entry the fill did not finish is removed and its address freed', async () => {
  const s = setUp({ size: 2, made: 'ok 00000002\n' });
  try {
    s.pool.start();
    await s.clock.advance(100);
    await settle();
    assert.equal(s.pool.size, 1);
    assert.deepEqual(s.ipam.allocations(), { '10.244.0.3': poolOwner('00000002') });
    assert.equal(s.pool.take()!.id, '00000002');
    assert.equal(s.pool.take(), undefined, 'empty: the caller makes its own');
  } finally {
    s.cleanup();
  }
});

test('a failed rename says why; the sandbox keeps the pool\'s name and the pod its address', async () => {
  const s = setUp({ size: 1, made: 'ok 00000001\n', bound: false });
  try {
    s.pool.start();
    await s.clock.advance(100);
    await settle();
    s.runner.answer('busybox mount', { code: 1, stderr: 'mount: permission denied' });
    assert.match((await s.pool.adopt(s.pool.take()!, { netns: 'kubito-demo-pabcdef01', owner: 'uid-1' }))!, /bind mount of kubito-demo-w00000001 as kubito-demo-pabcdef01 failed: mount: permission denied/);
    assert.deepEqual(s.ipam.allocations(), { '10.244.0.2': 'uid-1' });
  } finally {
    s.cleanup();
  }
});

test('refills wait while pods are being started', async () => {
  const slots = new Slots(1);
  const s = setUp({ size: 1, made: 'ok 00000001\n', slots });
  try {
    let release!: () => void;
    const busy = slots.run(() => new Promise<void>((r) => (release = r)));
    s.pool.start();
    await s.clock.advance(500);
    await settle();
    assert.equal(s.pool.size, 0);
    assert.ok(!s.runner.lines().some((l) => l.startsWith('sh -c')), 'no fill while a start runs');
    release();
    await busy;
    await settle();
    await s.clock.advance(100);
    await settle();
    assert.equal(s.pool.size, 1);
  } finally {
    s.cleanup();
  }
});

test('close removes the idle sandboxes and frees their addresses', async () => {
  const s = setUp({ size: 2, made: 'ok 00000001\nok 00000002\n' });
  try {
    s.pool.start();
    await s.clock.advance(100);
    await settle();
    const before = s.runner.commands.length;
    await s.pool.close();
    assert.deepEqual(s.ipam.allocations(), {});
    assert.equal(s.pool.size, 0);
    assert.deepEqual(s.runner.lines().slice(before), ['ip -force -batch -']);
    await s.clock.advance(1000);
    assert.equal(s.runner.lines().filter((l) => l.startsWith('sh -c')).length, 1, 'no refill after close');
  } finally {
    s.cleanup();
  }
});

test('pods adopting in the same turn share one mount process', async () => {
  const s = setUp({ size: 2, made: 'ok 00000001\nok 00000002\n' });
  try {
    s.pool.start();
    await s.clock.advance(100);
    await settle();
    const [a, b] = [s.pool.take()!, s.pool.take()!];
    await Promise.all([s.pool.adopt(a, { netns: 'kubito-demo-p00000aaa', owner: 'uid-a' }), s.pool.adopt(b, { netns: 'kubito-demo-p00000bbb', owner: 'uid-b' })]);
    assert.equal(s.runner.lines().filter((l) => l.startsWith('busybox mount -a')).length, 1);
    assert.equal(s.ipam.allocations()['10.244.0.2'], 'uid-a');
    assert.equal(s.ipam.allocations()['10.244.0.3'], 'uid-b');
  } finally {
    await s.pool.close();
    s.cleanup();
  }
});

test('handed to the native launcher: the address moves at once, no mount; names() says which names the namespace has', async () => {
  const s = setUp({ size: 1, made: 'ok 00000001\n', bound: false });
  try {
    s.pool.start();
    await s.clock.advance(100);
    await settle();
    const entry = s.pool.take()!;
    s.pool.handOver(entry, 'uid-1');
    assert.equal(s.ipam.allocations()['10.244.0.2'], 'uid-1');
    await settle();
    assert.ok(!s.runner.lines().some((l) => l.includes('mount')), s.runner.lines().join('\n'));
    const pod = 'kubito-demo-pabcdef01';
    writeFileSync(join(s.netnsDir, entry.netns), '');
    // Only the pool's name (no launcher ran yet).
    assert.equal(await s.pool.names(entry.netns, pod), 'pool');
    // Both names, but the pod's not bound to the same namespace (a failed bind left a file).
    writeFileSync(join(s.netnsDir, pod), '');
    assert.equal(await s.pool.names(entry.netns, pod), 'pool');
    // The launcher named it and removed the pool's name.
    rmSync(join(s.netnsDir, entry.netns));
    assert.equal(await s.pool.names(entry.netns, pod), 'moved');
  } finally {
    s.cleanup();
  }
});

test('names(): both names of one namespace when the pool\'s was left', async () => {
  const s = setUp({ size: 0, bound: true });
  try {
    writeFileSync(join(s.netnsDir, 'kubito-demo-w00000001'), '');
    writeFileSync(join(s.netnsDir, 'kubito-demo-pabcdef01'), '');
    assert.equal(await s.pool.names('kubito-demo-w00000001', 'kubito-demo-pabcdef01'), 'both');
  } finally {
    s.cleanup();
  }
});
