import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { WebSocketChannels } from '../../apiserver/streams/channels.js';
import { PORT_FORWARD_V1 } from '../../apiserver/streams/kubelet-client.js';
import { writeHttpResponse } from '../../apiserver/streams/raw-http.js';
import { connectWebSocket, WebSocketHandshakeError } from '../../apiserver/streams/websocket.js';
import { KubeletStreams, parseStreamPath } from './kubelet-streams.js';
import { ContainerNotFoundError, ExecStartError, PodNotFoundError, type AttachListener } from './types.js';

let dir: string;
let socketPath: string;
let server: Server;
let echo: TcpServer;
let kubelet: KubeletStreams;
const spawned: ChildProcessWithoutNullStreams[] = [];
/** The fake attachable container: output injected by the test, stdin recorded. */
const container = { stdin: new PassThrough(), listeners: new Set<AttachListener>(), resized: [] as string[] };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubito-kubelet-'));
  socketPath = join(dir, 'kubelet.sock');
  echo = createTcpServer((s) => s.pipe(s));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const echoPort = (echo.address() as { port: number }).port;
  kubelet = new KubeletStreams({
    spawner: {
      spawn(ref, options) {
        if (ref.pod !== 'p') throw new PodNotFoundError(ref);
        if (ref.container !== 'c') throw new ContainerNotFoundError(ref.container);
        if (options.argv[0] === 'no-such-program') throw new ExecStartError('failed to exec in container: exec: "no-such-program": executable file not found in $PATH: unknown');
        // Detached, as the agent spawns exec'd processes: each leads its own process group.
        const child = spawn(options.argv[0], options.argv.slice(1), { stdio: 'pipe', detached: true });
        spawned.push(child);
        return child;
      },
    },
    attacher: {
      attach(ref) {
        if (ref.pod !== 'p') throw new PodNotFoundError(ref);
        return {
          tty: false,
          stdin: container.stdin,
          stdinOnce: true,
          subscribe: (l) => (container.listeners.add(l), () => container.listeners.delete(l)),
          resize: (size) => void container.resized.push(`${size.width}x${size.height}`),
        };
      },
    },
    dialer: {
      async dial(ref, port) {
        if (ref.pod !== 'p') throw new PodNotFoundError(ref);
        // As long as the runtime's words: longer than a close frame's 123 bytes of reason.
        if (port !== 80) throw new Error(`failed to execute portforward in network namespace "/run/netns/kubito-c-p0123abcd": failed to connect to localhost:${port} inside namespace "0123abcd", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `);
        const socket = connect(echoPort, '127.0.0.1');
        await once(socket, 'connect');
        return { socket, podUID: 'u' };
      },
    },
  });
  server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => {
    if (!kubelet.handleUpgrade(req, socket, head)) writeHttpResponse(socket, { status: 404, body: 'no such endpoint' });
  });
  server.listen(socketPath);
  await once(server, 'listening');
});

after(() => {
  kubelet.close();
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  server.close();
  echo.close();
  rmSync(dir, { recursive: true, force: true });
});

async function session(path: string): Promise<{ channels: WebSocketChannels; out: Record<number, string>; eofs: number[]; closed: Promise<string | undefined> }> {
  const channels = new WebSocketChannels(await connectWebSocket({ socketPath, path, protocols: ['v5.channel.k8s.io'] }));
  const out: Record<number, string> = {};
  const eofs: number[] = [];
  channels.on('data', (ch, chunk) => (out[ch] = (out[ch] ?? '') + chunk.toString()));
  channels.on('eof', (ch) => eofs.push(ch));
  const closed = new Promise<string | undefined>((resolve) => channels.on('close', resolve));
  return { channels, out, eofs, closed };
}

async function refusal(path: string, protocol = 'v5.channel.k8s.io'): Promise<[number, string]> {
  try {
    await connectWebSocket({ socketPath, path, protocols: [protocol] });
  } catch (err) {
    if (err instanceof WebSocketHandshakeError) return [err.status, err.body.toString()];
    throw err;
  }
  throw new Error('the upgrade was accepted');
}

