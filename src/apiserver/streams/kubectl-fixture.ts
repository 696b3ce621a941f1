/**
 * @module Test support: a tiny API server on 127.0.0.1 that serves legacy discovery, a fixed set
 * of Pods, and the real pod stream code (PodStreams, `handle` for logs and `handleUpgrade` for
 * exec/attach/portforward), bridged to the real kubelet stream endpoints (KubeletStreams) on a
 * Unix socket whose host is faked: exec spawns `argv` locally, attach runs a fresh `cat`,
 * port-forward dials a local TCP echo server, logs come from a scripted follower. The real
 * kubectl binaries then prove the protocols end to end without a node agent.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { newNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { KubeletStreams } from '../../node/streams/kubelet-streams.js';
import { resizePty, wrapInPty } from '../../node/streams/pty.js';
import { ContainerNotFoundError, PodNotFoundError, type AttachableContainer, type AttachListener, type ContainerRef, type HostCommand, type PodRef } from '../../node/streams/types.js';
import type { Scope } from '../handlers/scope.js';
import type { HandlerResponse } from '../http-types.js';
import type { RestStorage } from '../registry/rest-storage.js';
import { parseRequestInfo, type ResourceRequest } from '../request-info.js';
import { PodStreams } from './pod-streams.js';
import { writeHttpResponse } from './raw-http.js';

function pod(name: string, options: { phase?: string; waiting?: string } = {}): KubeObject {
  const state = options.waiting ? { waiting: { reason: options.waiting } } : { running: { startedAt: '2025-01-01T00:00:00Z' } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox', stdin: name.endsWith('att'), stdinOnce: name.endsWith('att'), tty: name === 'ttyatt' }] },
    status: {
      phase: options.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: options.waiting ? 'False' : 'True' }],
      containerStatuses: [{ name: 'c', ready: !options.waiting, restartCount: 0, image: 'busybox', imageID: '', state }],
    },
  } as KubeObject;
}

const PODS = new Map<string, KubeObject>([
  ['p', pod('p')],
  ['att', pod('att')],
  ['gone', pod('gone')],
  ['crashed', pod('crashed')],
  ['ttyatt', pod('ttyatt')],
  ['pending', pod('pending', { phase: 'Pending', waiting: 'ContainerCreating' })],
]);

/** The pod port the fake dialer maps to the echo server; any other port is refused. */
export const ECHO_POD_PORT = 7000;

