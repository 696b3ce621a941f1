/**
 * The real kubectl (1.27: SPDY; 1.33: WebSocket v5 and the SPDY-in-WebSocket tunnel; 1.33 with
 * the env gates off: SPDY v5) against PodStreams and KubeletStreams with a faked host
 * (kubectl-fixture.ts). Skipped where the binaries are not installed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { ECHO_POD_PORT, startFixture, type Fixture } from './kubectl-fixture.js';

function kubectlDir(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    if (existsSync(candidate)) return dirname(realpathSync(candidate));
  }
  return undefined;
}

const dir = kubectlDir();
const missing = [
  ...['1.27', '1.33'].filter((v) => !dir || !existsSync(join(dir, `kubectl.${v}`))).map((v) => `kubectl.${v}`),
  ...['script', 'stty'].filter((tool) => !(process.env.PATH ?? '').split(delimiter).some((d) => existsSync(join(d, tool)))),
];
const skip = missing.length ? `${missing.join(', ')} not installed` : false;

let fixture: Fixture;
before(async () => {
  if (!skip) fixture = await startFixture();
});
after(async () => {
  if (fixture) await fixture.close();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The three wires: [label, version, env]. */
const WIRES: [string, string, NodeJS.ProcessEnv][] = [
  ['1.27 SPDY', '1.27', {}],
  ['1.33 WebSocket', '1.33', {}],
  ['1.33 SPDY', '1.33', { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false', KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }],
];

function argv(version: string, args: string[]): string[] {
  const cache = mkdtempSync(join(fixture.dir, 'cache-'));
  return [join(dir!, `kubectl.${version}`), '--kubeconfig', fixture.kubeconfig, '--cache-dir', cache, ...args];
}

/** Runs kubectl to completion (killed after 20 s). */
function kubectl(version: string, args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const [file, ...rest] = argv(version, args);
  return run(file, rest, options);
}

/** Runs kubectl on a pseudo-terminal of 30 rows x 100 columns, typing `input` after `delayMs`. */
function kubectlTty(version: string, args: string[], options: { input?: string; delayMs?: number } = {}): Promise<Run> {
  const line = argv(version, args).map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  return run('script', ['-qfec', `stty rows 30 cols 100; ${line}`, '/dev/null'], { typeAfter: options.delayMs ?? 0, input: options.input, keepStdin: true });
}

function run(file: string, args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; typeAfter?: number; keepStdin?: boolean }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: { ...process.env, ...(options.env ?? {}) }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdin.on('error', () => undefined);
    const type = (): void => {
      if (options.input !== undefined) child.stdin.write(options.input);
      if (!options.keepStdin) child.stdin.end();
    };
    if (options.typeAfter) setTimeout(type, options.typeAfter);
    else type();
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, stdout, stderr });
    });
  });
}