test('paths of the kubelet API', () => {
  assert.deepEqual(parseStreamPath('/exec/default/p/c'), { kind: 'exec', ref: { namespace: 'default', pod: 'p', container: 'c' } });
  assert.deepEqual(parseStreamPath('/attach/ns/a%20b/c'), { kind: 'attach', ref: { namespace: 'ns', pod: 'a b', container: 'c' } });
  assert.deepEqual(parseStreamPath('/portForward/default/p'), { kind: 'portForward', ref: { namespace: 'default', pod: 'p' } });
  assert.equal(parseStreamPath('/exec/default/p'), undefined);
  assert.equal(parseStreamPath('/containerLogs/default/p/c'), undefined);
});

test('a program that cannot start: the session opens and ends with the runtime\'s error as its Status', async () => {
  const s = await session('/exec/default/p/c?command=no-such-program&stdout=1&stderr=1');
  assert.equal(await s.closed, undefined);
  assert.deepEqual(JSON.parse(s.out[3]), {
    metadata: {},
    status: 'Failure',
    message: 'Internal error occurred: error executing command in container: failed to exec in container: exec: "no-such-program": executable file not found in $PATH: unknown',
    reason: 'InternalError',
    code: 500,
  });
});

test('refusals come before the upgrade, in the kubelet words kubectl prints', async () => {
  assert.deepEqual(await refusal('/exec/default/nope/c?command=ls&stdout=1'), [404, 'pod does not exist']);
  assert.deepEqual(await refusal('/exec/default/p/other?command=ls&stdout=1'), [500, 'container not found ("other")']);
  assert.deepEqual(await refusal('/exec/default/p/c?command=ls'), [400, 'you must specify at least 1 of stdin, stdout, stderr']);
  assert.deepEqual(await refusal('/exec/default/p/c?stdout=1'), [400, 'you must specify at least one command for the container']);
  assert.deepEqual(await refusal('/exec/default/p/c?command=ls&stdout=1', 'v4.channel.k8s.io'), [400, 'a WebSocket upgrade with subprotocol v5.channel.k8s.io is required']);
  assert.deepEqual(await refusal('/portForward/default/nope?port=80', PORT_FORWARD_V1), [404, 'pod does not exist']);
  assert.deepEqual(await refusal('/portForward/default/p?port=0', PORT_FORWARD_V1), [400, 'invalid port "0"']);
  assert.deepEqual(await refusal('/stats/summary'), [404, 'no such endpoint']);
});

test('exec: output on channels 1 and 2, the exit code in the status, then a normal close', async () => {
  const s = await session('/exec/default/p/c?command=sh&command=-c&command=echo%20out%3B%20echo%20err%20%3E%262%3B%20exit%203&stdout=true&stderr=true');
  assert.equal(await s.closed, undefined);
  assert.equal(s.out[1], 'out\n');
  assert.equal(s.out[2], 'err\n');
  const status = JSON.parse(s.out[3]);
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '3' }]);
  // The kubelet's words around containerd's CodeExitError ("error executing command %v, exit code %d").
  assert.equal(status.message, 'command terminated with non-zero exit code: error executing command [sh -c echo out; echo err >&2; exit 3], exit code 3');
});

test('exec: stdin until the CLOSE signal; a signal death is 128 + N', async () => {
  const s = await session('/exec/default/p/c?command=cat&stdin=1&stdout=1');
  s.channels.write(0, Buffer.from('hello '));
  s.channels.write(0, Buffer.from('world'));
  s.channels.closeChannel(0);
  await s.closed;
  assert.equal(s.out[1], 'hello world');
  assert.deepEqual(JSON.parse(s.out[3]), { metadata: {}, status: 'Success' });
  const killed = await session('/exec/default/p/c?command=sh&command=-c&command=kill%20-9%20%24%24&stdout=1');
  await killed.closed;
  assert.equal(JSON.parse(killed.out[3]).details.causes[0].message, '137');
});