function discovery(path: string, host: string): unknown {
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] };
  if (path === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups: [] };
  if (path === '/api/v1') {
    return {
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1',
      resources: [
        { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] },
        { name: 'pods/attach', singularName: '', namespaced: true, kind: 'PodAttachOptions', verbs: ['create', 'get'] },
        { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
        { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
        { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      ],
    };
  }
  return undefined;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function notFound(name: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `pods "${name}" not found`, reason: 'NotFound', details: { name, kind: 'pods' }, code: 404 };
}

function writeHandlerResponse(res: ServerResponse, response: HandlerResponse): void {
  if (response.kind === 'body') {
    res.writeHead(response.status, { 'Content-Type': response.contentType });
    res.end(response.body);
    return;
  }
  res.writeHead(response.status, { 'Content-Type': response.contentType });
  res.flushHeaders();
  const stop = response.start({ write: (c) => res.write(c), end: () => res.end() });
  res.on('close', stop);
}

/**
 * The attachable container of pod "att" (`cat`, stdin kept open) or "ttyatt" (`sh` on a
 * pseudo-terminal, the way the agent core runs `kubectl run -it` containers).
 */
function attachableContainer(tty: boolean, children: Set<ChildProcessWithoutNullStreams>): AttachableContainer {
  const command = tty ? wrapInPty({ file: 'sh', args: [], env: { PATH: process.env.PATH } }) : { file: 'cat', args: [], env: { PATH: process.env.PATH } };
  const child = spawn(command.file, command.args, { env: command.env, stdio: 'pipe' });
  children.add(child);
  const listeners = new Set<AttachListener>();
  child.stdout.on('data', (c: Buffer) => listeners.forEach((l) => l.output('stdout', c)));
  child.on('close', () => {
    children.delete(child);
    listeners.forEach((l) => l.exit());
  });
  return {
    tty,
    stdin: child.stdin,
    stdinOnce: true,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    // Awaited, so that kubectl attach's size-plus-one and then its size land in that order.
    resize: tty ? async (size) => void (await resizePty(child.pid!, size)) : undefined,
  };
}

export interface Fixture {
  url: string;
  dir: string;
  kubeconfig: string;
  /** Lines the fake kubelet wrote for `logs -f` after the first one. */
  logLines: string[];
  /** Every upgrade the API server saw: `POST /api/v1/.../exec SPDY/3.1`. */
  upgrades: string[];
  close(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-streams-'));
  const kubeletSocket = join(dir, 'kubelet.sock');
  const children = new Set<ChildProcessWithoutNullStreams>();

  const echo: TcpServer = createTcpServer((socket) => socket.pipe(socket));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const echoPort = (echo.address() as { port: number }).port;
  // A port that refuses: bind, note it, close.
  const closed = createTcpServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const refusedPort = (closed.address() as { port: number }).port;
  closed.close();

  const lookup = (ref: PodRef & { container?: string }): void => {
    if (!PODS.has(ref.pod) || ref.pod === 'gone') throw new PodNotFoundError(ref);
    if (ref.pod === 'crashed' || (ref.container !== undefined && ref.container !== 'c')) throw new ContainerNotFoundError(ref.container ?? '');
  };
  const kubelet = new KubeletStreams({
    spawner: {
      spawn(ref: ContainerRef, options) {
        lookup(ref);
        const [file, ...args] = options.argv;
        let command: HostCommand = { file, args, env: { PATH: process.env.PATH, HOME: dir } };
        if (options.wrap) command = options.wrap(command);
        const child = spawn(command.file, command.args, { env: command.env, cwd: dir, stdio: 'pipe' });
        children.add(child);
        child.on('close', () => children.delete(child));
        return child;
      },
    },
    attacher: {
      attach(ref) {
        lookup(ref);
        return attachableContainer(ref.pod === 'ttyatt', children);
      },
    },
    dialer: {
      async dial(ref, port) {
        lookup(ref);
        const socket = connect(port === ECHO_POD_PORT ? echoPort : refusedPort, '127.0.0.1');
        try {
          await once(socket, 'connect');
        } catch (err) {
          throw new Error(`failed to connect to localhost:${port} inside namespace of pod ${ref.namespace}/${ref.pod}: ${(err as Error).message}`);
        }
        return { socket, podUID: `uid-${ref.pod}` };
      },
    },
  });
  const logLines = ['line 2', 'line 3'];
  const kubeletServer: Server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    if (url.pathname !== '/containerLogs/default/p/c') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('pod does not exist');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('line 1\n');
    if (url.searchParams.get('follow') !== 'true') return void res.end();
    const out = new PassThrough();
    out.pipe(res);
    let i = 0;
    const timer = setInterval(() => {
      if (i < logLines.length) out.write(`${logLines[i++]}\n`);
      else {
        clearInterval(timer);
        out.end();
      }
    }, 50);
    res.on('close', () => clearInterval(timer));
  });
  kubeletServer.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    if (!kubelet.handleUpgrade(req, socket, head)) writeHttpResponse(socket, { status: 404, body: 'not found' });
  });
  kubeletServer.listen(kubeletSocket);
  await once(kubeletServer, 'listening');

  const streams = new PodStreams({
    getPod: async (_namespace, name) => {
      const found = PODS.get(name);
      if (!found) throw newNotFound({ group: '', resource: 'pods' }, name);
      return found;
    },
    kubeletSocket: () => kubeletSocket,
  });
  const api: Server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const body = discovery(path, req.headers.host ?? '');
    if (body) return json(res, 200, body);
    const m = /^\/api\/v1\/namespaces\/default\/pods\/([^/]+)(?:\/(log|exec|attach|portforward))?$/.exec(path);
    if (!m) return json(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404 });
    const found = PODS.get(m[1]);
    if (!found) return json(res, 404, notFound(m[1]));
    if (!m[2]) return json(res, 200, found);
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const scope: Scope = {
      http: { method: 'GET', path, query: url.searchParams, headers },
      request: parseRequestInfo('GET', path, false) as ResourceRequest,
      info: findResource('', 'v1', 'pods')!,
      storage: { get: async () => found } as unknown as RestStorage,
      now: Date.now(),
      warnings: [],
    };
    streams.handle(scope).then(
      (response) => writeHandlerResponse(res, response),
      (err: { status?: { code: number } }) => json(res, err.status?.code ?? 500, err.status ?? { message: String(err) }),
    );
  });
  const upgrades: string[] = [];
  api.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    upgrades.push(`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname} ${req.headers.upgrade}`);
    streams.handleUpgrade(req, socket, head);
  });
  api.listen(0, '127.0.0.1');
  await once(api, 'listening');
  const url = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: t',
    `clusters: [{name: t, cluster: {server: "${url}"}}]`,
    'contexts: [{name: t, context: {cluster: t, user: t, namespace: default}}]',
    'users: [{name: t, user: {token: t}}]', '',
  ].join('\n'));
  return {
    url,
    dir,
    kubeconfig,
    logLines,
    upgrades,
    async close() {
      streams.close();
      kubelet.close();
      for (const child of children) child.kill('SIGKILL');
      api.closeAllConnections();
      kubeletServer.closeAllConnections();
      await Promise.all([
        new Promise((r) => api.close(r)),
        new Promise((r) => kubeletServer.close(r)),
        new Promise((r) => echo.close(r)),
      ]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
