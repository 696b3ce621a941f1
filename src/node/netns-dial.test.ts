import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { constants, tmpdir } from 'node:os';
import {
  choosePortForwardDial,
  connectFailure,
  dialError,
  dialLocalhost,
  localhostFailure,
} from './netns-dial.js';
import { agentAddonPath, loadAgentAddon, type AgentAddon } from './agent-addon.js';

const strerror = (errno: number): string => ({ 111: 'connection refused', 97: 'address family not supported by protocol' })[errno] ?? `errno ${errno}`;

test("connect failures read as Go's net errors", () => {
  assert.equal(connectFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:81'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' }), strerror), 'connect: connection refused');
  // Without errno, the code names it.
  assert.equal(connectFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), strerror), 'connect: connection refused');
  assert.equal(connectFailure(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' }), strerror), 'i/o timeout');
  assert.equal(connectFailure(Object.assign(new Error('address family not supported by protocol'), { code: 'EAFNOSUPPORT', errno: 97, syscall: 'socket' }), strerror), 'socket: address family not supported by protocol');
  assert.equal(dialError(4, 80, 'connect: connection refused'), 'dial tcp4 127.0.0.1:80: connect: connection refused');
  assert.equal(dialError(6, 80, 'i/o timeout'), 'dial tcp6 [::1]:80: i/o timeout');
});

test("containerd's message when neither localhost answers", () => {
  assert.equal(
    localhostFailure({ netnsPath: '/run/netns/kubito-c-p0123abcd', sandbox: '0123abcd', port: 9000, ipv4: 'dial tcp4 127.0.0.1:9000: connect: connection refused', ipv6: 'dial tcp6 [::1]:9000: connect: connection refused' }),
    'failed to execute portforward in network namespace "/run/netns/kubito-c-p0123abcd": failed to connect to localhost:9000 inside namespace "0123abcd", IPv4: dial tcp4 127.0.0.1:9000: connect: connection refused IPv6 dial tcp6 [::1]:9000: connect: connection refused ',
  );
});

test('the dial is chosen by KUBITO_PORT_FORWARD_DIAL and whether the addon was built', () => {
  const absent = join(tmpdir(), 'kubito-no-such-addon.node');
  assert.deepEqual(choosePortForwardDial({ KUBITO_PORT_FORWARD_DIAL: 'pod-ip' }), { kind: 'pod-ip', reason: 'KUBITO_PORT_FORWARD_DIAL=pod-ip' });
  assert.deepEqual(choosePortForwardDial({}, { path: absent }), { kind: 'pod-ip', reason: `${absent} not built` });
  assert.throws(() => choosePortForwardDial({ KUBITO_PORT_FORWARD_DIAL: 'netns' }, { path: absent }), /KUBITO_PORT_FORWARD_DIAL=netns but .* not built/);
  assert.throws(() => choosePortForwardDial({ KUBITO_PORT_FORWARD_DIAL: 'fast' }), /expected netns, pod-ip or auto/);
  const built = choosePortForwardDial({});
  assert.equal(built.kind, 'netns', built.reason);
  assert.equal(built.reason, `${agentAddonPath()} built`);
});

// Real sockets in a network namespace of our own (root): servers on its 127.0.0.1 and ::1 alone.
const NETNS = `kubito-t-nd${process.pid}`;
const NETNS_PATH = `/run/netns/${NETNS}`;
let mod: AgentAddon;
const servers: ChildProcess[] = [];