/** Whether any process of the group is still running (zombies waiting for init do not count). */
function groupAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

test('exec: the client leaving kills the process and its process group', async () => {
  const s = await session('/exec/default/p/c?command=sh&command=-c&command=sleep%20201%20%26%20sleep%20202&stdout=1');
  while (!spawned.some((c) => c.spawnargs.includes('sleep 201 & sleep 202'))) await new Promise((r) => setTimeout(r, 5));
  const child = spawned.find((c) => c.spawnargs.includes('sleep 201 & sleep 202'))!;
  assert.equal(groupAlive(child.pid!), true);
  s.channels.abort('bye');
  const [, signal] = await once(child, 'exit');
  assert.equal(signal, 'SIGKILL');
  for (let i = 0; i < 100 && groupAlive(child.pid!); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(groupAlive(child.pid!), false);
});

test('installStreams registers the stream routes and /dial on the kubelet server', async () => {
  const { installStreams } = await import('./index.js');
  const routes: string[] = [];
  const installed = installStreams({ onUpgrade: (route) => routes.push(route) }, {
    spawn: () => { throw new PodNotFoundError({ namespace: 'x', pod: 'y' }); },
    attach: () => { throw new PodNotFoundError({ namespace: 'x', pod: 'y' }); },
    dial: () => Promise.reject(new PodNotFoundError({ namespace: 'x', pod: 'y' })),
  });
  assert.deepEqual(routes, ['exec', 'attach', 'portForward', 'dial']);
  installed.close();
});

test('attach: output from now on, stdin and resizes in, stdinOnce closes stdin, exit ends with Success', async () => {
  const s = await session('/attach/default/p/c?stdin=1&stdout=1&stderr=1&tty=0');
  while (container.listeners.size === 0) await new Promise((r) => setTimeout(r, 5));
  const typed: string[] = [];
  container.stdin.on('data', (c: Buffer) => typed.push(c.toString()));
  for (const l of container.listeners) {
    l.output('stdout', Buffer.from('prompt> '));
    l.output('stderr', Buffer.from('warn'));
  }
  s.channels.write(0, Buffer.from('ls\n'));
  s.channels.closeChannel(0);
  await once(container.stdin, 'end');
  assert.deepEqual(typed, ['ls\n']);
  for (const l of [...container.listeners]) l.exit();
  await s.closed;
  assert.equal(s.out[1], 'prompt> ');
  assert.equal(s.out[2], 'warn');
  assert.deepEqual(JSON.parse(s.out[3]), { metadata: {}, status: 'Success' });
});

test('attach with a TTY: resize messages reach the container', async () => {
  const s = await session('/attach/default/p/c?stdout=1&tty=1');
  s.channels.write(4, Buffer.from('{"Width":81,"Height":25}\n'));
  while (!container.resized.includes('81x25')) await new Promise((r) => setTimeout(r, 5));
  s.channels.abort();
  await s.closed;
});

test('port-forward: raw bytes, an empty message as half-close, 1000 when both sides are done', async () => {
  const ws = await connectWebSocket({ socketPath, path: '/portForward/default/p?port=80', protocols: [PORT_FORWARD_V1] });
  const got: Buffer[] = [];
  ws.on('message', (m) => got.push(m));
  ws.send(Buffer.from('ping'));
  ws.send(Buffer.alloc(0));
  const [code] = await once(ws, 'close');
  assert.equal(code, 1000);
  assert.deepEqual(got.map(String), ['ping', '']);
});

test('port-forward: an unreachable pod port is refused before the upgrade with the whole reason', async () => {
  const [status, body] = await refusal('/portForward/default/p?port=81', PORT_FORWARD_V1);
  assert.equal(status, 500);
  assert.equal(body, 'failed to execute portforward in network namespace "/run/netns/kubito-c-p0123abcd": failed to connect to localhost:81 inside namespace "0123abcd", IPv4: dial tcp4 127.0.0.1:81: connect: connection refused IPv6 dial tcp6 [::1]:81: connect: connection refused ');
});