test('exec: stdout, stderr and the exit code on every wire', { skip }, async () => {
  fixture.upgrades.length = 0;
  const results = await Promise.all(WIRES.map(([, version, env]) => kubectl(version, ['exec', 'p', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { env })));
  for (const [i, r] of results.entries()) {
    assert.equal(r.code, 3, `${WIRES[i][0]}: ${r.stderr}`);
    assert.equal(r.stdout, 'out\n', WIRES[i][0]);
    assert.match(r.stderr, /^err\n/m, WIRES[i][0]);
    assert.match(r.stderr, /command terminated with exit code 3/, WIRES[i][0]);
  }
  const ok = await Promise.all(WIRES.map(([, version, env]) => kubectl(version, ['exec', 'p', '--', 'sh', '-c', 'echo fine'], { env })));
  for (const r of ok) assert.deepEqual([r.code, r.stdout], [0, 'fine\n'], r.stderr);
  const upgrades = fixture.upgrades.filter((u) => u.includes('/exec'));
  assert.equal(upgrades.filter((u) => u === 'GET /api/v1/namespaces/default/pods/p/exec websocket').length, 2);
  assert.equal(upgrades.filter((u) => u === 'POST /api/v1/namespaces/default/pods/p/exec SPDY/3.1').length, 4);
});

test('exec -i: stdin reaches the command and its end closes it', { skip }, async () => {
  const input = Buffer.alloc(300_000);
  for (let i = 0; i < input.length; i++) input[i] = 97 + (i % 26);
  const results = await Promise.all(WIRES.map(([, version, env]) => kubectl(version, ['exec', '-i', 'p', '--', 'sh', '-c', 'wc -c; exit 0'], { env, input })));
  for (const [i, r] of results.entries()) assert.deepEqual([r.code, r.stdout.trim()], [0, '300000'], `${WIRES[i][0]}: ${r.stderr}`);
  const echo = await kubectl('1.33', ['exec', '-i', 'p', '--', 'cat'], { input: 'hello\nworld\n' });
  assert.equal(echo.stdout, 'hello\nworld\n');
});

test('exec: megabytes of output arrive whole on every wire', { skip }, async () => {
  const results = await Promise.all(WIRES.map(([, version, env]) => kubectl(version, ['exec', 'p', '--', 'sh', '-c', 'head -c 3000000 /dev/zero | tr "\\0" x'], { env })));
  for (const [i, r] of results.entries()) {
    assert.equal(r.code, 0, `${WIRES[i][0]}: ${r.stderr}`);
    assert.equal(r.stdout.length, 3_000_000, WIRES[i][0]);
    assert.match(r.stdout, /^x+$/, WIRES[i][0]);
  }
});

test('exec -it: a pseudo-terminal with the client window size, input echoed, exit code kept', { skip }, async () => {
  const results = await Promise.all(WIRES.map(([, version]) => kubectlTty(version, ['exec', '-it', 'p', '--', 'sh', '-c', 'sleep 0.3; stty size; tty; exit 2'])));
  for (const [i, r] of results.entries()) {
    assert.equal(r.code, 2, `${WIRES[i][0]}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^30 100\r\n\/dev\/pts\/\d+\r\n/, WIRES[i][0]);
  }
  const shell = await kubectlTty('1.33', ['exec', '-it', 'p', '--', 'sh'], { input: 'echo hi-$((40+2))\nexit 4\n', delayMs: 500 });
  assert.equal(shell.code, 4, shell.stdout);
  assert.match(shell.stdout, /hi-42\r\n/);
});

test('attach -i: to a running container stdin, which stdinOnce closes at the end of input', { skip }, async () => {
  const results = await Promise.all(WIRES.map(([, version, env]) => kubectl(version, ['attach', '-i', 'att'], { env, input: 'ping\n' })));
  for (const [i, r] of results.entries()) {
    assert.equal(r.code, 0, `${WIRES[i][0]}: ${r.stderr}`);
    assert.equal(r.stdout, 'ping\n', WIRES[i][0]);
  }
});

test('attach -it: a TTY container gets the size and the keystrokes (kubectl run -it)', { skip }, async () => {
  const r = await kubectlTty('1.33', ['attach', '-it', 'ttyatt'], { input: 'sleep 0.5; stty size\nexit\n', delayMs: 700 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /30 100\r\n/);
});

/** Starts `kubectl port-forward`, returns the local port and a stop function. */
async function portForward(version: string, env: NodeJS.ProcessEnv, podPort: number): Promise<{ port: number; done: Promise<Run>; stop(): void }> {
  const [file, ...rest] = argv(version, ['port-forward', 'pod/p', `:${podPort}`]);
  const child = spawn(file, rest, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    void done.then((r) => reject(new Error(`port-forward exited ${r.code}: ${r.stderr}`)));
  });
  return { port, done, stop: () => child.kill('SIGTERM') };
}

/** Sends `data`, half-closes, and collects the answer until the server closes. */
function exchange(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.end(data);
  });
}

test('port-forward: bytes both ways on every wire, connection after connection', { skip }, async () => {
  fixture.upgrades.length = 0;
  const wires: [string, string, NodeJS.ProcessEnv][] = [...WIRES, ['1.33 tunnel (explicit)', '1.33', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'true' }]];
  await Promise.all(wires.map(async ([label, version, env]) => {
    const pf = await portForward(version, env, ECHO_POD_PORT);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await exchange(pf.port, Buffer.from(`hello ${i}`))).toString(), `hello ${i}`, label);
      const big = Buffer.alloc(1_000_000);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
      assert.ok((await exchange(pf.port, big)).equals(big), label);
    } finally {
      pf.stop();
      await pf.done;
    }
  }));
  assert.equal(fixture.upgrades.filter((u) => u === 'GET /api/v1/namespaces/default/pods/p/portforward websocket').length, 2);
  assert.equal(fixture.upgrades.filter((u) => u === 'POST /api/v1/namespaces/default/pods/p/portforward SPDY/3.1').length, 2);
});

test('port-forward: a refused pod port is reported on the error stream and kubectl gives up', { skip }, async () => {
  await Promise.all(WIRES.map(async ([label, version, env]) => {
    const pf = await portForward(version, env, 7001);
    await exchange(pf.port, Buffer.from('x')).catch(() => Buffer.alloc(0));
    const r = await pf.done;
    assert.equal(r.code, 1, label);
    assert.match(r.stderr, /an error occurred forwarding \d+ -> 7001: error forwarding port 7001 to pod default\/p, uid uid-p: failed to connect to localhost:7001 inside namespace of pod default\/p: connect ECONNREFUSED/, label);
    assert.match(r.stderr, /lost connection to pod/, label);
  }));
});

test('logs -f follows until the kubelet ends the stream; a waiting container is a 400', { skip }, async () => {
  const [follow27, follow33, waiting, plain] = await Promise.all([
    kubectl('1.27', ['logs', '-f', 'p']),
    kubectl('1.33', ['logs', '-f', 'p']),
    kubectl('1.33', ['logs', 'pending']),
    kubectl('1.33', ['logs', 'p']),
  ]);
  for (const r of [follow27, follow33]) assert.deepEqual([r.code, r.stdout], [0, 'line 1\nline 2\nline 3\n'], r.stderr);
  assert.deepEqual([plain.code, plain.stdout], [0, 'line 1\n']);
  assert.equal(waiting.code, 1);
  assert.equal(waiting.stderr.trim(), 'Error from server (BadRequest): container "c" in pod "pending" is waiting to start: ContainerCreating');
});

test('refusals before the upgrade read as the kubelet words them', { skip }, async () => {
  const runs = await Promise.all([
    ...WIRES.map(([, version, env]) => kubectl(version, ['exec', 'gone', '--', 'true'], { env })),
    ...WIRES.map(([, version, env]) => kubectl(version, ['exec', 'crashed', '--', 'true'], { env })),
    kubectl('1.27', ['exec', 'p', '--', 'no-such-command']),
    kubectl('1.33', ['exec', 'p', '--', 'no-such-command']),
    kubectl('1.33', ['exec', 'p', '-c', 'other', '--', 'true']),
  ]);
  for (const r of runs.slice(0, 3)) assert.deepEqual([r.code, r.stderr.trim()], [1, 'error: unable to upgrade connection: pod does not exist']);
  for (const r of runs.slice(3, 6)) assert.deepEqual([r.code, r.stderr.trim()], [1, 'error: unable to upgrade connection: container not found ("c")']);
  for (const r of runs.slice(6, 8)) {
    assert.deepEqual([r.code, r.stderr.trim()], [1, 'error: Internal error occurred: error executing command in container: exec: "no-such-command": executable file not found in $PATH']);
  }
  assert.equal(runs[8].code, 1);
  assert.match(runs[8].stderr, /container other is not valid for pod p/);
});