/** A server inside NETNS on host:port that writes `greeting` and closes; resolves once it listens. */
async function serveIn(host: string, port: number, greeting: string): Promise<void> {
  const code = `require('net').createServer((s) => s.end(${JSON.stringify(greeting)})).listen(${port}, ${JSON.stringify(host)}, () => console.log('ready'))`;
  const child = spawn('ip', ['netns', 'exec', NETNS, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push(child);
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  assert.equal(String(line).trim(), 'ready');
}

async function readAll(socket: net.Socket): Promise<string> {
  let text = '';
  for await (const chunk of socket) text += String(chunk);
  return text;
}

before(async () => {
  // Fails, not skips, without the addon: run `node scripts/build-native.js` first.
  const loaded = loadAgentAddon();
  assert.ok(!(loaded instanceof Error), loaded instanceof Error ? loaded.message : '');
  mod = loaded as AgentAddon;
  execFileSync('ip', ['netns', 'add', NETNS]);
  execFileSync('ip', ['-n', NETNS, 'link', 'set', 'lo', 'up']);
  await serveIn('127.0.0.1', 9000, 'hello from 127.0.0.1');
  await serveIn('::1', 9001, 'hello from ::1');
});

after(() => {
  for (const s of servers) s.kill();
  try {
    execFileSync('ip', ['netns', 'del', NETNS], { stdio: 'ignore' });
  } catch {
    // not made
  }
});

test("localhost inside the namespace: its 127.0.0.1, else its ::1; the agent's thread comes back to its own", async () => {
  const own = readlinkSync('/proc/thread-self/ns/net');
  assert.equal(await readAll(await dialLocalhost(mod, { netnsPath: NETNS_PATH, sandbox: 'x', port: 9000 })), 'hello from 127.0.0.1');
  assert.equal(await readAll(await dialLocalhost(mod, { netnsPath: NETNS_PATH, sandbox: 'x', port: 9001 })), 'hello from ::1');
  assert.equal(readlinkSync('/proc/thread-self/ns/net'), own);
});

test("nothing listening: containerd's words, both families tried", async () => {
  await assert.rejects(
    dialLocalhost(mod, { netnsPath: NETNS_PATH, sandbox: '0123abcd', port: 9002 }),
    { message: `failed to execute portforward in network namespace "${NETNS_PATH}": failed to connect to localhost:9002 inside namespace "0123abcd", IPv4: dial tcp4 127.0.0.1:9002: connect: connection refused IPv6 dial tcp6 [::1]:9002: connect: connection refused ` },
  );
});

test('a namespace that is gone, or a file that is none', async () => {
  await assert.rejects(dialLocalhost(mod, { netnsPath: `/run/netns/${NETNS}-gone`, sandbox: '0123abcd', port: 9000 }), { message: 'network namespace for sandbox "0123abcd" is closed' });
  assert.throws(() => mod.socketIn('/dev/null', 4), { syscall: 'setns', code: 'EINVAL', message: 'invalid argument' });
  assert.throws(() => mod.socketIn(NETNS_PATH, 5 as 4), TypeError);
  assert.throws(() => mod.socketIn('', 4), TypeError);
  assert.equal(mod.strerror(111), 'connection refused');
  // Node's name for every errno (this one was reported as EIO), and the file it was about.
  const loop = join(tmpdir(), `kubito-t-loop${process.pid}`);
  symlinkSync(loop, loop);
  try {
    assert.throws(() => mod.socketIn(loop, 4), { syscall: 'open', code: 'ELOOP', errno: constants.errno.ELOOP, path: loop });
  } finally {
    unlinkSync(loop);
  }
});

test("the agent's own namespace not opened when the addon loaded: that open's errno, not a closed sandbox", () => {
  // A mount namespace of this test's own without /proc: the addon's open of /proc/thread-self/ns/net fails.
  const script = `const m = require(${JSON.stringify(agentAddonPath())});
    try { m.socketIn('/run/netns/none', 4); } catch (e) { console.log(JSON.stringify({ code: e.code, errno: e.errno, syscall: e.syscall, path: e.path })); }`;
  const out = execFileSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'umount -l /proc && exec "$0" -e "$1"', process.execPath, script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), { code: 'ENOENT', errno: constants.errno.ENOENT, syscall: 'open', path: '/proc/thread-self/ns/net' });
  const failing = {
    socketIn: (): number => {
      throw Object.assign(new Error('no such file or directory'), { code: 'ENOENT', errno: 2, syscall: 'open', path: '/proc/thread-self/ns/net' });
    },
    strerror,
  };
  return assert.rejects(dialLocalhost(failing, { netnsPath: NETNS_PATH, sandbox: '0123abcd', port: 9000 }), {
    message: `failed to execute portforward in network namespace "${NETNS_PATH}": open /proc/thread-self/ns/net: no such file or directory`,
  });
});

test("a hostNetwork pod: localhost in the agent's own namespace", async () => {
  const server = net.createServer((s) => s.end('host'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  try {
    assert.equal(await readAll(await dialLocalhost(mod, { sandbox: 'x', port })), 'host');
  } finally {
    server.close();
  }
});
