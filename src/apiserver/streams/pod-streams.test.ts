import { ADMIN_USER } from '../impersonation.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { Scope } from '../handlers/scope.js';
import type { RestStorage } from '../registry/rest-storage.js';
import { parseRequestInfo, type ResourceRequest } from '../request-info.js';
import { PodStreams } from './pod-streams.js';
import { Channel, channelMessage, exitStatus, WS_V5 } from './remote-command.js';
import { acceptWebSocket, connectWebSocket } from './websocket.js';

let dir: string;
let api: Server;
let kubelet: Server;
let port: number;
let streams: PodStreams;

const pods: Record<string, KubeObject> = {
  p: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c' }] }, status: { containerStatuses: [{ name: 'c', state: { running: {} } }] } } as KubeObject,
  nonode: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nonode', namespace: 'default' }, spec: { containers: [{ name: 'c' }] } } as KubeObject,
  lost: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lost', namespace: 'default' }, spec: { nodeName: 'n2', containers: [{ name: 'c' }] }, status: { containerStatuses: [{ name: 'c', state: { running: {} } }] } } as KubeObject,
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubito-podstreams-'));
  // A kubelet that only knows pod "p" and answers logs of anything else with 404.
  kubelet = createServer((req, res) => {
    res.writeHead(req.url?.startsWith('/containerLogs/default/p/c') ? 200 : 404, { 'Content-Type': 'text/plain' });
    res.end(req.url?.startsWith('/containerLogs/default/p/c') ? `log for ${req.url}` : 'pod "p2" does not exist\n');
  });
  // exec of pod "p": a command that is done at once, so its output is ready before kubectl's 101.
  kubelet.on('upgrade', (req, socket, head) => {
    const ws = acceptWebSocket({ req, socket, head }, { protocol: WS_V5 });
    const failing = req.url?.includes('command=false');
    ws?.send(channelMessage(Channel.stdout, 'hi\n'));
    ws?.send(channelMessage(Channel.error, JSON.stringify(failing ? exitStatus(3, ['false']) : exitStatus(0))));
    ws?.close();
  });
  kubelet.listen(join(dir, 'n1.sock'));
  await once(kubelet, 'listening');
  streams = new PodStreams({
    getPod: async (_ns, name) => {
      if (!pods[name]) throw newNotFound({ group: '', resource: 'pods' }, name);
      return pods[name];
    },
    authenticate: (headers) => (headers.authorization === 'Bearer good' ? ADMIN_USER : undefined),
    kubeletSocket: (node) => join(dir, `${node}.sock`),
  });
  api = createServer((_req, res) => res.end());
  api.on('upgrade', (req, socket, head) => streams.handleUpgrade(req, socket, head));
  api.listen(0, '127.0.0.1');
  await once(api, 'listening');
  port = (api.address() as { port: number }).port;
});

after(() => {
  streams.close();
  api.close();
  kubelet.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An upgrade request that gets refused: its status and body. */
async function refused(path: string, headers: Record<string, string>, method = 'POST'): Promise<{ status: number; body: string }> {
  const req = request({ host: '127.0.0.1', port, path, method, headers: { Authorization: 'Bearer good', Connection: 'Upgrade', ...headers } });
  req.end();
  const [res] = await once(req, 'response');
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return { status: res.statusCode, body: Buffer.concat(chunks).toString() };
}

const SPDY = { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' };
const WS = { Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' };

test('credentials are checked before anything else', async () => {
  const r = await refused('/api/v1/namespaces/default/pods/p/exec?command=ls&stdout=true', { ...SPDY, Authorization: 'Bearer bad' });
  assert.equal(r.status, 401);
  assert.equal(JSON.parse(r.body).reason, 'Unauthorized');
});

test('unknown paths and pods are 404s, as Status objects', async () => {
  const path = await refused('/api/v1/namespaces/default/services/p/exec', SPDY);
  assert.equal(path.status, 404);
  const pod = await refused('/api/v1/namespaces/default/pods/nope/exec?command=ls&stdout=true', SPDY);
  assert.equal(pod.status, 404);
  assert.equal(JSON.parse(pod.body).message, 'pods "nope" not found');
});

test('bad requests: no streams, no command, no node, unknown container', async () => {
  assert.match((await refused('/api/v1/namespaces/default/pods/p/exec?command=ls', SPDY)).body, /you must specify at least 1 of stdin, stdout, stderr/);
  assert.match((await refused('/api/v1/namespaces/default/pods/p/exec?stdout=1', SPDY)).body, /you must specify at least one command for the container/);
  const noNode = await refused('/api/v1/namespaces/default/pods/nonode/exec?command=ls&stdout=1', SPDY);
  assert.equal(noNode.status, 400);
  assert.equal(JSON.parse(noNode.body).message, 'pod nonode does not have a host assigned');
  assert.equal(JSON.parse((await refused('/api/v1/namespaces/default/pods/p/attach?container=x&stdout=1', SPDY)).body).message, 'container x is not valid for pod p');
});

test('protocol refusals: SPDY without a common version is 403; WebSocket without the subprotocol is 400 (kubectl then tries SPDY)', async () => {
  const spdy = await refused('/api/v1/namespaces/default/pods/p/exec?command=ls&stdout=1', { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v3.channel.k8s.io' });
  assert.equal(spdy.status, 403);
  assert.match(JSON.parse(spdy.body).message, /unable to upgrade: unable to negotiate protocol: client supports \[v3.channel.k8s.io\], server accepts \[v5.channel.k8s.io v4.channel.k8s.io\]/);
  const ws = await refused('/api/v1/namespaces/default/pods/p/exec?command=ls&stdout=1', { ...WS, 'Sec-WebSocket-Protocol': 'v4.channel.k8s.io' }, 'GET');
  assert.equal(ws.status, 400);
  const pf = await refused('/api/v1/namespaces/default/pods/p/portforward', { ...WS, 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' }, 'GET');
  assert.equal(pf.status, 400);
});

test('an unreachable kubelet is a 500 "error dialing backend"', async () => {
  const r = await refused('/api/v1/namespaces/default/pods/lost/exec?command=ls&stdout=1', SPDY);
  assert.equal(r.status, 500);
  assert.match(JSON.parse(r.body).message, /^error dialing backend: connect ENOENT .*n2\.sock$/);
});

function scope(path: string): Scope {
  const url = new URL(path, 'http://x');
  const request = parseRequestInfo('GET', url.pathname, false) as ResourceRequest;
  return {
    http: { method: 'GET', path: url.pathname, query: url.searchParams, headers: {} },
    request,
    info: findResource('', 'v1', 'pods')!,
    storage: { get: async (_ns: string, name: string) => pods[name] } as unknown as RestStorage,
    now: 0,
    warnings: [],
  };
}

test('handle(): logs stream from the kubelet with the forwarded options', async () => {
  const response = await streams.handle(scope('/api/v1/namespaces/default/pods/p/log?follow=true&tailLines=5&timestamps=true&container=c'));
  assert.equal(response.kind, 'stream');
  const chunks: string[] = [];
  await new Promise<void>((resolve) => {
    if (response.kind === 'stream') response.start({ write: (c) => void chunks.push(c.toString()), end: resolve });
  });
  assert.equal(chunks.join(''), 'log for /containerLogs/default/p/c?follow=true&timestamps=true&tailLines=5');
});

test('handle(): refusals and edge cases', async () => {
  await assert.rejects(streams.handle(scope('/api/v1/namespaces/default/pods/p/exec?command=ls')), /Upgrade request required/);
  await assert.rejects(streams.handle(scope('/api/v1/namespaces/default/pods/p/log?tailLines=x')), /tailLines: Invalid value: "x"/);
  const none = await streams.handle(scope('/api/v1/namespaces/default/pods/nonode/log'));
  assert.equal(none.kind === 'body' && none.status, 204);
  await assert.rejects(streams.handle(scope('/api/v1/namespaces/default/pods/lost/log')), (err: unknown) => (err as { code: number }).code === 500);
});

test('WebSocket exec: output waits for the client to set up its streams (client-go drops messages of streams it has not created yet)', async () => {
  // client-go starts its read loop before it creates its streams and drops any message for a stream
  // it does not know yet ("Unknown stream id 1, discarding message"): a kubectl descheduled for a
  // few ms on a loaded machine then printed nothing and exited 0. This client knows its streams
  // only 10 ms after the 101 and drops what comes before, as such a kubectl would.
  const ws = await connectWebSocket({ host: '127.0.0.1', port, path: '/api/v1/namespaces/default/pods/p/exec?command=echo&command=hi&stdout=1', protocols: [WS_V5], headers: { Authorization: 'Bearer good' } });
  let ready = false;
  setTimeout(() => (ready = true), 10);
  const got: string[] = [];
  ws.on('message', (data) => {
    if (ready) got.push(`${data[0]}:${data.subarray(1).toString()}`);
  });
  await once(ws, 'close');
  assert.deepEqual(got, ['1:hi\n', `3:${JSON.stringify(exitStatus(0))}`]);
});

test('WebSocket exec: a client message (stdin, resize) shows its streams exist and releases the output at once', async () => {
  const patient = new PodStreams({ getPod: async () => pods.p, kubeletSocket: (node) => join(dir, `${node}.sock`), clientStreamsGraceMs: 60_000 });
  const server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => patient.handleUpgrade(req, socket, head));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const started = Date.now();
  const ws = await connectWebSocket({ host: '127.0.0.1', port: (server.address() as { port: number }).port, path: '/api/v1/namespaces/default/pods/p/exec?command=cat&stdin=1&stdout=1', protocols: [WS_V5], headers: { Authorization: 'Bearer good' } });
  const got: number[] = [];
  ws.on('message', (data) => got.push(data[0]));
  ws.send(channelMessage(Channel.stdin, 'x'));
  await once(ws, 'close');
  assert.deepEqual(got, [Channel.stdout, Channel.error]);
  assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
  patient.close();
  server.close();
});

test('handle(): PodLogOptions out of range are 422 Invalid, as ValidatePodLogOptions words them, before the pod is read', async () => {
  const cases: [string, string, string][] = [
    ['tailLines=-1', 'tailLines', 'Invalid value: -1: must be greater than or equal to 0'],
    ['limitBytes=0', 'limitBytes', 'Invalid value: 0: must be greater than 0'],
    ['sinceSeconds=0', 'sinceSeconds', 'Invalid value: 0: must be greater than 0'],
    ['sinceSeconds=5&sinceTime=2025-01-01T00:00:00Z', '', 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified'],
  ];
  for (const [query, field, body] of cases) {
    await assert.rejects(streams.handle(scope(`/api/v1/namespaces/default/pods/gone/log?${query}`)), (err: unknown) => {
      const status = (err as { status: { code: number; reason: string; message: string; details: { kind: string; name: string; causes: unknown[] } } }).status;
      assert.equal(status.code, 422, query);
      assert.equal(status.reason, 'Invalid');
      assert.equal(status.message, `PodLogOptions "gone" is invalid: ${field}: ${body}`);
      assert.deepEqual([status.details.kind, status.details.name, status.details.causes], ['PodLogOptions', 'gone', [{ reason: field ? 'FieldValueInvalid' : 'FieldValueForbidden', message: body, field }]]);
      return true;
    });
  }
});

test('WebSocket exec: a non-zero exit reads as kube-apiserver\'s stream translator writes it', async () => {
  const ws = await connectWebSocket({ host: '127.0.0.1', port, path: '/api/v1/namespaces/default/pods/p/exec?command=false&stdout=1', protocols: [WS_V5], headers: { Authorization: 'Bearer good' } });
  const statuses: unknown[] = [];
  ws.on('message', (data) => {
    if (data[0] === Channel.error) statuses.push(JSON.parse(data.subarray(1).toString()));
  });
  await once(ws, 'close');
  // The translator's SPDY client decodes the kubelet's status into "command terminated with exit
  // code 3" and codeExitToStatusError wraps that again.
  assert.deepEqual(statuses, [{
    metadata: {},
    status: 'Failure',
    message: 'command terminated with non-zero exit code: command terminated with exit code 3',
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: '3' }] },
  }]);
});
